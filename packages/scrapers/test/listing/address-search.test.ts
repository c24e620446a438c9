import { describe, expect, it } from 'vitest';
import { addressKey, isSameAddress } from '../../src/listing/index.js';
import {
  matchRedfinAutocomplete,
  parseRedfinAutocomplete,
  redfinAutocompleteUrl,
  redfinHostForAddress,
} from '../../src/redfin/redfin-autocomplete.js';
import { matchZillowSearchResult, parseZillowSearchResults, zillowSearchUrl } from '../../src/zillow/zillow-search.js';
import { readListing, readOwnFixture } from '../support/fixtures.js';

describe('address matching', () => {
  it('normalises street lines and postal codes', () => {
    expect(addressKey('1000 Plymouth Dr, Austin, TX 78758')).toEqual({ street: '1000 plymouth dr', postalCode: '78758' });
    expect(addressKey('829 East 14th Avenue, Vancouver, BC V5T 2N5')).toEqual({ street: '829 e 14th ave', postalCode: 'V5T2N5' });
    expect(addressKey('25 Federal Street Apt. 7, Brunswick, ME').street).toBe('25 federal st unit 7');
  });

  it('matches the same home written differently, not a neighbour or another unit', () => {
    expect(isSameAddress('25 Federal Street #7, Brunswick, ME 04011', '25 Federal St #7, Brunswick, ME 04011')).toBe(true);
    expect(isSameAddress('41 River Rd #A9, Brunswick, ME 04011', '41 River Rd., 41 River Rd #A9, Brunswick, ME 04011')).toBe(true);
    expect(isSameAddress('25 Federal St #8, Brunswick, ME 04011', '25 Federal St #7, Brunswick, ME 04011')).toBe(false);
    expect(isSameAddress('27 Federal St, Brunswick, ME 04011', '25 Federal St, Brunswick, ME 04011')).toBe(false);
    expect(isSameAddress('25 Federal St, Brunswick, ME 04011', '25 Federal St, Portland, ME 04101')).toBe(false);
  });
});

describe('Zillow address search (saved search pages)', () => {
  it('builds the search-box URL', () => {
    expect(zillowSearchUrl('1000 Plymouth Dr, Austin, TX 78758')).toBe('https://www.zillow.com/homes/1000-Plymouth-Dr-Austin-TX-78758_rb/');
  });

  it('reads the 36 homes of the Brunswick search page and the 41 of the search API body', () => {
    const page = parseZillowSearchResults(readListing('zillow', 'zillow-search-brunswick-me-04011.html'));
    expect(page).toHaveLength(36);
    expect(page?.[4]).toEqual({
      zpid: '114300037',
      address: '180 Columbia Ave, Brunswick, ME 04011',
      detailUrl: 'https://www.zillow.com/homedetails/180-Columbia-Ave-Brunswick-ME-04011/114300037_zpid/',
    });
    const api = parseZillowSearchResults(readListing('zillow', 'zillow-search-api-los-angeles-ca-page1.json'));
    expect(api).toHaveLength(41);
    expect(api?.[0]?.detailUrl).toBe('https://www.zillow.com/homedetails/7941-Rhodes-Ave-North-Hollywood-CA-91605/19998955_zpid/');
  });

  it('picks the home page of the address, never a building or apartment-complex page', () => {
    const results = parseZillowSearchResults(readListing('zillow', 'zillow-search-brunswick-me-04011.html')) ?? [];
    expect(matchZillowSearchResult('25 Federal St Unit 7, Brunswick, ME 04011', results)).toBe(
      'https://www.zillow.com/homedetails/25-Federal-St-7-Brunswick-ME-04011/2055302227_zpid/',
    );
    expect(matchZillowSearchResult('180 Columbia Avenue, Brunswick, ME', results)).toBe(
      'https://www.zillow.com/homedetails/180-Columbia-Ave-Brunswick-ME-04011/114300037_zpid/',
    );
    expect(matchZillowSearchResult('10 Townsend Ln, Brunswick, ME', results)).toBeNull(); // a /b/building/ page
    expect(matchZillowSearchResult('1 Nowhere Rd, Brunswick, ME 04011', results)).toBeNull();
  });

  it('says a page without search results is not a search page', () => {
    expect(parseZillowSearchResults(readListing('zillow', 'zillow-hdp-austin-tx-29423592.html'))).toBeNull();
    expect(parseZillowSearchResults('<html><body>nothing</body></html>')).toBeNull();
  });
});

// The autocomplete fixtures follow the real answer's shape as public callers of the live API describe it
// ({}&& guard, payload.exactMatch / payload.sections[].rows[] with id, type, name, subName, url): see
// test/fixtures/README.md for the sources.
describe('Redfin location autocomplete', () => {
  it('asks the site of the address', () => {
    expect(redfinHostForAddress('829 E 14th Ave, Vancouver, BC V5T 2N5')).toBe('www.redfin.ca');
    expect(redfinHostForAddress('1 N 1st St, Phoenix, AZ 85004')).toBe('www.redfin.com');
    expect(redfinAutocompleteUrl('1 N 1st St, Phoenix, AZ 85004')).toBe(
      'https://www.redfin.com/stingray/do/location-autocomplete?location=1%20N%201st%20St%2C%20Phoenix%2C%20AZ%2085004&v=2',
    );
  });

  it('reads the rows, exact match first, and picks the address row of the home', () => {
    const rows = parseRedfinAutocomplete(readOwnFixture('redfin-autocomplete-829-e-14th-ave.json'));
    expect(rows.map((r) => r.id)).toEqual(['1_155809679', '1_155809680', '2_3412']);
    expect(matchRedfinAutocomplete('829 E 14th Ave, Vancouver, BC V5T 2N5', rows, 'www.redfin.ca')).toBe(
      'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679',
    );
    expect(matchRedfinAutocomplete('829 E 14th Street, North Vancouver, BC', rows, 'www.redfin.ca')).toBe(
      'https://www.redfin.ca/bc/north-vancouver/829-E-14th-St-V7L-2P6/home/155809680',
    );
    const placesOnly = parseRedfinAutocomplete(readOwnFixture('redfin-autocomplete-no-home.json'));
    expect(matchRedfinAutocomplete('829 E 14th Ave, Vancouver, BC V5T 2N5', placesOnly, 'www.redfin.ca')).toBeNull();
  });

  it('reads an answer whose exactMatch is null (no exact match) from its Addresses section', () => {
    const body =
      '{}&&{"version":648,"errorMessage":"Success","resultCode":0,"payload":{"exactMatch":null,"sections":[{"name":"Addresses","rows":[' +
      '{"id":"1_155809679","type":"1","name":"829 E 14th Ave","subName":"Vancouver, BC, Canada","url":"/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679"}]}]}}';
    const rows = parseRedfinAutocomplete(body);
    expect(rows).toEqual([
      {
        id: '1_155809679',
        type: '1',
        name: '829 E 14th Ave',
        subName: 'Vancouver, BC, Canada',
        url: '/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679',
      },
    ]);
    expect(matchRedfinAutocomplete('829 E 14th Ave, Vancouver, BC V5T 2N5', rows, 'www.redfin.ca')).toBe(
      'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679',
    );
  });

  it('throws on a body that is not an autocomplete answer', () => {
    expect(() => parseRedfinAutocomplete('<html>Access denied</html>')).toThrow(/payload/);
  });
});

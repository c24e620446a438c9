import { ListingNotFoundError, MemoryImageStore, MemoryPhotoRepository, PropertyExtractor } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { zillowSearchUrl } from '../../src/zillow/zillow-search.js';
import { redfinAutocompleteUrl } from '../../src/redfin/redfin-autocomplete.js';
import { readListing, readOwnFixture } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';

const AUSTIN = '1000 Plymouth Dr, Austin, TX 78758';
const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
const CHICAGO_URL = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const NOWHERE = '1 Nowhere Rd, Brunswick, ME 04011';
const UNSAVED = '9 Unsaved Ave, Phoenix, AZ 85001';
const VANCOUVER = '829 E 14th Ave, Vancouver, BC V5T 2N5';
const VANCOUVER_URL = 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679';
const VANCOUVER_GONE = '5 Gone St, Vancouver, BC V5T 2N5';
const VENICE = '1233 Palms Blvd, Venice, CA 90291';
const SANDY_SPRINGS = '6851 Roswell Rd APT O31, Sandy Springs, GA 30328';
const CANONICAL_RE = /<link\b[^>]*\brel="canonical"[^>]*\bhref="([^"]+)"|<link\b[^>]*\bhref="([^"]+)"[^>]*\brel="canonical"/;

/** The listing URL a saved Zillow page names as canonical (where Zillow's own redirect points). */
function canonicalOf(file: string): string {
  const m = CANONICAL_RE.exec(readListing('zillow', file));
  return m?.[1] ?? m?.[2] ?? '';
}
const VENICE_URL = canonicalOf('zillow-hdp-venice-ca-20454567.html');
const SANDY_SPRINGS_URL = canonicalOf('zillow-hdp-sandy-springs-ga-2146993218.html');

/**
 * Zillow's answer to a search-box URL that matches one home: a redirect to
 * the home's page (the Location is the saved page's canonical URL, absolute
 * or as a path), with an empty body.
 */
const redirect = (status: 301 | 302, location: string) => ({
  status,
  contentType: 'text/html; charset=utf-8',
  body: Buffer.alloc(0),
  headers: { location },
});
const NEXT_DATA_RE = /(<script id="__NEXT_DATA__"[^>]*>)([\s\S]*?)(<\/script>)/;

/** The saved Brunswick search page, with its fifth home made into the saved Austin listing (a search landing on a search page). */
function searchPageListing(address: string, detailUrl: string): string {
  const page = readListing('zillow', 'zillow-search-brunswick-me-04011.html');
  return page.replace(NEXT_DATA_RE, (_m, open: string, json: string, close: string) => {
    const data = JSON.parse(json) as {
      props: { pageProps: { searchPageState: { cat1: { searchResults: { listResults: Record<string, unknown>[] } } } } };
    };
    const results = data.props.pageProps.searchPageState.cat1.searchResults.listResults;
    results[4] = { ...results[4], zpid: '29423592', address, detailUrl };
    return `${open}${JSON.stringify(data).replace(/</g, '\\u003c')}${close}`;
  });
}

const html = (body: string) => ({ status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(body, 'utf8') });
const json = (body: string) => ({ status: 200, contentType: 'application/json', body: Buffer.from(body, 'utf8') });

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('context', [
    { url: zillowSearchUrl(AUSTIN), response: html(searchPageListing(AUSTIN, AUSTIN_URL)) },
    { url: zillowSearchUrl(CHICAGO), response: html(readListing('zillow', 'zillow-hdp-chicago-il-119974210.html')) },
    { url: zillowSearchUrl(NOWHERE), response: html(readListing('zillow', 'zillow-search-brunswick-me-04011.html')) },
    { url: zillowSearchUrl(VENICE), response: redirect(301, VENICE_URL) },
    { url: zillowSearchUrl(SANDY_SPRINGS), response: redirect(302, new URL(SANDY_SPRINGS_URL).pathname) },
    { url: 'https://www.redfin.ca/', response: html(readOwnFixture('redfin-home.html')) },
    { url: 'https://www.redfin.com/', response: html(readOwnFixture('redfin-home.html')) },
    { url: redfinAutocompleteUrl(AUSTIN), response: json(readOwnFixture('redfin-autocomplete-no-home.json')) },
    { url: redfinAutocompleteUrl(VANCOUVER), response: json(readOwnFixture('redfin-autocomplete-829-e-14th-ave.json')) },
    { url: redfinAutocompleteUrl(VANCOUVER_GONE), response: json(readOwnFixture('redfin-autocomplete-no-home.json')) },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

describe('from an address to the listing (Chromium, replay)', () => {
  it('Zillow: the address search lands on a search page; the home of the address is picked and its photos read', async () => {
    expect(await kit.scrapers.zillow.findListingUrl(AUSTIN)).toBe(AUSTIN_URL);
    const listing = await kit.scrapers.zillow.listPhotos({ property: property(AUSTIN), listingUrl: null });
    expect([listing.listingUrl, listing.photos.length]).toEqual([AUSTIN_URL, 38]);
  });

  it('Zillow: the address search answers with the home page itself', async () => {
    expect(await kit.scrapers.zillow.findListingUrl(CHICAGO)).toBe(CHICAGO_URL);
  });

  it('Zillow: the address search answers with a redirect (301 absolute, 302 relative) to the home page; its photos are read', async () => {
    expect([VENICE_URL, SANDY_SPRINGS_URL]).toEqual([
      'https://www.zillow.com/homedetails/1233-Palms-Blvd-Venice-CA-90291/20454567_zpid/',
      'https://www.zillow.com/homedetails/6851-Roswell-Rd-APT-O31-Sandy-Springs-GA-30328/2146993218_zpid/',
    ]);
    expect(await kit.scrapers.zillow.findListingUrl(VENICE)).toBe(VENICE_URL);
    expect(await kit.scrapers.zillow.findListingUrl(SANDY_SPRINGS)).toBe(SANDY_SPRINGS_URL);
    const venice = await kit.scrapers.zillow.listPhotos({ property: property(VENICE), listingUrl: null });
    const sandySprings = await kit.scrapers.zillow.listPhotos({ property: property(SANDY_SPRINGS), listingUrl: null });
    expect([venice.listingUrl, venice.photos.length, sandySprings.listingUrl, sandySprings.photos.length]).toEqual([
      VENICE_URL,
      31,
      SANDY_SPRINGS_URL,
      42,
    ]);
  });

  it('Zillow: an address with no listing is a ListingNotFoundError, from a search page or a 404', async () => {
    for (const address of [NOWHERE, UNSAVED]) {
      const err = await kit.scrapers.zillow.listPhotos({ property: property(address), listingUrl: null }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ListingNotFoundError);
      expect([(err as ListingNotFoundError).source, (err as ListingNotFoundError).query]).toEqual(['zillow', address]);
    }
  });

  it('Redfin: the location autocomplete gives the home; its photos are read', async () => {
    const listing = await kit.scrapers.redfin.listPhotos({ property: property(VANCOUVER), listingUrl: null });
    expect([listing.listingUrl, listing.photos.length]).toEqual([VANCOUVER_URL, 40]);
  });

  it('Redfin: an address the autocomplete has no home for is a ListingNotFoundError', async () => {
    const err = await kit.scrapers.redfin.findListingUrl(VANCOUVER_GONE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListingNotFoundError);
    expect((err as ListingNotFoundError).message).toMatch(/no home at this address/);
  });

  /** Core's extractor on the replayed sites, finding listings by address search, storing in memory. */
  const searchingExtractor = (): PropertyExtractor =>
    new PropertyExtractor({
      scrapers: kit.scrapers,
      fetcher: kit.fetcher,
      store: new MemoryImageStore(),
      repository: new MemoryPhotoRepository(),
      searchByAddress: true,
    });

  it('core’s PropertyExtractor with searchByAddress reads the source that has the home and skips the one that has none', async () => {
    const extractor = searchingExtractor();
    const outcome = await extractor.extractProperty(property(AUSTIN), { sources: ['zillow', 'redfin'], dryRun: true, jobId: null });
    expect(outcome.status).toBe('completed');
    expect(outcome.sourcesRead).toEqual(['zillow']);
    expect(outcome.photosFound).toBe(38);
    expect(outcome.skippedSources.map((s) => s.source)).toEqual(['redfin']);
  });

  it('an address no site has fails the property NOT_FOUND, naming each search tried and what it answered', async () => {
    const extractor = searchingExtractor();
    const outcome = await extractor.extractProperty(property(NOWHERE), { sources: ['zillow', 'redfin'], dryRun: true, jobId: null });
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual([
      {
        source: null,
        url: null,
        code: 'NOT_FOUND',
        message: expect.stringMatching(
          /^No requested source has a listing for ".*" \(zillow: .*the address search https:\/\/www\.zillow\.com\/.*; redfin: .*the location autocomplete https:\/\/www\.redfin\.com\/stingray\/do\/location-autocomplete.*\)$/,
        ),
      },
    ]);
  });
});

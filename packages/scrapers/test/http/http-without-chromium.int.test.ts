import { InvalidInputError } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { redfinAutocompleteUrl } from '../../src/redfin/redfin-autocomplete.js';
import { zillowSearchUrl } from '../../src/zillow/zillow-search.js';
import { fixturesDir, readOwnFixture } from '../support/fixtures.js';
import { answer } from '../support/http-scene.js';
import { property, replayKit } from '../support/kit.js';

const MISSING_CHROMIUM = '/nonexistent/chromium';
const AUSTIN = '1000 Plymouth Dr, Austin, TX 78758';
const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const CHICAGO_URL = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const VANCOUVER = '829 E 14th Ave, Vancouver, BC V5T 2N5';
const VANCOUVER_URL = 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679';

let kit: ScraperKit;
beforeAll(async () => {
  kit = await createScraperKit({
    mode: {
      kind: 'replay',
      fixturesDir,
      extraPages: [
        // Zillow answers a search-box URL matching one home with a redirect to it (a real 302 over HTTP)
        { url: zillowSearchUrl(AUSTIN), response: answer(302, '', 'text/html', { location: new URL(AUSTIN_URL).pathname }) },
        { url: 'https://www.redfin.ca/', response: answer(200, readOwnFixture('redfin-home.html')) },
        {
          url: redfinAutocompleteUrl(VANCOUVER),
          response: answer(200, readOwnFixture('redfin-autocomplete-829-e-14th-ave.json'), 'application/json', {
            'set-cookie': 'RF_BROWSER_ID=abc; Path=/; Secure',
          }),
        },
      ],
    },
    fetchMode: 'http',
    chromiumPath: MISSING_CHROMIUM,
  });
});
afterAll(async () => {
  await kit?.close();
});

describe('fetch mode http without Chromium installed (chromiumPath names a missing file)', () => {
  it('creates the kit and reads listings over plain HTTP; nothing checks or launches Chromium', async () => {
    const read = await kit.scrapers.zillow.listPhotos({ property: property('austin'), listingUrl: AUSTIN_URL });
    expect(read).toMatchObject({ fetchMode: 'http', listingUrl: AUSTIN_URL });
    expect(read.photos).toHaveLength(38);
    const redfin = await kit.scrapers.redfin.listPhotos({ property: property('vancouver'), listingUrl: VANCOUVER_URL });
    expect(redfin).toMatchObject({ fetchMode: 'http' });
    expect(redfin.photos).toHaveLength(40);
  });

  it('searches addresses over HTTP: Zillow search URL (redirect followed), Redfin home page + autocomplete API', async () => {
    expect(await kit.scrapers.zillow.findListingUrl(AUSTIN)).toBe(AUSTIN_URL);
    expect(await kit.scrapers.redfin.findListingUrl(VANCOUVER)).toBe(VANCOUVER_URL);
    const gallery = await kit.scrapers.zillow.listPhotos({ property: property(AUSTIN), listingUrl: null });
    expect(gallery).toMatchObject({ fetchMode: 'http', listingUrl: AUSTIN_URL });
  });

  it('a call that asks for the browser finds the missing Chromium then, named in InvalidInputError', async () => {
    const error = await kit.scrapers.zillow
      .listPhotos({ property: property('wants chromium'), listingUrl: CHICAGO_URL, fetchMode: 'browser' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues[0]?.path).toBe('chromiumPath');
  });

  it('a kit in another fetch mode still checks chromiumPath at creation', async () => {
    const error = await createScraperKit({ mode: { kind: 'replay', fixturesDir }, chromiumPath: MISSING_CHROMIUM }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
  });
});

describe('the kit default, auto', () => {
  it('serves a page whose data is in the HTML over plain HTTP', async () => {
    const auto = await replayKit('virtual', [], 'auto');
    try {
      const read = await auto.scrapers.zillow.listPhotos({ property: property('chicago'), listingUrl: CHICAGO_URL });
      expect(read.fetchMode).toBe('http');
      expect(read.photos).toHaveLength(5);
    } finally {
      await auto.close();
    }
  });
});

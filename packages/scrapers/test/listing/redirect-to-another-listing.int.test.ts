import { ListingRemovedError } from '../../src/errors/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { property, replayKit } from '../support/kit.js';

/** A saved Redfin listing (fixtures' redfin-vancouver page) and Zillow listing (zillow-hdp-austin page). */
const VANCOUVER_URL = 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679';
const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
/** Listings that are gone and that the sites redirect to another home's page. */
const GONE_REDFIN_URL = 'https://www.redfin.ca/bc/vancouver/5-Gone-St-V5T-2N5/home/155800001';
const GONE_ZILLOW_URL = 'https://www.zillow.com/homedetails/5-Gone-St-Austin-TX-78758/29400001_zpid/';
/** Two Zillow listing URLs that redirect to each other. */
const LOOP_A = 'https://www.zillow.com/homedetails/1-Loop-Rd-Austin-TX-78758/29400011_zpid/';
const LOOP_B = 'https://www.zillow.com/homedetails/1-Loop-Rd-Austin-TX-78758/29400012_zpid/';
/** The saved Redfin listing under an older address slug: the same Redfin id. */
const RENAMED_REDFIN_URL = 'https://www.redfin.ca/bc/vancouver/829-East-14th-Avenue-V5T-2N5/home/155809679';

const redirect = (location: string) => ({
  status: 301,
  contentType: 'text/html; charset=utf-8',
  body: Buffer.alloc(0),
  headers: { location },
});

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit(
    'context',
    [
      { url: GONE_REDFIN_URL, response: redirect(VANCOUVER_URL) },
      { url: GONE_ZILLOW_URL, response: redirect(new URL(AUSTIN_URL).pathname) },
      { url: RENAMED_REDFIN_URL, response: redirect(VANCOUVER_URL) },
      { url: LOOP_A, response: redirect(LOOP_B) },
      { url: LOOP_B, response: redirect(LOOP_A) },
    ],
    'browser',
  );
});
afterAll(async () => {
  await kit?.close();
});

describe('a listing URL that a redirect makes another listing (Chromium, replay)', () => {
  it("Redfin and Zillow: LISTING_REMOVED naming both URLs and ids; the other home's photos are never read", async () => {
    const redfin = await kit.scrapers.redfin
      .listPhotos({ property: property('5 Gone St, Vancouver, BC V5T 2N5'), listingUrl: GONE_REDFIN_URL })
      .catch((e: unknown) => e);
    expect(redfin).toBeInstanceOf(ListingRemovedError);
    expect((redfin as Error).message).toBe(
      `The redfin listing ${GONE_REDFIN_URL} is no longer available: redirected to another listing, ${VANCOUVER_URL} (Redfin id 155809679, not 155800001)`,
    );
    const zillow = await kit.scrapers.zillow
      .listPhotos({ property: property('5 Gone St, Austin, TX 78758'), listingUrl: GONE_ZILLOW_URL })
      .catch((e: unknown) => e);
    expect(zillow).toMatchObject({ code: 'LISTING_REMOVED', replayMiss: false });
    expect((zillow as Error).message).toContain(`redirected to another listing, ${AUSTIN_URL} (zpid 29423592, not 29400001)`);
  });

  it('a redirect that keeps the listing id (a new address slug) reads the listing', async () => {
    const listing = await kit.scrapers.redfin.listPhotos({
      property: property('829 E 14th Ave, Vancouver, BC V5T 2N5'),
      listingUrl: RENAMED_REDFIN_URL,
    });
    expect([listing.listingUrl, listing.photos.length, listing.fetchMode]).toEqual([VANCOUVER_URL, 40, 'browser']);
  });

  it('a redirect loop is a typed navigation failure of that listing, and nothing is thrown outside the call', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    try {
      const error = await kit.scrapers.zillow
        .listPhotos({ property: property('1 Loop Rd, Austin, TX 78758'), listingUrl: LOOP_A })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'NAVIGATION_FAILED', source: 'zillow' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(unhandled.map((e) => (e instanceof Error ? e.stack : String(e)))).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUnhandled);
    }
  });
});

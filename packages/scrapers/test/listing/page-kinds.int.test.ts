import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotWallError, NotAListingPageError } from '../../src/errors/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { readListing } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';
import { failureOf, htmlAnswer } from '../support/page-edits.js';

// Issue 10 item 6: a page served at a listing URL that is not a listing says what it is.
const zillowUrl = (n: number): string => `https://www.zillow.com/homedetails/${n}-Kind-St-Phoenix-AZ-85001/9300000${n}_zpid/`;
const redfinUrl = (n: number): string => `https://www.redfin.com/AZ/Phoenix/${n}-Kind-St-85001/home/9400000${n}`;
const NEXT_DATA_RE = /(<script id="__NEXT_DATA__"[^>]*>)[\s\S]*?(<\/script>)/;
const seattle = readListing('redfin', 'redfin-search-seattle-wa-98109.html');
const venice = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
const captchaShell = venice
  .replace(NEXT_DATA_RE, (_all, open: string, close: string) => `${open}{"props":{"pageProps":{}},"page":"/homedetails"}${close}`)
  .replace(
    '<body',
    '<body><div id="px-captcha-modal"><p>Press &amp; Hold to confirm you are a human</p><div id="px-captcha"></div></div><i hidden></i',
  );

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('virtual', [
    { url: zillowUrl(1), response: htmlAnswer(readListing('zillow', 'zillow-search-brunswick-me-04011.html')) },
    { url: zillowUrl(2), response: htmlAnswer(readListing('zillow', 'zillow-search-rendered-dom-boston-ma-rentals.html')) },
    { url: zillowUrl(3), response: htmlAnswer(captchaShell) },
    { url: redfinUrl(1), response: htmlAnswer(seattle) },
    { url: redfinUrl(2), response: htmlAnswer(seattle.replace(/__reactServerState\.InitialContext/g, '__reactServerState.Dropped')) },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

const CASES = [
  ['zillow', zillowUrl(1), 'a server-rendered Zillow search page', /search results with 36 home cards/],
  ['zillow', zillowUrl(2), 'a rendered-DOM Zillow search page', /search results with 41 home cards/],
  ['redfin', redfinUrl(1), 'a server-rendered Redfin map search page', /search results with 127 homes on a map/],
  ['redfin', redfinUrl(2), 'a rendered-DOM Redfin map search page', /search results with 44 home cards/],
] as const;

describe('page kinds: a non-listing page at a listing URL is NOT_A_LISTING_PAGE naming what it is', () => {
  for (const [source, url, what, seen] of CASES) {
    it(`reports ${what} as NOT_A_LISTING_PAGE`, async () => {
      const err = await failureOf(kit.scrapers[source].listPhotos({ property: property(url), listingUrl: url }));
      expect(err).toBeInstanceOf(NotAListingPageError);
      const page = err as NotAListingPageError;
      expect(page.code).toBe('NOT_A_LISTING_PAGE');
      expect(page.kind).toBe('permanent');
      expect(page.pageKind).toBe('search-results');
      expect(page.seen).toMatch(seen);
      expect(page.message).not.toMatch(/layout may have changed/);
    });
  }

  it('reports a captcha page carrying an empty __NEXT_DATA__ shell as a bot wall, counted by the breaker', async () => {
    const url = zillowUrl(3);
    const err = await failureOf(kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url }));
    expect(err).toBeInstanceOf(BotWallError);
    expect((err as BotWallError).kind).toBe('blocked'); // what the source's circuit breaker counts
    expect((err as BotWallError).markers).toContain('px-captcha');
  });
});

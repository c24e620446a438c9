import { CancelledError, ListingNotFoundError } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotWallError, ListingRemovedError, NavigationError, PhotoDataMissingError, UnsupportedUrlError } from '../../src/errors/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { readListing, readOwnFixture } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';

const BOT_WALL_URL = 'https://www.zillow.com/homedetails/1-Bot-Wall-St-Phoenix-AZ-85001/90000001_zpid/';
const OVERLAY_URL = 'https://www.zillow.com/homedetails/2-Overlay-St-Phoenix-AZ-85001/90000002_zpid/';
const NO_DATA_URL = 'https://www.zillow.com/homedetails/3-No-Data-St-Phoenix-AZ-85001/90000003_zpid/';
const BUSY_URL = 'https://www.zillow.com/homedetails/4-Busy-St-Phoenix-AZ-85001/90000004_zpid/';
const html = (text: string): Buffer => Buffer.from(text, 'utf8');
const venice = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
const austin = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
const NEXT_DATA_RE = /<script id="__NEXT_DATA__"[^>]*>[\s\S]*?<\/script>/;

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('virtual', [
    { url: BOT_WALL_URL, response: { status: 403, contentType: 'text/html', body: html(readOwnFixture('zillow-px-captcha-403.html')) } },
    {
      url: OVERLAY_URL,
      response: {
        status: 200,
        contentType: 'text/html',
        body: html(
          venice
            .replace(NEXT_DATA_RE, '')
            .replace('<body', '<body><div id="px-captcha-modal"><div id="px-captcha"></div></div><i hidden></i'),
        ),
      },
    },
    { url: NO_DATA_URL, response: { status: 200, contentType: 'text/html', body: html(austin.replace(NEXT_DATA_RE, '')) } },
    { url: BUSY_URL, response: { status: 503, contentType: 'text/html', body: html('<html><body>Service Unavailable</body></html>') } },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

/** Photo counts checked by hand (see zillow-page.test.ts). */
const EXPECTED = [
  ['https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/', 38],
  ['https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/', 5],
  ['https://www.zillow.com/homedetails/6851-Roswell-Rd-APT-O31-Sandy-Springs-GA-30328/2146993218_zpid/', 42],
  ['https://www.zillow.com/homedetails/1233-Palms-Blvd-Venice-CA-90291/20454567_zpid/', 31],
] as const;

describe('ZillowScraper in Chromium on the replayed pages', () => {
  for (const [url, count] of EXPECTED) {
    it(`reads ${count} photos from ${url}`, async () => {
      const result = await kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url });
      expect(result.source).toBe('zillow');
      expect(result.listingUrl).toBe(url);
      expect(result.photos).toHaveLength(count);
      expect(result.declaredPhotoCount).toBe(count);
      expect(
        result.photos.every((p) =>
          /^https:\/\/photos\.zillowstatic\.com\/fp\/[0-9a-f]{32}-uncropped_scaled_within_1536_1152\.jpg$/.test(p.url),
        ),
      ).toBe(true);
    });
  }

  it('reads the listing URL from the property when none is given', async () => {
    const url = EXPECTED[1][0];
    const p = { ...property('235 W Van Buren St UNIT 1509, Chicago, IL 60607'), listingUrls: { zillow: url } };
    expect((await kit.scrapers.zillow.listPhotos({ property: p, listingUrl: null })).photos).toHaveLength(5);
  });

  it('returns the Street View placeholder of the listing that has no photos of its own', async () => {
    const url = 'https://www.zillow.com/homedetails/3001-Garwood-St-Austin-TX-78702/29384654_zpid/';
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url });
    expect(result.photos).toHaveLength(1);
    expect(result.placeholderOnly).toBe(true);
    expect(result.declaredPhotoCount).toBe(1);
    const photo = await kit.fetcher.fetchPhoto({ url: result.photos[0]?.url ?? '' });
    expect(photo.contentType).toBe('image/jpeg');
  });

  it('throws BotWallError on the PerimeterX 403 page', async () => {
    const err = await kit.scrapers.zillow.listPhotos({ property: property('a'), listingUrl: BOT_WALL_URL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotWallError);
    expect((err as BotWallError).status).toBe(403);
    expect((err as BotWallError).kind).toBe('blocked');
  });

  it('throws BotWallError on a 200 page under the px-captcha overlay', async () => {
    await expect(kit.scrapers.zillow.listPhotos({ property: property('b'), listingUrl: OVERLAY_URL })).rejects.toBeInstanceOf(BotWallError);
  });

  it('throws PhotoDataMissingError naming the page when the data is gone', async () => {
    const err = await kit.scrapers.zillow.listPhotos({ property: property('c'), listingUrl: NO_DATA_URL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as Error).message).toContain(NO_DATA_URL);
  });

  it('throws ListingRemovedError for a URL replay has no page for (never the network)', async () => {
    const url = 'https://www.zillow.com/homedetails/404-Gone-St-Phoenix-AZ-85001/123_zpid/';
    const err = await kit.scrapers.zillow.listPhotos({ property: property('d'), listingUrl: url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListingRemovedError);
    expect((err as ListingRemovedError).seen).toMatch(/replay archive has no saved page/);
    expect((err as ListingRemovedError).replayMiss).toBe(true);
    expect((err as Error).message).toMatch(/^The zillow page .+ is not in the saved fixtures \(replay miss: /);
    expect((err as Error).message).not.toContain('no longer available');
  });

  it('cuts a very long URL in messages with an ellipsis, keeping it whole in `url`', async () => {
    const url = `https://www.zillow.com/homedetails/${'a'.repeat(5_000)}/123_zpid/`;
    const err = (await kit.scrapers.zillow
      .listPhotos({ property: property('long'), listingUrl: url })
      .catch((e: unknown) => e)) as ListingRemovedError;
    expect(err).toBeInstanceOf(ListingRemovedError);
    expect(err.url).toBe(url);
    expect(err.message).toContain(`${url.slice(0, 299)}…`);
    expect(err.message).not.toContain(url);
    expect(err.message.length).toBeLessThan(600);
  });

  it('reports a 503 page as a transient NavigationError', async () => {
    const err = await kit.scrapers.zillow.listPhotos({ property: property('busy'), listingUrl: BUSY_URL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NavigationError);
    expect([(err as NavigationError).status, (err as NavigationError).kind]).toEqual([503, 'transient']);
  });

  it('rejects non-listing URLs and properties without one', async () => {
    await expect(
      kit.scrapers.zillow.listPhotos({ property: property('e'), listingUrl: 'https://www.zillow.com/homes/85001_rb/' }),
    ).rejects.toBeInstanceOf(UnsupportedUrlError);
    await expect(kit.scrapers.zillow.listPhotos({ property: property('f'), listingUrl: null })).rejects.toBeInstanceOf(
      ListingNotFoundError,
    );
  });

  it('stops promptly with CancelledError when the signal aborts', async () => {
    const controller = new AbortController();
    const url = EXPECTED[0][0];
    const pending = kit.scrapers.zillow.listPhotos({ property: property('g'), listingUrl: url, signal: controller.signal });
    controller.abort(new Error('job cancelled'));
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    // The pool keeps working afterwards.
    expect((await kit.scrapers.zillow.listPhotos({ property: property('h'), listingUrl: url })).photos).toHaveLength(38);
  });
});

import { describe, expect, it } from 'vitest';
import { BotWallError, LayoutChangedError, ListingRemovedError, PhotoDataMissingError } from '../../src/errors/index.js';
import type { PageSnapshot } from '../../src/listing/index.js';
import { assertNotZillowBotWall, parseZillowListingPage } from '../../src/zillow/index.js';
import { readListing, readOwnFixture } from '../support/fixtures.js';

const URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const NEXT_DATA_RE = /<script id="__NEXT_DATA__"[^>]*>[\s\S]*?<\/script>/;

function snapshot(html: string, status: number): PageSnapshot {
  return { requestedUrl: URL, finalUrl: URL, status, html, renderedHtml: html };
}

function nextDataPage(pageProps: Record<string, unknown>): string {
  const next = JSON.stringify({ props: { pageProps }, page: '/homedetails' });
  return `<html><body><script id="__NEXT_DATA__" type="application/json">${next}</script></body></html>`;
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Zillow bot wall', () => {
  it('recognises the PerimeterX 403 block page', () => {
    const err = errorOf(() => assertNotZillowBotWall(snapshot(readOwnFixture('zillow-px-captcha-403.html'), 403)));
    expect(err).toBeInstanceOf(BotWallError);
    const wall = err as BotWallError;
    expect(wall.kind).toBe('blocked');
    expect(wall.code).toBe('BOT_WALL');
    expect(wall.vendor).toBe('perimeterx');
    expect(wall.status).toBe(403);
    expect(wall.url).toBe(URL);
    expect(wall.source).toBe('zillow');
    expect(wall.markers).toEqual(expect.arrayContaining(['px-captcha', '"Press & Hold"', '_pxAppId']));
  });

  it('recognises a 200 answer with the px-captcha overlay and no __NEXT_DATA__', () => {
    const saved = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
    const walled = saved
      .replace(NEXT_DATA_RE, '')
      .replace('<body', '<body><div id="px-captcha-modal"><div id="px-captcha"></div></div><span hidden></span');
    const err = errorOf(() => assertNotZillowBotWall(snapshot(walled, 200)));
    expect(err).toBeInstanceOf(BotWallError);
    expect((err as BotWallError).status).toBe(200);
  });

  it('lets every saved detail page through although each carries _pxAppId', () => {
    for (const file of [
      'zillow-hdp-sandy-springs-ga-2146993218.html',
      'zillow-hdp-venice-ca-20454567.html',
      'zillow-hdp-chicago-il-119974210.html',
      'zillow-hdp-austin-tx-29423592.html',
      'zillow-hdp-austin-tx-29384654.html',
    ]) {
      const html = readListing('zillow', file);
      expect(html).toContain('_pxAppId');
      expect(() => assertNotZillowBotWall(snapshot(html, 200))).not.toThrow();
    }
  });
});

describe('Zillow pages without usable photo data', () => {
  it('throws ListingRemovedError when the query cache holds property: null', () => {
    const cache = JSON.stringify({ 'NotForSaleShopperPlatformFullRenderQuery{"zpid":1}': { property: null } });
    const err = errorOf(() => parseZillowListingPage(nextDataPage({ gdpClientCache: cache }), URL));
    expect(err).toBeInstanceOf(ListingRemovedError);
    expect((err as ListingRemovedError).kind).toBe('permanent');
  });

  it('throws PhotoDataMissingError naming the page and every path when the data is gone', () => {
    const saved = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
    const err = errorOf(() => parseZillowListingPage(saved.replace(NEXT_DATA_RE, ''), URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    const missing = err as PhotoDataMissingError;
    expect(missing.kind).toBe('permanent');
    expect(missing.code).toBe('PHOTO_DATA_MISSING');
    expect(missing.url).toBe(URL);
    expect(missing.message).toContain(URL);
    expect(missing.pathsTried).toEqual([
      '<script id="__NEXT_DATA__"> not found',
      '<script id="hdpApolloPreloadedData"> not found',
      'gallery [data-testid="hollywood-gallery-images"] not found',
    ]);
  });

  it('throws PhotoDataMissingError when the photo arrays were renamed', () => {
    const saved = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
    const renamed = saved.replace(/responsivePhotos|originalPhotos|"photos"/g, (m) => m.replace(/hotos/, 'ictures'));
    const err = errorOf(() => parseZillowListingPage(renamed, URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as PhotoDataMissingError).message).toMatch(/has none of responsivePhotos, originalPhotos, photos/);
  });

  it('throws LayoutChangedError when the arrays are empty but the page declares photos', () => {
    const property = { zpid: 1, photoCount: 12, responsivePhotos: [], originalPhotos: [] };
    const cache = JSON.stringify({ 'ForSalePriorityQuery{}': { property } });
    const err = errorOf(() => parseZillowListingPage(nextDataPage({ componentProps: { gdpClientCache: cache } }), URL));
    expect(err).toBeInstanceOf(LayoutChangedError);
    expect((err as LayoutChangedError).code).toBe('LAYOUT_CHANGED');
    expect((err as Error).message).toMatch(/empty while photoCount is 12/);
  });

  it('returns an empty gallery only when the data says the listing has no photos', () => {
    const property = { zpid: 1, photoCount: 0, responsivePhotos: [], streetAddress: '1 A St', city: 'Phoenix', state: 'AZ' };
    const cache = JSON.stringify({ 'ForSalePriorityQuery{}': { property } });
    const parsed = parseZillowListingPage(nextDataPage({ componentProps: { gdpClientCache: cache } }), URL);
    expect(parsed.photos).toEqual([]);
    expect(parsed.declaredPhotoCount).toBe(0);
  });

  it('leaves out gallery images served from other hosts, and says so', () => {
    const key = '0908196da96088046519d08b7d069684';
    const property = {
      zpid: 1,
      photoCount: 2,
      responsivePhotos: [
        { mixedSources: { jpeg: [{ url: `https://photos.zillowstatic.com/fp/${key}-cc_ft_768.jpg`, width: 768 }] } },
        { mixedSources: { jpeg: [{ url: 'https://cdn.example.com/marketing/banner.jpg', width: 768 }] } },
      ],
    };
    const cache = JSON.stringify({ 'ForSalePriorityQuery{}': { property } });
    const parsed = parseZillowListingPage(nextDataPage({ componentProps: { gdpClientCache: cache } }), URL);
    expect(parsed.photos.map((p) => p.photoId)).toEqual([key]);
    expect(parsed.excluded).toEqual([
      { url: 'https://cdn.example.com/marketing/banner.jpg', reason: 'not a listing photo (served by cdn.example.com)' },
    ]);
    expect(parsed.placeholderOnly).toBe(false);
  });

  it('rejects a search results page with PhotoDataMissingError', () => {
    const err = errorOf(() => parseZillowListingPage(readListing('zillow', 'zillow-search-brunswick-me-04011.html'), URL));
    expect(err).toBeInstanceOf(PhotoDataMissingError);
    expect((err as Error).message).toMatch(/search results page/);
  });
});

describe('older and odd Zillow layouts', () => {
  const sf = JSON.parse(readListing('zillow', 'zillow-property-json-san-francisco-ca-15192198.json')) as Record<string, unknown>;

  it('reads hdpApolloPreloadedData → apiCache (pre-2023 pages)', () => {
    const apiCache = JSON.stringify({
      'VariantQuery{"zpid":15192198}': { property: { zpid: 15192198 } },
      'ForSaleDoubleScrollFullRenderQuery{"zpid":15192198}': { property: sf },
    });
    const html = `<html><script id="hdpApolloPreloadedData" type="application/json">${JSON.stringify({ zpid: 15192198, apiCache })}</script></html>`;
    const parsed = parseZillowListingPage(html, URL);
    expect(parsed.photos).toHaveLength(21);
    expect(parsed.dataPath).toMatch(/^hdpApolloPreloadedData\.apiCache → "ForSaleDoubleScrollFullRenderQuery\{…\}"\.property$/);
  });

  it('reads a gdpClientCache that was JSON-encoded twice', () => {
    const cache = JSON.stringify(JSON.stringify({ 'SomeRenamedQuery{"zpid":15192198}': { property: sf } }));
    const parsed = parseZillowListingPage(nextDataPage({ componentProps: { gdpClientCache: cache } }), URL);
    expect(parsed.photos).toHaveLength(21);
  });

  it('reads a gdpClientCache served as an object instead of a string', () => {
    const parsed = parseZillowListingPage(nextDataPage({ gdpClientCache: { 'Q{}': { property: sf } } }), URL);
    expect(parsed.photos).toHaveLength(21);
  });

  it('falls back to the rendered gallery DOM and reports how many photos the page declares', () => {
    const saved = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
    const parsed = parseZillowListingPage(saved.replace(NEXT_DATA_RE, ''), URL);
    expect(parsed.dataPath).toBe('rendered gallery [data-testid="hollywood-gallery-images"]');
    // The server-rendered gallery holds the first 5 tiles of "See all 31 photos".
    expect(parsed.photos.map((p) => p.photoId)).toEqual([
      'f9ca1a2042743bdd51a89ce755a4c7cc',
      '93108345b774b561a37735f835308366',
      '8d4e1d9e460f828f02d446c86685a9e1',
      expect.stringMatching(/^[0-9a-f]{32}$/),
      expect.stringMatching(/^[0-9a-f]{32}$/),
    ]);
    expect(parsed.declaredPhotoCount).toBe(31);
    expect(parsed.photos[0]?.url).toBe('https://photos.zillowstatic.com/fp/f9ca1a2042743bdd51a89ce755a4c7cc-cc_ft_1536.jpg');
  });
});

import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { replayKit } from '../support/kit.js';

let kit: ScraperKit;

/** The saved listing pages whose data is in the served HTML: all of them but the rendered-DOM New York page. */
const PAGES = [
  'zillow-hdp-austin-tx-29384654.html',
  'zillow-hdp-austin-tx-29423592.html',
  'zillow-hdp-chicago-il-119974210.html',
  'zillow-hdp-sandy-springs-ga-2146993218.html',
  'zillow-hdp-venice-ca-20454567.html',
  'redfin-hdp-vancouver-bc-154849597.html',
  'redfin-hdp-vancouver-bc-155809679.html',
  'redfin-hdp-vancouver-bc-156482034.html',
];

beforeAll(async () => {
  kit = await replayKit('virtual');
});

afterAll(async () => {
  await kit.close();
});

/** Saved listing pages that carry their gallery in the served HTML (every one but the rendered-DOM New York page). */
function htmlDataPages(): { readonly name: string; readonly source: 'zillow' | 'redfin'; readonly url: string }[] {
  return kit
    .archive!.listings.filter((l) => /^(zillow-hdp-|redfin-hdp-vancouver-)/.test(path.basename(l.file)))
    .map((l) => ({
      name: path.basename(l.file),
      source: l.source,
      url: l.url,
    }));
}

describe('http and browser fetch modes read the same gallery', () => {
  it('covers every saved listing page whose data is in the HTML', () => {
    expect(htmlDataPages().map((p) => p.name)).toEqual(PAGES);
  });

  it.each(PAGES)('%s: same photos (ids, URLs, sizes, order), declared count and data path', async (name) => {
    const i = PAGES.indexOf(name);
    const page = htmlDataPages().find((p) => p.name === name)!;
    const scraper = kit.scrapers[page.source];
    const property = { id: `equality-${i}` as never, address: page.name, listingUrls: {} };
    const http = await scraper.listPhotos({ property, listingUrl: page.url, fetchMode: 'http' });
    const browser = await scraper.listPhotos({ property, listingUrl: page.url, fetchMode: 'browser' });
    await scraper.releaseProperty(property.id);
    expect(http.fetchMode).toBe('http');
    expect(browser.fetchMode).toBe('browser');
    expect(http.photos.length).toBeGreaterThan(0);
    expect(http.photos).toEqual(browser.photos);
    expect(http.declaredPhotoCount).toBe(browser.declaredPhotoCount);
    expect(http.dataPath).toBe(browser.dataPath);
    expect(http.listingUrl).toBe(browser.listingUrl);
    expect(http.placeholderOnly).toBe(browser.placeholderOnly);
  });
});

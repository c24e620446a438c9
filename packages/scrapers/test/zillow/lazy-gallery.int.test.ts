import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { zillowPhotosFromGalleryDom } from '../../src/zillow/zillow-gallery-dom.js';
import { readListing } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';
import { htmlAnswer } from '../support/page-edits.js';
import { galleryFilledOnScroll, lazyGallery } from '../support/slow-pages.js';

// Issue 10 item 4: a DOM-only gallery whose tiles keep their photo URLs in lazy attributes.
const url = 'https://www.zillow.com/homedetails/1-Lazy-St-Venice-CA-90291/97000001_zpid/';
const scrollUrl = 'https://www.zillow.com/homedetails/2-Scroll-St-Venice-CA-90291/97000002_zpid/';
const NEXT_DATA_RE = /<script id="__NEXT_DATA__"[^>]*>[\s\S]*?<\/script>/;
const domOnly = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html').replace(NEXT_DATA_RE, '');
const EAGER = zillowPhotosFromGalleryDom(domOnly);

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('virtual', [
    { url, response: htmlAnswer(lazyGallery(domOnly)) },
    { url: scrollUrl, response: htmlAnswer(galleryFilledOnScroll(domOnly, 2)) },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

describe('lazy DOM-only galleries', () => {
  it('reads data-src/data-srcset tiles as the same photos as the eager gallery, never the data: placeholder', async () => {
    expect(EAGER?.photos.length ?? 0).toBeGreaterThan(0);
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url });
    expect(result.photos.map((p) => p.photoId)).toEqual(EAGER?.photos.map((p) => p.photoId));
    expect(result.photos.map((p) => p.url)).toEqual(EAGER?.photos.map((p) => p.url));
    for (const p of result.photos) expect([p.url, ...p.variants.map((v) => v.url)].some((u) => u.startsWith('data:'))).toBe(false);
  });

  it('scrolls a gallery filled on scroll until it stops growing, keeping the declared count', async () => {
    const result = await kit.scrapers.zillow.listPhotos({ property: property(scrollUrl), listingUrl: scrollUrl });
    expect(result.photos.map((p) => p.photoId)).toEqual(EAGER?.photos.map((p) => p.photoId));
    expect(result.declaredPhotoCount).toBe(31);
  });
});

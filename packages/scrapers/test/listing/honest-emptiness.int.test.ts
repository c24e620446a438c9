import { MemoryImageStore, MemoryPhotoRepository, PropertyExtractor } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayoutChangedError } from '../../src/errors/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { readListing } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';
import { editRedfinAboveTheFold, editZillowProperty, failureOf, htmlAnswer } from '../support/page-edits.js';
import type { Json } from '../support/page-edits.js';

// Issue 10 item 5: "no photos" only when the page's own data says zero.
const zillowUrl = (n: number): string => `https://www.zillow.com/homedetails/${n}-Edit-St-Austin-TX-78758/9100000${n}_zpid/`;
const redfinUrl = (n: number): string => `https://www.redfin.ca/bc/vancouver/${n}-Edit-St-V5R-1A7/home/9200000${n}`;
const austin = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
const vancouver = readListing('redfin', 'redfin-hdp-vancouver-bc-154849597.html');
const PHOTO_ARRAYS = ['responsivePhotos', 'originalPhotos', 'responsivePhotosOriginalRatio', 'photos', 'hugePhotos'];

function emptyArrays(p: Json): void {
  for (const name of PHOTO_ARRAYS) if (Array.isArray(p[name])) p[name] = [];
}
const mediaPhotos = (body: Json): Json[] => ((body['payload'] as Json)['mediaBrowserInfo'] as Json)['photos'] as Json[];

const PAGES = {
  zillowCountRenamed: editZillowProperty(austin, (p) => {
    emptyArrays(p);
    p['photoCountV2'] = p['photoCount'];
    delete p['photoCount'];
  }),
  zillowCountMissing: editZillowProperty(austin, (p) => {
    emptyArrays(p);
    delete p['photoCount'];
  }),
  zillowDeclaredZero: editZillowProperty(austin, (p) => {
    emptyArrays(p);
    p['photoCount'] = 0;
  }),
  redfinEmptied: editRedfinAboveTheFold(vancouver, (body) => {
    mediaPhotos(body).length = 0;
  }),
  redfinSizeRenamed: editRedfinAboveTheFold(vancouver, (body) => {
    for (const photo of mediaPhotos(body)) {
      const urls = photo['photoUrls'] as Json;
      urls['fullScreenPhotoUrlV2'] = urls['fullScreenPhotoUrl'];
      delete urls['fullScreenPhotoUrl'];
    }
  }),
};

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('virtual', [
    { url: zillowUrl(1), response: htmlAnswer(PAGES.zillowCountRenamed) },
    { url: zillowUrl(2), response: htmlAnswer(PAGES.zillowCountMissing) },
    { url: zillowUrl(3), response: htmlAnswer(PAGES.zillowDeclaredZero) },
    { url: redfinUrl(1), response: htmlAnswer(PAGES.redfinEmptied) },
    { url: redfinUrl(2), response: htmlAnswer(PAGES.redfinSizeRenamed) },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

describe('honest emptiness: a page reads as "no photos" only when its own data says zero', () => {
  it('fails a Zillow page whose photo arrays are empty and whose photoCount was renamed with LAYOUT_CHANGED', async () => {
    const url = zillowUrl(1);
    const err = await failureOf(kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url }));
    expect(err).toBeInstanceOf(LayoutChangedError);
    const layout = err as LayoutChangedError;
    expect(layout.code).toBe('LAYOUT_CHANGED');
    expect(layout.kind).toBe('permanent');
    expect(layout.pathsTried.join('\n')).toMatch(/responsivePhotos.*empty.*photoCount.*absent/);
  });

  it('fails a Zillow page whose photo arrays are empty and whose photoCount is gone with LAYOUT_CHANGED', async () => {
    const url = zillowUrl(2);
    const err = await failureOf(kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url }));
    expect(err).toBeInstanceOf(LayoutChangedError);
  });

  it('still reads an empty gallery when the Zillow page says photoCount 0', async () => {
    const url = zillowUrl(3);
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url), listingUrl: url });
    expect(result.photos).toEqual([]);
    expect(result.declaredPhotoCount).toBe(0);
  });

  it('fails a Redfin page whose mediaBrowserInfo.photos was emptied with LAYOUT_CHANGED', async () => {
    const url = redfinUrl(1);
    const err = await failureOf(kit.scrapers.redfin.listPhotos({ property: property(url), listingUrl: url }));
    expect(err).toBeInstanceOf(LayoutChangedError);
    expect((err as LayoutChangedError).pathsTried.join('\n')).toMatch(/mediaBrowserInfo\.photos.*empty/);
  });

  it('keeps the full size of a Redfin page whose fullScreenPhotoUrl field was renamed, and flags each photo', async () => {
    const url = redfinUrl(2);
    const result = await kit.scrapers.redfin.listPhotos({ property: property(url), listingUrl: url });
    expect(result.photos).toHaveLength(31);
    for (const photo of result.photos) {
      expect(photo.url).toMatch(/\/photo\/256\/bigphoto\//);
      expect(photo.sizeDowngrade).toMatch(/fullScreenPhotoUrl/);
    }
  });

  it('stores the photos of that Redfin page with sizeDowngrade: true on their records (core pipeline, real photo bytes)', async () => {
    const url = redfinUrl(2);
    const repository = new MemoryPhotoRepository();
    const extractor = new PropertyExtractor({ scrapers: kit.scrapers, fetcher: kit.fetcher, store: new MemoryImageStore(), repository });
    const p = { ...property(url), listingUrls: { redfin: url } };
    const outcome = await extractor.extractProperty(p, { sources: ['redfin'], dryRun: false, jobId: null });
    expect([outcome.status, outcome.newImages]).toEqual(['completed', 31]);
    const records = await repository.listPhotos(p.id);
    expect(records).toHaveLength(31);
    expect(records.map((r) => r.size.sizeDowngrade)).toEqual(new Array<boolean>(31).fill(true));
  });
});

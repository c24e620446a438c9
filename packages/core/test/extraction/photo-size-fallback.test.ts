import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PropertyExtractor } from '../../src/extraction/index.js';
import type { ListingPhoto } from '../../src/model/index.js';
import { MemoryPhotoRepository } from '../../src/photos/index.js';
import { MemoryImageStore } from '../../src/store/index.js';
import { makeProperty, pageUrl } from '../support/extraction-world.js';
import { FakePhotoFetcher } from '../support/fake-photo-fetcher.js';
import { FakePhotoScraper } from '../support/fake-photo-scraper.js';
import { readHousePhoto } from '../support/fixtures.js';

const WIDTHS = [1536, 1344, 1152, 960, 768, 576, 384];
const sizeUrl = (photoId: string, widthPx: number): string => `https://photos.zillowstatic.com/fp/${photoId}-cc_ft_${widthPx}.jpg`;

/** A photo listed at every width of {@link WIDTHS}, widest first, as Zillow's galleries list them. */
function listed(photoId: string): ListingPhoto {
  const [first, ...rest] = WIDTHS.map((w) => ({ widthPx: w, format: 'jpeg', url: sizeUrl(photoId, w) }));
  return { photoId, url: first?.url ?? '', widthPx: first?.widthPx ?? null, heightPx: null, caption: null, variants: rest };
}

describe('PropertyExtractor: a photo whose largest sizes are gone or broken', () => {
  it('falls back to the next size listed and records which size it got and whether it is the largest', async () => {
    const property = makeProperty('2 Many Sizes Ln, Phoenix, AZ 85002', ['zillow']);
    const names = ['house-013-frontal', 'house-013-kitchen', 'house-013-bedroom'];
    const bodies = new Map<string, Buffer>();
    for (const name of names) {
      const original = await readHousePhoto(`${name}.jpg`);
      for (const w of WIDTHS) bodies.set(sizeUrl(name, w), await sharp(original).resize(w).jpeg({ quality: 85 }).toBuffer());
    }
    // frontal: every size there. kitchen: the two widest answer 404. bedroom: the widest is a truncated file (does not decode).
    for (const w of [1536, 1344]) bodies.delete(sizeUrl('house-013-kitchen', w));
    bodies.set(sizeUrl('house-013-bedroom', 1536), (bodies.get(sizeUrl('house-013-bedroom', 1536)) ?? Buffer.alloc(0)).subarray(0, 4000));
    const fetcher = new FakePhotoFetcher(bodies);
    const scraper = new FakePhotoScraper('zillow', new Map([[pageUrl('zillow', property), names.map(listed)]]));
    const repository = new MemoryPhotoRepository();
    const extractor = new PropertyExtractor({ scrapers: { zillow: scraper }, fetcher, store: new MemoryImageStore(), repository });
    const outcome = await extractor.extractProperty(property, { sources: ['zillow'], dryRun: false, jobId: null });
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 3, newImages: 3, failedImages: 0, failures: [] });
    const sizes = Object.fromEntries(
      (await repository.listPhotos(property.id)).map((r) => [r.photoIds[0], { ...r.size, widthPx: r.widthPx, url: r.urls[0] }]),
    );
    expect(sizes).toEqual({
      'house-013-frontal': {
        listedWidthPx: 1536,
        largest: true,
        sizeDowngrade: false,
        widthPx: 1536,
        url: sizeUrl('house-013-frontal', 1536),
      },
      'house-013-kitchen': {
        listedWidthPx: 1152,
        largest: false,
        sizeDowngrade: false,
        widthPx: 1152,
        url: sizeUrl('house-013-kitchen', 1152),
      },
      'house-013-bedroom': {
        listedWidthPx: 1344,
        largest: false,
        sizeDowngrade: false,
        widthPx: 1344,
        url: sizeUrl('house-013-bedroom', 1344),
      },
    });
    process.stdout.write(`size fallback: ${outcome.newImages} of 3 photos stored, ${fetcher.fetched.length} requests\n`);
  });

  it('fails the photo after every size failed, with the largest size’s error', async () => {
    const property = makeProperty('3 No Sizes Ln, Phoenix, AZ 85003', ['zillow']);
    const fetcher = new FakePhotoFetcher(new Map());
    const scraper = new FakePhotoScraper('zillow', new Map([[pageUrl('zillow', property), [listed('gone')]]]));
    const extractor = new PropertyExtractor({
      scrapers: { zillow: scraper },
      fetcher,
      store: new MemoryImageStore(),
      repository: new MemoryPhotoRepository(),
    });
    const outcome = await extractor.extractProperty(property, { sources: ['zillow'], dryRun: false, jobId: null });
    expect(outcome.failures[0]).toMatchObject({ code: 'PHOTO_HTTP_STATUS', url: sizeUrl('gone', 1536) });
    expect(fetcher.fetched).toEqual(WIDTHS.map((w) => sizeUrl('gone', w)));
  });
});

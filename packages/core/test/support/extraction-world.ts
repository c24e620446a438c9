import { readFile } from 'node:fs/promises';
import { MemoryPhotoRepository } from '../../src/photos/index.js';
import { MemoryImageStore } from '../../src/store/index.js';
import { PropertyExtractor } from '../../src/extraction/index.js';
import type { PropertyExtractorOptions } from '../../src/extraction/index.js';
import { toPropertyId } from '../../src/model/index.js';
import type { ListingPhoto, Property, Source } from '../../src/model/index.js';
import { FakePhotoFetcher } from './fake-photo-fetcher.js';
import { FakePhotoScraper, listingPhoto } from './fake-photo-scraper.js';
import type { FakeListing } from './fake-photo-scraper.js';
import { fixturePath } from './fixtures.js';

/** One photo of a fake gallery: its id and the fixture file (under the shared fixtures) or bytes its URL serves; `null` answers 404. */
export interface PhotoSpec {
  readonly photoId: string;
  readonly body: string | Buffer | null;
}

/** A fake listing page: its photos, or the error reading it throws. */
export type PageSpec = readonly PhotoSpec[] | Error;

/** Everything a test needs around a {@link PropertyExtractor}, all in memory, serving real fixture bytes. */
export interface ExtractionWorld {
  readonly extractor: PropertyExtractor;
  readonly scrapers: Record<Source, FakePhotoScraper>;
  readonly fetcher: FakePhotoFetcher;
  readonly store: MemoryImageStore;
  readonly repository: MemoryPhotoRepository;
}

/** Listing page URL of a property on a source in these tests. */
export function pageUrl(source: Source, property: Property): string {
  return `https://www.${source}.com/homedetails/${property.id}/`;
}

/** Makes a property with listing URLs for the given sources. */
export function makeProperty(address: string, sources: readonly Source[]): Property {
  const id = toPropertyId(address);
  const listingUrls: Partial<Record<Source, string>> = {};
  for (const s of sources) listingUrls[s] = `https://www.${s}.com/homedetails/${id}/`;
  return { id, address, listingUrls };
}

async function bodyOf(spec: PhotoSpec): Promise<Buffer | null> {
  if (spec.body === null) return null;
  return typeof spec.body === 'string' ? readFile(fixturePath(spec.body)) : spec.body;
}

/** Builds scrapers, fetcher, store, repository and extractor serving `pages` (listing URL -> page per source). */
export async function buildWorld(
  pages: Partial<Record<Source, ReadonlyMap<string | null, PageSpec>>>,
  options: { extractor?: Partial<PropertyExtractorOptions>; fetchDelayMs?: number; scrapeDelayMs?: number } = {},
): Promise<ExtractionWorld> {
  const bodies = new Map<string, Buffer>();
  const scrapers = {} as Record<Source, FakePhotoScraper>;
  for (const source of ['zillow', 'redfin'] as const) {
    const listings = new Map<string | null, FakeListing>();
    for (const [url, page] of pages[source] ?? new Map<string | null, PageSpec>()) {
      if (page instanceof Error) {
        listings.set(url, page);
        continue;
      }
      const photos: ListingPhoto[] = [];
      for (const spec of page) {
        const photo = listingPhoto(source, spec.photoId);
        const body = await bodyOf(spec);
        if (body !== null) bodies.set(photo.url, body);
        photos.push(photo);
      }
      listings.set(url, photos);
    }
    scrapers[source] = new FakePhotoScraper(source, listings, options.scrapeDelayMs ?? 0);
  }
  const fetcher = new FakePhotoFetcher(bodies, options.fetchDelayMs ?? 0);
  const store = new MemoryImageStore();
  const repository = new MemoryPhotoRepository();
  const extractor = new PropertyExtractor({ scrapers, fetcher, store, repository, ...options.extractor });
  return { extractor, scrapers, fetcher, store, repository };
}

/** Photo specs for the four real photos of one house of the fixtures, e.g. `house(12)`. */
export function house(n: number, rooms: readonly string[] = ['bathroom', 'bedroom', 'frontal', 'kitchen']): PhotoSpec[] {
  const id = String(n).padStart(3, '0');
  return rooms.map((room) => ({ photoId: `h${id}-${room}`, body: `house-photos/house-${id}-${room}.jpg` }));
}

import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreError, throwIfCancelled } from '@phx/core';
import type {
  FetchedPhoto,
  FetchMode,
  ListingPhotos,
  PageFetchMode,
  PhotoFetcher,
  PhotoFetchRequest,
  PhotoScraper,
  Property,
  PropertyId,
  ScrapeRequest,
  Source,
} from '@phx/core';

/** The shared fixtures (`PHX_FIXTURES_DIR` or `<workspace>/../shared/fixtures`). */
export const FIXTURES_DIR = process.env['PHX_FIXTURES_DIR'] ?? fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

/** The real house photos of the shared fixtures. */
export const HOUSE_PHOTOS_DIR = join(FIXTURES_DIR, 'house-photos');

/** Photo file names of house `n` (1-60): bathroom, bedroom, frontal, kitchen. */
export function housePhotos(n: number): string[] {
  const house = `house-${String(n).padStart(3, '0')}`;
  return ['bathroom', 'bedroom', 'frontal', 'kitchen'].map((room) => `${house}-${room}.jpg`);
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return throwIfCancelled(signal);
  try {
    await sleep(ms, undefined, signal === undefined ? {} : { signal });
  } catch {
    throwIfCancelled(signal);
  }
}

/** Options of {@link FixturePhotoScraper}. */
export interface FixturePhotoScraperOptions {
  /** The file names of a property's gallery on this source. */
  readonly gallery: (property: Property) => readonly string[];
  /** Time one page takes to read, in ms; default 0. */
  readonly delayMs?: number;
  /** Properties whose page has no photo data (the source fails for them). */
  readonly failing?: ReadonlySet<string>;
  /** Properties whose page never answers (a hung page): the read ends only when its signal aborts. */
  readonly hanging?: ReadonlySet<string>;
  /**
   * What serves a page when the request asks for `auto` or names no mode, as a real scraper's
   * plain-HTTP-first reading would say (`ListingPhotos.fetchMode`); absent: such a page says nothing.
   * A request naming `http` or `browser` is served by that mode.
   */
  readonly autoServedBy?: PageFetchMode;
}

/** A `PhotoScraper` whose listings are galleries of real house photos served by {@link FixturePhotoFetcher}. */
export class FixturePhotoScraper implements PhotoScraper {
  readonly source: Source;
  /** Property ids in the order their pages were read. */
  readonly calls: PropertyId[] = [];
  /** The fetch mode each read asked for (`ScrapeRequest.fetchMode`), in call order; `undefined` when it named none. */
  readonly askedFetchModes: (FetchMode | undefined)[] = [];
  private readonly options: FixturePhotoScraperOptions;

  constructor(source: Source, options: FixturePhotoScraperOptions) {
    this.source = source;
    this.options = options;
  }

  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    const { property, signal } = request;
    this.calls.push(property.id);
    this.askedFetchModes.push(request.fetchMode);
    const listingUrl = request.listingUrl ?? `https://${this.source}.test/${property.id}`;
    await pause(this.options.hanging?.has(property.id) === true ? 3_600_000 : (this.options.delayMs ?? 0), signal);
    if (this.options.failing?.has(property.id) === true) {
      throw new CoreError('PHOTO_DATA_MISSING', `No photo data on ${listingUrl}: the gallery JSON is missing`, 'permanent');
    }
    const photos = this.options.gallery(property).map((file) => ({
      photoId: `${this.source}:${file}`,
      url: `https://photos.test/${file}`,
      widthPx: null,
      heightPx: null,
      caption: null,
      variants: [],
    }));
    const fetchMode = request.fetchMode === 'http' || request.fetchMode === 'browser' ? request.fetchMode : this.options.autoServedBy;
    return { source: this.source, listingUrl, photos, ...(fetchMode === undefined ? {} : { fetchMode }) };
  }

  async releaseProperty(): Promise<void> {}
}

/** A `PhotoFetcher` serving the real bytes of the fixture house photos, named by the URL's last segment. */
export class FixturePhotoFetcher implements PhotoFetcher {
  /** Number of downloads served. */
  fetched = 0;
  private readonly delayMs: number;

  /** @param delayMs - time one download takes, in ms */
  constructor(delayMs = 0) {
    this.delayMs = delayMs;
  }

  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    await pause(this.delayMs, request.signal);
    const bytes = await readFile(join(HOUSE_PHOTOS_DIR, basename(new URL(request.url).pathname)));
    this.fetched += 1;
    return { url: request.url, bytes, contentType: 'image/jpeg', etag: null, lastModified: null };
  }
}

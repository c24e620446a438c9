import { setTimeout as sleep } from 'node:timers/promises';
import { throwIfCancelled } from '../../src/errors/index.js';
import type { ListingPhoto, ListingPhotos, PageFetchMode, PropertyId, Source } from '../../src/model/index.js';
import type { PhotoScraper, ScrapeRequest } from '../../src/ports/index.js';

/** What a fake listing page yields: its photos, or the error reading it throws. */
export type FakeListing = readonly ListingPhoto[] | Error;

/** A {@link PhotoScraper} serving fixed galleries by listing URL, recording calls. */
export class FakePhotoScraper implements PhotoScraper {
  readonly requests: ScrapeRequest[] = [];
  readonly released: PropertyId[] = [];
  /** Photo count each listing page (by URL) declares; pages left out declare none (`null`). */
  readonly declaredPhotoCounts = new Map<string | null, number>();
  /** What each listing page (by URL) says served it (`ListingPhotos.fetchMode`); pages left out say nothing. */
  readonly fetchModes = new Map<string | null, PageFetchMode>();

  constructor(
    readonly source: Source,
    private readonly listings: ReadonlyMap<string | null, FakeListing>,
    private readonly delayMs = 0,
  ) {}

  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    this.requests.push(request);
    if (this.delayMs > 0) await sleep(this.delayMs, undefined, request.signal ? { signal: request.signal } : {}).catch(() => undefined);
    throwIfCancelled(request.signal);
    const listing = this.listings.get(request.listingUrl);
    if (listing === undefined) throw new Error(`fake ${this.source} scraper has no page ${request.listingUrl}`);
    if (listing instanceof Error) throw listing;
    const declaredPhotoCount = this.declaredPhotoCounts.get(request.listingUrl) ?? null;
    const fetchMode = this.fetchModes.get(request.listingUrl);
    const listingUrl = request.listingUrl ?? 'https://example.invalid/';
    return { source: this.source, listingUrl, photos: listing, declaredPhotoCount, ...(fetchMode === undefined ? {} : { fetchMode }) };
  }

  async releaseProperty(propertyId: PropertyId): Promise<void> {
    this.released.push(propertyId);
  }
}

/** A gallery entry for a photo id, with a URL on the source's photo host. */
export function listingPhoto(source: Source, photoId: string): ListingPhoto {
  const url =
    source === 'zillow'
      ? `https://photos.zillowstatic.com/fp/${photoId}-uncropped_scaled_within_1536_1152.jpg`
      : `https://ssl.cdn-redfin.com/photo/86/bigphoto/${photoId}.jpg`;
  return { photoId, url, widthPx: null, heightPx: null, caption: null, variants: [] };
}

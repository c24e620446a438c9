import type { FetchMode } from '../model/fetch-mode.js';
import type { PropertyId } from '../model/ids.js';
import type { ListingPhotos } from '../model/listing-photo.js';
import type { Property } from '../model/property.js';
import type { Source } from '../model/source.js';

/** One request to read a listing's photo gallery. */
export interface ScrapeRequest {
  /** The property the listing belongs to; scrapers key browser isolation on its id. */
  readonly property: Property;
  /** Listing page URL; when absent the scraper resolves it from `property.address` if it can. */
  readonly listingUrl: string | null;
  /** Aborts the work promptly; the call then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
  /**
   * How to fetch the listing page for this call (`http`, `browser` or
   * `auto`); absent: the scraper's own default. The result's `fetchMode`
   * says what served it.
   */
  readonly fetchMode?: FetchMode;
}

/**
 * Reads the photo gallery of a listing on one site. Implemented by
 * `@phx/scrapers` (Zillow, Redfin on Chromium); tests may supply their own.
 *
 * Concurrency: `listPhotos` may be called for several properties at once.
 */
export interface PhotoScraper {
  /** The site this scraper reads. */
  readonly source: Source;
  /**
   * Reads the listing's photos.
   *
   * @param request - property, listing URL and abort signal
   * @returns the gallery in order; never an empty list for a page whose photo
   *   data could not be read (that throws)
   * @throws a `CoreError` subclass whose `kind` says whether to retry
   */
  listPhotos(request: ScrapeRequest): Promise<ListingPhotos>;
  /**
   * Releases what the scraper keeps for one property (its browser context in
   * `context` isolation, its browser in `browser` isolation). Idempotent.
   *
   * @param propertyId - the property that is done
   */
  releaseProperty(propertyId: PropertyId): Promise<void>;
}

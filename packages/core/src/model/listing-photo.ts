import type { PageFetchMode } from './fetch-mode.js';
import type { Source } from './source.js';

/** One size of a listing photo that a site serves. */
export interface PhotoVariantRef {
  /** Width in px, when the site states it or the URL encodes it; else `null`. */
  readonly widthPx: number | null;
  /** Image format from the URL, e.g. `jpeg`, `webp`. */
  readonly format: string;
  /** Absolute https URL of this size. */
  readonly url: string;
}

/**
 * One photo of a listing's gallery, as a scraper read it from the page.
 * Several sizes of one photo are one `ListingPhoto`.
 */
export interface ListingPhoto {
  /**
   * Stable id of the photo on its site, the same across sizes and formats:
   * Zillow's 32-hex photo key, Redfin's `<dataSourceId>/<prefix><MLS id>_<n>`.
   */
  readonly photoId: string;
  /** Absolute https URL of the largest size the site serves. */
  readonly url: string;
  /** Width in px of `url`, when known; else `null`. */
  readonly widthPx: number | null;
  /** Height in px of `url`, when known; else `null`. */
  readonly heightPx: number | null;
  /** Caption or room tag the site gives, else `null`. */
  readonly caption: string | null;
  /** Other sizes the site serves, largest first (may be empty). */
  readonly variants: readonly PhotoVariantRef[];
  /**
   * Set when the page no longer lists this photo's largest size where it
   * used to (a renamed or dropped size field, e.g. Redfin's
   * `photoUrls.fullScreenPhotoUrl`): says what was missing and where `url`
   * came from instead, so the shortfall is visible rather than a silently
   * smaller photo. Absent when the largest size was listed.
   */
  readonly sizeDowngrade?: string;
}

/** The photo gallery of one listing page, in gallery order. */
export interface ListingPhotos {
  /** Site the page belongs to. */
  readonly source: Source;
  /** URL of the listing page that was read (after redirects). */
  readonly listingUrl: string;
  /** Photos in gallery order, one entry per distinct photo. */
  readonly photos: readonly ListingPhoto[];
  /**
   * How many photos the page itself says the listing has (Zillow's
   * `photoCount`, Redfin's photo count, "See all 38 photos"); `null` or
   * absent when the page does not say. A gallery that accounts for fewer
   * photos than this makes the property `partial` (see `PropertyOutcome`).
   */
  readonly declaredPhotoCount?: number | null;
  /** What fetched the listing page: a plain HTTP client (`http`) or Chromium (`browser`); absent when the scraper does not say. */
  readonly fetchMode?: PageFetchMode;
}

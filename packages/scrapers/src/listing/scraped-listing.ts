import type { ListingPhoto, ListingPhotos, PageFetchMode } from '@phx/core';

/**
 * What a parser read from one listing page: the gallery plus how it was
 * found, so that a short or empty gallery is recognisable as such.
 */
export interface ParsedListing {
  /** Photos in gallery order, one per distinct photo (sizes merged). */
  readonly photos: readonly ListingPhoto[];
  /**
   * Number of photos the page itself says the listing has (`photoCount`,
   * "See all 31 photos", "11 photos"), or `null` when the page does not say.
   * A gallery shorter than this (e.g. a rendered page that shows only the
   * first few tiles) is incomplete.
   */
  readonly declaredPhotoCount: number | null;
  /** Which data path the photos came from, e.g. `__NEXT_DATA__ props.pageProps.componentProps.gdpClientCache`. */
  readonly dataPath: string;
  /** Street address as the page gives it, or `null`. */
  readonly address: string | null;
  /** Site listing id (Zillow zpid, Redfin property id) as a string, or `null`. */
  readonly listingId: string | null;
  /**
   * Images the page shows in the gallery that are not listing photos and were
   * left out, with the reason (e.g. a Google Street View placeholder shown
   * when the listing has no photos of its own).
   */
  readonly excluded: readonly { readonly url: string; readonly reason: string }[];
  /**
   * `true` when the gallery holds only the placeholder the site shows for a
   * listing without photos of its own (Zillow's Google Street View image).
   */
  readonly placeholderOnly: boolean;
}

/**
 * The result of a scraper: the port's {@link ListingPhotos} plus the parse
 * details of {@link ParsedListing}. An empty `photos` happens only when the
 * page's data says the listing has no photos (`declaredPhotoCount` 0); a
 * listing shown with only a placeholder image has `placeholderOnly: true`.
 */
export interface ScrapedListing extends ListingPhotos {
  /** See {@link ParsedListing.declaredPhotoCount}. */
  readonly declaredPhotoCount: number | null;
  /** See {@link ParsedListing.dataPath}. */
  readonly dataPath: string;
  /** See {@link ParsedListing.address}. */
  readonly address: string | null;
  /** See {@link ParsedListing.listingId}. */
  readonly listingId: string | null;
  /** See {@link ParsedListing.excluded}. */
  readonly excluded: readonly { readonly url: string; readonly reason: string }[];
  /** See {@link ParsedListing.placeholderOnly}. */
  readonly placeholderOnly: boolean;
  /** What served the page: `http` (the plain client) or `browser` (Chromium); always set. */
  readonly fetchMode: PageFetchMode;
}

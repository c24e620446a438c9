import { CoreError, InvalidImageError } from '../errors/index.js';
import type { ListingPhoto } from '../model/listing-photo.js';
import type { PhotoSizeChoice } from '../ports/photo-repository.js';

/** One size of a listed photo to try, in the order tried. */
export interface PhotoCandidate extends PhotoSizeChoice {
  /** Absolute URL of this size. */
  readonly url: string;
}

/**
 * The sizes of a listed photo in the order to try them: the URL the scraper
 * chose (the largest, original aspect first), then its other sizes as the
 * scraper ordered them (widest first, uncropped before cropped). A size as
 * wide as the first (another format of it) also counts as the largest.
 * Every candidate carries `sizeDowngrade` when the photo does (the page had
 * lost the field of its largest size).
 *
 * @param photo - the listed photo
 * @returns one candidate per distinct URL, the first being `photo.url`
 */
export function photoCandidates(photo: ListingPhoto): PhotoCandidate[] {
  const sizeDowngrade = photo.sizeDowngrade !== undefined;
  const first: PhotoCandidate = { url: photo.url, listedWidthPx: photo.widthPx, largest: true, sizeDowngrade };
  const seen = new Set([photo.url]);
  const rest: PhotoCandidate[] = [];
  for (const v of photo.variants) {
    if (seen.has(v.url)) continue;
    seen.add(v.url);
    const largest = photo.widthPx !== null && v.widthPx !== null && v.widthPx >= photo.widthPx;
    rest.push({ url: v.url, listedWidthPx: v.widthPx, largest, sizeDowngrade });
  }
  return [first, ...rest];
}

/** HTTP statuses that say this size is gone while others may not be. */
const GONE_STATUSES: ReadonlySet<number> = new Set([404, 410]);

/**
 * Tells whether a failure of one size of a photo is worth trying the next
 * size for: the host answered 404 or 410 (a `status` field on the error),
 * or the bytes were no usable image (`InvalidImageError`, or a
 * `NOT_A_PHOTO` error from the fetcher). Timeouts, throttling and blocks
 * are not: the fetcher already retried them, and more requests would not help.
 *
 * @param error - what fetching or decoding that size threw
 * @returns `true` when the next size should be tried
 */
export function isSizeUnavailable(error: unknown): boolean {
  if (error instanceof InvalidImageError) return true;
  if (!(error instanceof CoreError)) return false;
  if (error.code === 'NOT_A_PHOTO') return true;
  const status = (error as { readonly status?: unknown }).status;
  return typeof status === 'number' && GONE_STATUSES.has(status);
}

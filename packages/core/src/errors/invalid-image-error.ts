import { CoreError } from './core-error.js';

/** Why bytes were rejected as a photo. */
export type InvalidImageReason =
  'empty' | 'not-an-image' | 'unsupported-format' | 'corrupt' | 'truncated' | 'too-many-pixels' | 'too-large';

/**
 * Bytes that are not a usable photo: not an image at all (an HTML error page),
 * a format sharp cannot decode, a truncated or corrupt file, or an image over
 * the pixel limit. Permanent: downloading the same URL again will not help.
 * Fails that one photo; the property goes on.
 */
export class InvalidImageError extends CoreError {
  /** Machine-readable reason. */
  readonly reason: InvalidImageReason;
  /** URL (or file name) of the rejected photo, for the report. */
  readonly photo: string;

  /**
   * @param photo - URL or file name of the photo
   * @param reason - machine-readable reason
   * @param detail - what was seen (decoder message, first bytes, pixel count)
   */
  constructor(photo: string, reason: InvalidImageReason, detail: string, options: { cause?: unknown } = {}) {
    super('INVALID_IMAGE', `Photo ${photo} is not a usable image (${reason}): ${detail}`, 'permanent', options);
    this.reason = reason;
    this.photo = photo;
  }
}

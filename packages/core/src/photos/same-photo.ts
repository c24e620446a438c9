import { tonesAgree } from '../images/image-tone.js';
import type { ImageTone } from '../images/image-tone.js';
import { hammingDistance } from '../images/perceptual-hash.js';
import type { PhotoRecord } from '../ports/photo-repository.js';

/**
 * Largest Hamming distance between two 64-bit perceptual hashes still taken
 * for the same picture. Measured on the 240 house photos: copies resized,
 * re-encoded (JPEG, WebP, PNG) or re-oriented stay within 8 bits, 2 %
 * crops mostly within 10, while the closest two different photos are 14
 * bits apart.
 */
export const DEFAULT_MAX_PERCEPTUAL_DISTANCE = 10;

/** What de-duplication needs to know about one image. */
export interface ImageIdentity {
  /** SHA-256 of its bytes. */
  readonly sha256: string;
  /** 64-bit perceptual hash (16 hex digits); `null` or absent when unknown (then only `sha256` matches). */
  readonly perceptualHash?: string | null;
  /** Colour and contrast (see `tonesAgree`); `null` or absent when unknown (then the hash alone decides). */
  readonly tone?: ImageTone | null;
  /** Upright width in px. */
  readonly widthPx: number;
  /** Upright height in px. */
  readonly heightPx: number;
  /** Size in bytes. */
  readonly byteLength: number;
}

/** Whether two versions' tones allow a match: both known and agreeing, or either unknown (records made before tones were measured). */
function tonesAllow(a: ImageTone | null | undefined, b: ImageTone | null | undefined): boolean {
  return a === null || a === undefined || b === null || b === undefined || tonesAgree(a, b);
}

/**
 * Tells whether two images show the same picture: the same bytes, or
 * perceptual hashes at most `maxDistance` bits apart and tones that agree
 * (`tonesAgree`: a flat placeholder's hash is noise, so its colour must match too).
 *
 * @param a - one image
 * @param b - the other
 * @param maxDistance - largest Hamming distance taken as the same picture, 0-64; default {@link DEFAULT_MAX_PERCEPTUAL_DISTANCE}
 * @returns `true` when they are the same picture
 */
export function isSamePicture(a: ImageIdentity, b: ImageIdentity, maxDistance = DEFAULT_MAX_PERCEPTUAL_DISTANCE): boolean {
  if (a.sha256 === b.sha256) return true;
  const [ha, hb] = [a.perceptualHash ?? null, b.perceptualHash ?? null];
  if (ha === null || hb === null) return false;
  return hammingDistance(ha, hb) <= maxDistance && tonesAllow(a.tone, b.tone);
}

/**
 * Tells whether `a` is a better copy than `b` of the same picture: more
 * pixels; on a tie more bytes (less compression); on a tie the smaller hash,
 * so every process picks the same one.
 *
 * @param a - a candidate
 * @param b - the current best
 * @returns `true` when `a` should replace `b` as the canonical image
 */
export function isBetterImage(a: ImageIdentity, b: ImageIdentity): boolean {
  const pixels = a.widthPx * a.heightPx - b.widthPx * b.heightPx;
  if (pixels !== 0) return pixels > 0;
  if (a.byteLength !== b.byteLength) return a.byteLength > b.byteLength;
  return a.sha256 < b.sha256;
}

/** Where an image was found among a property's records. */
export interface SamePhotoMatch {
  /** The record showing the same picture. */
  readonly record: PhotoRecord;
  /** `true` when the image's bytes are already on the record (canonical or a duplicate): nothing new to store. */
  readonly sameBytes: boolean;
}

/**
 * Finds the record of a property that shows the same picture as `image`:
 * first by SHA-256 (the canonical image or one of its duplicates), then by
 * the smallest perceptual distance to any version of a record within
 * `maxDistance` whose tone agrees (see {@link isSamePicture}).
 *
 * @param image - the new image
 * @param records - the property's records
 * @param maxDistance - see {@link isSamePicture}
 * @returns the record and whether the bytes are already known, or `null` when it is a new picture
 * @example
 * ```ts
 * import type { ImageIdentity, PhotoRepository, PropertyId } from '@phx/core';
 * declare const image: ImageIdentity, repository: PhotoRepository, propertyId: PropertyId;
 * const match = findSamePhoto(image, await repository.listPhotos(propertyId));
 * ```
 */
export function findSamePhoto(
  image: ImageIdentity,
  records: readonly PhotoRecord[],
  maxDistance = DEFAULT_MAX_PERCEPTUAL_DISTANCE,
): SamePhotoMatch | null {
  for (const record of records) {
    if (record.sha256 === image.sha256 || record.duplicates.some((d) => d.sha256 === image.sha256)) {
      return { record, sameBytes: true };
    }
  }
  const imageHash = image.perceptualHash ?? null;
  if (imageHash === null) return null;
  let best: { record: PhotoRecord; distance: number } | null = null;
  for (const record of records) {
    for (const version of [record, ...record.duplicates]) {
      if (version.perceptualHash === null || !tonesAllow(image.tone, version.tone)) continue;
      const distance = hammingDistance(imageHash, version.perceptualHash);
      if (distance <= maxDistance && (best === null || distance < best.distance)) best = { record, distance };
    }
  }
  return best === null ? null : { record: best.record, sameBytes: false };
}

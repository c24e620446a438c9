import sharp from 'sharp';
import { z } from 'zod';
import { InvalidImageError } from '../errors/index.js';
import { parseInput } from '../validation/index.js';
import { optionsObject, photoBytesSchema } from './image-inputs.js';
import { checkHeader, decodePhotoOptionsShape, describePhoto, withDecodeDefaults } from './decode-photo.js';
import type { DecodedPhoto, DecodePhotoOptions } from './decode-photo.js';
import { decodeError } from './image-error-classifier.js';
import { DEFAULT_READ_UPRIGHT_OPTIONS, decodeUpright, maxSidePxSchema } from './read-upright.js';
import type { UprightImage } from './read-upright.js';

/** Options of {@link readPhoto}: those of `decodePhoto`, plus the longest side kept for the variants. */
export interface ReadPhotoOptions extends DecodePhotoOptions {
  /**
   * Longest side in px of the upright pixels kept: the largest variant that
   * will be made from them. Never upscaled. Integer 16-16384; default 2048.
   */
  readonly maxSidePx?: number;
}

/** What {@link readPhoto} gives: the description `decodePhoto` gives, and the pixels `readUpright` gives. */
export interface ReadPhoto {
  /** Hash, format, upright size, bytes, orientation and page count of the original. */
  readonly decoded: DecodedPhoto;
  /** The upright 8-bit sRGB pixels (≤ `maxSidePx`), their perceptual hash and the animated flag. */
  readonly upright: UprightImage;
}

const optionsSchema = z.object({ ...decodePhotoOptionsShape, maxSidePx: maxSidePxSchema.optional() });
const argumentsSchema = z.object({ bytes: photoBytesSchema, options: optionsObject(optionsSchema.shape) });

/**
 * Validates, describes and normalises a photo with one decode: the header
 * checks of `decodePhoto` (byte and pixel limits, accepted formats: nothing
 * decoded yet), then a single sharp pipeline that decodes every pixel of the
 * first frame, applies the EXIF orientation, converts to 8-bit sRGB and
 * fits it inside `maxSidePx`. Those pixels serve the perceptual hash and
 * the variants. It accepts and rejects exactly what `decodePhoto` does, and
 * its pixels are those `readUpright` gives; the bytes are not changed.
 *
 * @param bytes - the file exactly as downloaded
 * @param options - photo name for errors, pixel and byte limits, accepted formats, decoder warnings, longest side kept
 * @returns the description and the upright pixels
 * @throws {@link InvalidImageError} with `reason` `empty`, `too-large`,
 *   `not-an-image`, `unsupported-format`, `corrupt`, `truncated` or `too-many-pixels`
 * @throws {@link InvalidInputError} `readPhoto arguments` naming `bytes` (not a Buffer/Uint8Array) or each bad `options` field (unknown keys too)
 * @example
 * ```ts
 * const { decoded, upright } = await readPhoto(bytes, { photo: url });
 * const variants = await encodeVariants(upright);
 * await store.put(propertyId, `${decoded.sha256}.${decoded.extension}`, bytes);
 * ```
 */
export async function readPhoto(bytes: Uint8Array, options?: ReadPhotoOptions): Promise<ReadPhoto> {
  const parsed = parseInput(argumentsSchema, { bytes, options }, 'readPhoto arguments').options ?? {};
  const o = withDecodeDefaults(parsed);
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { metadata, format } = await checkHeader(input, o);
  const failOn = o.rejectDecoderWarnings ? 'warning' : 'error';
  let upright: UprightImage;
  try {
    const image = sharp(input, { failOn, limitInputPixels: o.maxPixels });
    upright = await decodeUpright(image, metadata, parsed.maxSidePx ?? DEFAULT_READ_UPRIGHT_OPTIONS.maxSidePx, o.photo);
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    throw decodeError(o.photo, format, error);
  }
  return { decoded: describePhoto(input, metadata, format), upright };
}

import sharp from 'sharp';
import { z } from 'zod';
import { InvalidImageError } from '../errors/index.js';
import { parseInput } from '../validation/index.js';
import { optionsObject, photoBytesSchema } from './image-inputs.js';
import { checkHeader, decodePhotoOptionsShape, describePhoto, withDecodeDefaults } from './decode-photo.js';
import type { DecodedPhoto, DecodePhotoOptions } from './decode-photo.js';
import { decodeError } from './image-error-classifier.js';
import { PixelBudget } from './pixel-budget.js';
import { DEFAULT_READ_UPRIGHT_OPTIONS, decodeUpright, maxSidePxSchema } from './read-upright.js';
import type { UprightImage } from './read-upright.js';

/** Options of {@link readPhoto}: those of `decodePhoto`, plus the longest side kept for the variants. */
export interface ReadPhotoOptions extends DecodePhotoOptions {
  /**
   * Longest side in px of the upright pixels kept: the largest variant that
   * will be made from them. Never upscaled. Integer 16-16384; default 2048.
   */
  readonly maxSidePx?: number;
  /**
   * Shared bound on the pixels being decoded at once: the decode waits until
   * this photo's pixels (from its header) fit. Default none: no wait.
   */
  readonly pixelBudget?: PixelBudget;
  /** Aborting it ends a wait for the pixel budget with `CancelledError`. Default none. */
  readonly signal?: AbortSignal;
}

/** What {@link readPhoto} gives: the description `decodePhoto` gives, and the pixels `readUpright` gives. */
export interface ReadPhoto {
  /** Hash, format, upright size, bytes, orientation and page count of the original. */
  readonly decoded: DecodedPhoto;
  /** The upright 8-bit sRGB pixels (≤ `maxSidePx`), their perceptual hash and the animated flag. */
  readonly upright: UprightImage;
}

const optionsSchema = z.object({
  ...decodePhotoOptionsShape,
  maxSidePx: maxSidePxSchema.optional(),
  pixelBudget: z.instanceof(PixelBudget, { message: 'must be a PixelBudget' }).optional(),
  signal: z.instanceof(AbortSignal, { message: 'must be an AbortSignal' }).optional(),
});
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
 * @param options - photo name for errors, pixel and byte limits, accepted formats, decoder warnings, longest side kept,
 *   the shared pixel budget the decode waits for and the signal that ends the wait
 * @returns the description and the upright pixels
 * @throws {@link InvalidImageError} with `reason` `empty`, `too-large`,
 *   `not-an-image`, `unsupported-format`, `corrupt`, `truncated` or `too-many-pixels`
 * @throws `CancelledError` when `options.signal` aborts while the decode waits for the pixel budget
 * @throws {@link InvalidInputError} `readPhoto arguments` naming `bytes` (not a Buffer/Uint8Array) or each bad `options` field (unknown keys too)
 * @example
 * ```ts
 * import type { ImageStore, PropertyId } from '@phx/core';
 * import { encodeVariants } from './encode-variants.js';
 * declare const bytes: Uint8Array, url: string, store: ImageStore, propertyId: PropertyId;
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
  const decode = async (): Promise<UprightImage> => {
    try {
      const image = sharp(input, { failOn, limitInputPixels: o.maxPixels });
      return await decodeUpright(image, metadata, parsed.maxSidePx ?? DEFAULT_READ_UPRIGHT_OPTIONS.maxSidePx, o.photo);
    } catch (error) {
      if (error instanceof InvalidImageError) throw error;
      throw decodeError(o.photo, format, error);
    }
  };
  const budget = parsed.pixelBudget;
  const upright = budget === undefined ? await decode() : await budget.run(metadata.width * metadata.height, decode, parsed.signal);
  return { decoded: describePhoto(input, metadata, format), upright };
}

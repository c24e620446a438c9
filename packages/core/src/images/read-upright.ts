import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';
import { z } from 'zod';
import { InvalidImageError } from '../errors/index.js';
import { parseInput } from '../validation/index.js';
import { optionsObject, photoBytesSchema } from './image-inputs.js';
import { decodeError } from './image-error-classifier.js';
import { measureTone } from './image-tone.js';
import type { ImageTone } from './image-tone.js';
import { PERCEPTUAL_HASH_SAMPLE_PX, perceptualHashOf } from './perceptual-hash.js';

/** Options of {@link readUpright}. */
export interface ReadUprightOptions {
  /** Name of the photo in error messages (its URL or file name). Default `photo`. */
  readonly photo?: string;
  /**
   * Longest side in px of the pixels kept: the largest variant that will be
   * made from them. Never upscaled. Integer 16-16384; default 2048.
   */
  readonly maxSidePx?: number;
  /** Largest accepted image in pixels (one frame). Integer ≥ 1; default 100 000 000. */
  readonly maxPixels?: number;
}

/** Defaults of {@link ReadUprightOptions}. */
export const DEFAULT_READ_UPRIGHT_OPTIONS: Required<ReadUprightOptions> = Object.freeze({
  photo: 'photo',
  maxSidePx: 2048,
  maxPixels: 100_000_000,
});

/**
 * The first frame of a photo, upright (EXIF orientation applied), in 8-bit
 * sRGB (CMYK, 16-bit and wide-gamut inputs converted through their ICC
 * profile), at most `maxSidePx` on its longest side: what variants are made
 * from. Raw interleaved pixels; memory is `widthPx × heightPx × channels` bytes.
 */
export interface UprightImage {
  /** Raw 8-bit pixels, row-major, interleaved. */
  readonly pixels: Buffer;
  /** Width in px of `pixels`. */
  readonly widthPx: number;
  /** Height in px of `pixels`. */
  readonly heightPx: number;
  /** 3 (sRGB) or 4 (sRGB with alpha). */
  readonly channels: 3 | 4;
  /** 64-bit DCT perceptual hash of the upright image, 16 hex digits (see `perceptualHashOf`). */
  readonly perceptualHash: string;
  /** Mean colour, contrast and detail, which a match needs besides the hash (see `tonesAgree`). */
  readonly tone: ImageTone;
  /** `true` when the file is an animation (GIF or WebP with frame delays): `pixels` hold its first frame. */
  readonly animated: boolean;
}

/** Checks `maxSidePx` (shared with `readPhoto`). */
export const maxSidePxSchema = z.number().int().min(16).max(16_384);

const optionsSchema = z.object({
  photo: z.string().min(1).optional(),
  maxSidePx: maxSidePxSchema.optional(),
  maxPixels: z.number().int().positive().optional(),
});
const argumentsSchema = z.object({ bytes: photoBytesSchema, options: optionsObject(optionsSchema.shape) });

async function greyscaleSample(pixels: Buffer, widthPx: number, heightPx: number, channels: 3 | 4): Promise<Buffer> {
  const side = PERCEPTUAL_HASH_SAMPLE_PX;
  return sharp(pixels, { raw: { width: widthPx, height: heightPx, channels } })
    .removeAlpha()
    .greyscale()
    .resize(side, side, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer();
}

/**
 * Decodes the first frame of a photo with sharp into upright 8-bit sRGB
 * pixels no larger than `maxSidePx`, and computes its perceptual hash. The
 * original bytes are not changed. Call it after `decodePhoto` accepted the
 * bytes; it reports decoder failures the same way.
 *
 * @param bytes - the original file
 * @param options - photo name, longest side kept, pixel limit
 * @returns the upright pixels, their size, channels, perceptual hash and whether the file is animated
 * @throws {@link InvalidImageError} when the bytes cannot be decoded
 * @throws {@link InvalidInputError} `readUpright arguments` naming `bytes` (not a Buffer/Uint8Array) or each bad `options` field (unknown keys too)
 * @example
 * ```ts
 * import { encodeVariants } from './encode-variants.js';
 * declare const bytes: Uint8Array, url: string;
 * const upright = await readUpright(bytes, { photo: url });
 * const variants = await encodeVariants(upright);
 * ```
 */
export async function readUpright(bytes: Uint8Array, options?: ReadUprightOptions): Promise<UprightImage> {
  const parsed = parseInput(argumentsSchema, { bytes, options }, 'readUpright arguments').options ?? {};
  const d = DEFAULT_READ_UPRIGHT_OPTIONS;
  const photo = parsed.photo ?? d.photo;
  const maxSidePx = parsed.maxSidePx ?? d.maxSidePx;
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const image = sharp(input, { failOn: 'error', limitInputPixels: parsed.maxPixels ?? d.maxPixels });
    return await decodeUpright(image, await image.metadata(), maxSidePx, photo);
  } catch (error) {
    if (error instanceof InvalidImageError) throw error;
    throw decodeError(photo, 'image', error);
  }
}

/**
 * Runs the one decode of a photo: its first frame (sharp's default `pages: 1`),
 * upright, in 8-bit sRGB (converted through the embedded ICC profile), fitted
 * inside `maxSidePx`, then its perceptual hash from those pixels. Every pixel
 * of the frame is decoded, so decoder errors and (with `failOn: 'warning'`)
 * warnings surface here.
 *
 * @param image - sharp on the original bytes, with the caller's `failOn` and pixel limit
 * @param metadata - the header of those bytes
 * @param maxSidePx - longest side kept
 * @param photo - name of the photo for errors
 * @returns the upright image
 * @throws sharp's error when decoding fails (callers classify it with `decodeError`)
 * @throws {@link InvalidImageError} `corrupt` when the sRGB output has neither 3 nor 4 channels
 */
export async function decodeUpright(image: Sharp, metadata: Metadata, maxSidePx: number, photo: string): Promise<UprightImage> {
  const { data, info } = await image
    .autoOrient()
    .resize(maxSidePx, maxSidePx, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels === 4 ? 4 : 3;
  if (info.channels !== channels)
    throw new InvalidImageError(photo, 'corrupt', `unexpected ${info.channels} channels after sRGB conversion`);
  const sample = await greyscaleSample(data, info.width, info.height, channels);
  return {
    pixels: data,
    widthPx: info.width,
    heightPx: info.height,
    channels,
    perceptualHash: perceptualHashOf(sample),
    tone: await measureTone(data, { widthPx: info.width, heightPx: info.height, channels }, sample),
    animated: (metadata.pages ?? 1) > 1 && (metadata.delay?.length ?? 0) > 0,
  };
}

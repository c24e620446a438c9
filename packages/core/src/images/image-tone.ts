import sharp from 'sharp';
import { PERCEPTUAL_HASH_SAMPLE_PX } from './perceptual-hash.js';

/**
 * Colour and contrast figures of an upright image, kept next to its
 * perceptual hash: the hash of a flat image (a solid colour, a "Coming
 * Soon" card) is rounding noise, so two images match only when these agree
 * too (see `isSamePicture`).
 */
export interface ImageTone {
  /** Mean red, green and blue of every pixel, 0-255, one decimal. */
  readonly meanRgb: readonly [number, number, number];
  /** Standard deviation of the 32×32 greyscale sample the hash is made from, 0-127.5 grey levels, one decimal. */
  readonly contrast: number;
  /** Mean absolute difference between neighbouring pixels of that sample, 0-255 grey levels, two decimals. */
  readonly detail: number;
}

/**
 * Below this `detail` (grey levels between neighbouring pixels of the 32×32
 * sample) an image is a placeholder: a solid colour, a "Coming Soon" or
 * "no photo" card. Measured: the 240 house photos are 8.8-27, solid colours
 * 0, text cards 1.5-2.2, cards with a block and a line of text 4.8-6.8.
 */
export const PLACEHOLDER_MAX_DETAIL = 7.5;

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/**
 * Measures the tone of an image from its pixels and its greyscale hash sample.
 *
 * @param pixels - raw 8-bit sRGB pixels, 3 or 4 channels interleaved
 * @param raw - their width, height (px) and channels
 * @param sample - the 32×32 greyscale sample of the same image, row-major
 * @returns mean colour, contrast and detail
 * @throws sharp's error when `pixels` does not hold `widthPx × heightPx × channels` bytes
 */
export async function measureTone(
  pixels: Buffer,
  raw: { readonly widthPx: number; readonly heightPx: number; readonly channels: 3 | 4 },
  sample: Uint8Array,
): Promise<ImageTone> {
  const stats = await sharp(pixels, { raw: { width: raw.widthPx, height: raw.heightPx, channels: raw.channels } }).stats();
  const mean = (i: number): number => round(stats.channels[i]?.mean ?? 0, 1);
  const side = PERCEPTUAL_HASH_SAMPLE_PX;
  let sum = 0;
  for (const v of sample) sum += v;
  const average = sum / sample.length;
  let squares = 0;
  for (const v of sample) squares += (v - average) ** 2;
  let steps = 0;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const v = sample[y * side + x] ?? 0;
      if (x + 1 < side) steps += Math.abs(v - (sample[y * side + x + 1] ?? 0));
      if (y + 1 < side) steps += Math.abs(v - (sample[(y + 1) * side + x] ?? 0));
    }
  }
  return {
    meanRgb: [mean(0), mean(1), mean(2)],
    contrast: round(Math.sqrt(squares / sample.length), 1),
    detail: round(steps / (2 * side * (side - 1)), 2),
  };
}

/**
 * Tells a placeholder (a flat, low-detail image) from a photo.
 *
 * @param tone - the image's tone
 * @returns `true` when its detail is below {@link PLACEHOLDER_MAX_DETAIL}
 */
export function isPlaceholderTone(tone: ImageTone): boolean {
  return tone.detail < PLACEHOLDER_MAX_DETAIL;
}

/** Largest difference of a mean channel (0-255) between copies of one photo: re-encoding and resizing move it 0-3 levels. */
const PHOTO_MAX_MEAN_DELTA = 12;
/** Largest contrast difference between copies of one photo, as a share of the larger. */
const PHOTO_MAX_CONTRAST_RATIO = 0.25;
/** Placeholders: a flat colour's hash says nothing, so the colour must be the same to the level (0x40 is not 0x41). */
const PLACEHOLDER_MAX_MEAN_DELTA = 0.5;
/** Placeholders: largest contrast difference in grey levels. */
const PLACEHOLDER_MAX_CONTRAST_DELTA = 2;

/**
 * Tells whether two images agree in colour and contrast as copies of one
 * picture do. Two placeholders (see {@link isPlaceholderTone}) agree only
 * with the same mean colour (within half a level per channel) and contrast
 * (within 2 levels); other images within 12 levels per channel and 25 % of
 * contrast.
 *
 * @param a - one image's tone
 * @param b - the other's
 * @returns `true` when they may be the same picture
 */
export function tonesAgree(a: ImageTone, b: ImageTone): boolean {
  const flat = isPlaceholderTone(a) || isPlaceholderTone(b);
  const maxMeanDelta = flat ? PLACEHOLDER_MAX_MEAN_DELTA : PHOTO_MAX_MEAN_DELTA;
  if (a.meanRgb.some((m, i) => Math.abs(m - (b.meanRgb[i] ?? 0)) > maxMeanDelta)) return false;
  const contrastDelta = Math.abs(a.contrast - b.contrast);
  if (flat) return contrastDelta <= PLACEHOLDER_MAX_CONTRAST_DELTA;
  return contrastDelta <= PHOTO_MAX_CONTRAST_RATIO * Math.max(a.contrast, b.contrast, 1);
}

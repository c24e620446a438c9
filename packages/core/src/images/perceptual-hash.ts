import { InvalidInputError } from '../errors/index.js';
import { describeValue } from '../validation/index.js';

/** Side in px of the greyscale square a perceptual hash is computed from. */
export const PERCEPTUAL_HASH_SAMPLE_PX = 32;

const HASH_SIDE = 8;

/** Cosines of the DCT-II of length {@link PERCEPTUAL_HASH_SAMPLE_PX}, only the first 8 frequencies. */
const COSINES: readonly Float64Array[] = Array.from({ length: HASH_SIDE }, (_, k) => {
  const row = new Float64Array(PERCEPTUAL_HASH_SAMPLE_PX);
  for (let n = 0; n < PERCEPTUAL_HASH_SAMPLE_PX; n += 1) {
    row[n] = Math.cos((Math.PI * k * (2 * n + 1)) / (2 * PERCEPTUAL_HASH_SAMPLE_PX));
  }
  return row;
});

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The 8×8 lowest frequencies of the 2-D DCT-II of a 32×32 greyscale square, row-major. */
function lowFrequencies(pixels: Uint8Array): Float64Array {
  const side = PERCEPTUAL_HASH_SAMPLE_PX;
  // Rows first: rowDct[y][u] for u < 8, then columns of that.
  const rowDct = new Float64Array(side * HASH_SIDE);
  for (let y = 0; y < side; y += 1) {
    for (let u = 0; u < HASH_SIDE; u += 1) {
      const cos = COSINES[u] as Float64Array;
      let sum = 0;
      for (let x = 0; x < side; x += 1) sum += (pixels[y * side + x] ?? 0) * (cos[x] ?? 0);
      rowDct[y * HASH_SIDE + u] = sum;
    }
  }
  const out = new Float64Array(HASH_SIDE * HASH_SIDE);
  for (let v = 0; v < HASH_SIDE; v += 1) {
    const cos = COSINES[v] as Float64Array;
    for (let u = 0; u < HASH_SIDE; u += 1) {
      let sum = 0;
      for (let y = 0; y < side; y += 1) sum += (rowDct[y * HASH_SIDE + u] ?? 0) * (cos[y] ?? 0);
      out[v * HASH_SIDE + u] = sum;
    }
  }
  return out;
}

/**
 * Computes the 64-bit DCT perceptual hash (pHash, as the `imagehash` library
 * defines it) of a 32×32 greyscale square: the 8×8 lowest frequencies of its
 * 2-D DCT, one bit per frequency, set when the coefficient is above their
 * median. Photos that look the same (another size, compression or format)
 * get hashes a few bits apart; different photos differ in about half.
 *
 * @param pixels - 1024 bytes: a 32×32 single-channel 8-bit image, row-major
 * @returns 16 lower-case hex digits, most significant bit = lowest frequency
 * @throws {@link InvalidInputError} `perceptualHashOf arguments` naming `pixels` when it is not a `Uint8Array` of 1024 bytes
 * @example
 * ```ts
 * import sharp from 'sharp';
 * declare const bytes: Uint8Array;
 * const grey = await sharp(bytes).autoOrient().greyscale().resize(32, 32, { fit: 'fill' }).raw().toBuffer();
 * const hash = perceptualHashOf(grey); // e.g. 'c3a1f0e0d8b43c1e'
 * ```
 */
export function perceptualHashOf(pixels: Uint8Array): string {
  const side = PERCEPTUAL_HASH_SAMPLE_PX;
  if (!(pixels instanceof Uint8Array) || pixels.length !== side * side) {
    const got = pixels instanceof Uint8Array ? `${pixels.length} bytes` : describeValue(pixels);
    throw new InvalidInputError('perceptualHashOf arguments', [
      { path: 'pixels', message: `must be ${side * side} bytes (a ${side}×${side} greyscale image, row-major); got ${got}` },
    ]);
  }
  const frequencies = lowFrequencies(pixels);
  const threshold = median(frequencies);
  let hex = '';
  for (let nibble = 0; nibble < 16; nibble += 1) {
    let value = 0;
    for (let bit = 0; bit < 4; bit += 1) value = (value << 1) | ((frequencies[nibble * 4 + bit] ?? 0) > threshold ? 1 : 0);
    hex += value.toString(16);
  }
  return hex;
}

const POPCOUNT_NIBBLE = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/**
 * Counts the bits in which two perceptual hashes differ.
 *
 * @param a - 16 hex digits
 * @param b - 16 hex digits
 * @returns 0 (same) to 64
 * @throws {@link RangeError} when either is not 16 hex digits
 */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/.test(a) || !/^[0-9a-f]{16}$/.test(b))
    throw new RangeError(`expected two 16-hex-digit hashes, got "${a}" and "${b}"`);
  let distance = 0;
  for (let i = 0; i < 16; i += 1) distance += POPCOUNT_NIBBLE[parseInt(a[i] as string, 16) ^ parseInt(b[i] as string, 16)] ?? 0;
  return distance;
}

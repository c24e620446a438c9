import sharp from 'sharp';
import { DEFAULT_DECODE_PHOTO_OPTIONS, DEFAULT_VARIANT_SPECS, PERCEPTUAL_HASH_SAMPLE_PX } from '@phx/core';
import type { BenchPhoto } from './bench-inputs.js';
import { forEachLimited } from './for-each-limited.js';

/**
 * The sharp operations the pipeline runs on one photo, with nothing else:
 * header read, the one decode (every pixel, decoder warnings fatal) to
 * upright sRGB at the largest variant size, the 32×32 greyscale sample of
 * the perceptual hash, and the WebP encodes of the variants.
 *
 * @param bytes - the photo
 */
async function sharpOperations(bytes: Buffer): Promise<void> {
  await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  const maxSidePx = Math.max(...DEFAULT_VARIANT_SPECS.map((v) => v.maxSidePx));
  const { data, info } = await sharp(bytes, { failOn: 'warning', limitInputPixels: DEFAULT_DECODE_PHOTO_OPTIONS.maxPixels })
    .autoOrient()
    .resize(maxSidePx, maxSidePx, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const side = PERCEPTUAL_HASH_SAMPLE_PX;
  await sharp(data, raw).removeAlpha().greyscale().resize(side, side, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
  await Promise.all(
    DEFAULT_VARIANT_SPECS.map((spec) =>
      sharp(data, raw)
        .resize(spec.maxSidePx, spec.maxSidePx, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: spec.quality, effort: spec.effort ?? 2 })
        .toBuffer(),
    ),
  );
}

/**
 * Runs {@link sharpOperations} on every photo, `concurrency` at a time.
 *
 * @param photos - the inputs
 * @param concurrency - photos in flight at once
 */
export async function runSharpAlone(photos: readonly BenchPhoto[], concurrency: number): Promise<void> {
  await forEachLimited(photos, concurrency, (p) => sharpOperations(p.bytes));
}

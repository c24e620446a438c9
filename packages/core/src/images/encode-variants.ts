import sharp from 'sharp';
import { z } from 'zod';
import { describeValue, parseInput } from '../validation/index.js';
import type { UprightImage } from './read-upright.js';

/** One size of web variant to make from every photo. */
export interface VariantSpec {
  /** Name, also the middle part of the file name (`<sha256>.<name>.webp`): lower-case letters, digits and `-`. */
  readonly name: string;
  /** Longest side in px; a smaller photo keeps its size (never upscaled). Integer 16-16384. */
  readonly maxSidePx: number;
  /** WebP quality 1-100. */
  readonly quality: number;
  /**
   * WebP encoder effort 0 (fastest) to 6 (smallest). Default 2: about half
   * the time of libwebp's 4 for files a few percent larger.
   */
  readonly effort?: number;
}

const DEFAULT_WEBP_EFFORT = 2;

/** The default variants: `web` (longest side ≤ 2048 px, quality 82) and `thumb` (≤ 400 px, quality 75). */
export const DEFAULT_VARIANT_SPECS: readonly VariantSpec[] = Object.freeze([
  Object.freeze({ name: 'web', maxSidePx: 2048, quality: 82 }),
  Object.freeze({ name: 'thumb', maxSidePx: 400, quality: 75 }),
]);

/** A variant encoded in memory, not yet stored. */
export interface EncodedVariant {
  /** The spec's name, e.g. `web`. */
  readonly name: string;
  /** Always `webp`. */
  readonly format: 'webp';
  /** Width in px (upright). */
  readonly widthPx: number;
  /** Height in px (upright). */
  readonly heightPx: number;
  /** The encoded file. */
  readonly bytes: Buffer;
}

/** Checks variant specs: names unique and file-name safe, sizes and qualities in range. */
export const variantSpecsSchema = z
  .array(
    z.object({
      name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 lower-case letters, digits or -'),
      maxSidePx: z.number().int().min(16).max(16_384),
      quality: z.number().int().min(1).max(100),
      effort: z.number().int().min(0).max(6).optional(),
    }),
  )
  .refine((specs) => new Set(specs.map((s) => s.name)).size === specs.length, 'variant names must be unique');

/**
 * Names the file of a variant: `<sha256>.<name>.webp`, next to the original `<sha256>.<ext>`.
 *
 * @param sha256 - content hash of the original
 * @param name - variant name
 * @returns the file name
 */
export function variantFileName(sha256: string, name: string): string {
  return `${sha256}.${name}.webp`;
}

const uprightImageSchema = z
  .object(
    {
      pixels: z.instanceof(Buffer, { message: 'must be a Buffer of raw pixels' }),
      widthPx: z.number().int().positive(),
      heightPx: z.number().int().positive(),
      channels: z.union([z.literal(3), z.literal(4)]),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type'
          ? `must be an UprightImage from readUpright or readPhoto; got ${describeValue(issue.input)}`
          : undefined,
    },
  )
  .refine((i) => i.pixels.length === i.widthPx * i.heightPx * i.channels, {
    message: 'pixels must hold widthPx × heightPx × channels bytes',
    path: ['pixels'],
  });

/**
 * Encodes the web variants of an upright photo as WebP, each fitted inside
 * its `maxSidePx` square and never upscaled. Runs the encodes concurrently
 * (sharp's thread pool does the work).
 *
 * @param image - the upright 8-bit sRGB pixels from `readUpright`
 * @param specs - which variants; default {@link DEFAULT_VARIANT_SPECS}
 * @returns one encoded variant per spec, in spec order
 * @throws {@link InvalidInputError} `encodeVariants arguments` naming `image` (not what `readUpright` returns:
 *   pixels, sizes in px and channel count that do not agree) or each bad `specs` field
 * @example
 * ```ts
 * import { readUpright } from '@phx/core';
 * declare const bytes: Uint8Array;
 * const [web, thumb] = await encodeVariants(await readUpright(bytes));
 * ```
 */
export async function encodeVariants(
  image: UprightImage,
  specs: readonly VariantSpec[] = DEFAULT_VARIANT_SPECS,
): Promise<EncodedVariant[]> {
  parseInput(z.object({ image: uprightImageSchema, specs: variantSpecsSchema }), { image, specs }, 'encodeVariants arguments');
  const raw = { raw: { width: image.widthPx, height: image.heightPx, channels: image.channels } };
  return Promise.all(
    specs.map(async (spec) => {
      const { data, info } = await sharp(image.pixels, raw)
        .resize(spec.maxSidePx, spec.maxSidePx, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: spec.quality, effort: spec.effort ?? DEFAULT_WEBP_EFFORT })
        .toBuffer({ resolveWithObject: true });
      return { name: spec.name, format: 'webp' as const, widthPx: info.width, heightPx: info.height, bytes: data };
    }),
  );
}

import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { DEFAULT_VARIANT_SPECS, encodeVariants, hammingDistance, readUpright, variantFileName } from '../../src/images/index.js';
import { readHousePhoto, readImageFixture } from '../support/fixtures.js';

/** How to store an upright picture so that EXIF orientation `n` shows it upright again. */
const STORE_FOR_ORIENTATION: Record<number, (s: Sharp) => Sharp> = {
  1: (s) => s,
  2: (s) => s.flop(),
  3: (s) => s.rotate(180),
  4: (s) => s.flip(),
  5: (s) => s.rotate(270).flop(),
  6: (s) => s.rotate(270),
  7: (s) => s.rotate(90).flop(),
  8: (s) => s.rotate(90),
};

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

describe('readUpright', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('shows a real photo stored with EXIF orientation %i upright', async (orientation) => {
    const upright = await sharp(await readHousePhoto('house-001-kitchen.jpg'))
      .resize(360, 240)
      .jpeg({ quality: 95 })
      .toBuffer();
    const stored = await (STORE_FOR_ORIENTATION[orientation] as (s: Sharp) => Sharp)(sharp(upright)).toBuffer();
    const tagged = await sharp(stored).withMetadata({ orientation }).jpeg({ quality: 95 }).toBuffer();
    const [reference, image] = await Promise.all([readUpright(upright), readUpright(tagged)]);
    expect([image.widthPx, image.heightPx]).toEqual([360, 240]);
    expect(meanAbsoluteDifference(image.pixels, reference.pixels)).toBeLessThan(8);
    expect(hammingDistance(image.perceptualHash, reference.perceptualHash)).toBeLessThanOrEqual(4);
  });

  it('turns the EXIF orientation 3 and 6 fixtures (one picture) into the same upright pixels', async () => {
    const a = await readUpright(await readImageFixture('exif-orientation-3-rotate180.jpg'));
    const b = await readUpright(await readImageFixture('exif-orientation-6-rotate90cw.jpg'));
    expect([a.widthPx, a.heightPx, b.widthPx, b.heightPx]).toEqual([600, 450, 600, 450]);
    expect(meanAbsoluteDifference(a.pixels, b.pixels)).toBeLessThan(6);
    expect(hammingDistance(a.perceptualHash, b.perceptualHash)).toBeLessThanOrEqual(4);
  });

  it('converts CMYK through its ICC profile to 3-channel 8-bit sRGB, leaving the original untouched', async () => {
    const bytes = await readImageFixture('cmyk-with-icc-profile.jpg');
    const copy = Buffer.from(bytes);
    const image = await readUpright(bytes);
    expect([image.widthPx, image.heightPx, image.channels]).toEqual([500, 333, 3]);
    expect(image.pixels.length).toBe(500 * 333 * 3);
    expect(bytes.equals(copy)).toBe(true);
    const reference = await sharp(bytes).toColourspace('srgb').raw().toBuffer();
    expect(meanAbsoluteDifference(image.pixels, reference)).toBeLessThan(2);
  });

  it('converts a 16-bit PNG with transparency to 8-bit sRGB, keeping alpha', async () => {
    const image = await readUpright(await readImageFixture('png-16bit-rgb-trns.png'));
    expect([image.widthPx, image.heightPx, image.channels]).toEqual([32, 32, 4]);
    expect(image.pixels.length).toBe(32 * 32 * 4);
  });

  it('converts a wide-gamut (Display P3) photo to sRGB values', async () => {
    // sRGB (40, 200, 60) written as Display P3: the file holds other numbers and a P3 profile.
    const p3 = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 40, g: 200, b: 60 } } })
      .withIccProfile('p3')
      .png()
      .toBuffer();
    const stored = [...(await sharp(p3).keepIccProfile().raw().toBuffer()).subarray(0, 3)];
    expect(Math.abs((stored[0] ?? 0) - 40)).toBeGreaterThan(30);
    const image = await readUpright(p3);
    const [r, g, b] = [...image.pixels.subarray(0, 3)];
    expect([Math.abs((r ?? 0) - 40), Math.abs((g ?? 0) - 200), Math.abs((b ?? 0) - 60)].every((d) => d <= 2)).toBe(true);
  });

  it.each([
    ['animated-rotating-squares.gif', true],
    ['animated-rotating-squares.webp', true],
    ['avif-with-pitm-box.avif', false],
    ['progressive-40x27.jpg', false],
  ])('reads only the first frame of %s (animated: %s)', async (name, animated) => {
    const bytes = await readImageFixture(name);
    const image = await readUpright(bytes);
    expect(image.animated).toBe(animated);
    const first = await sharp(bytes).autoOrient().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    expect([image.widthPx, image.heightPx]).toEqual([first.info.width, first.info.height]);
    expect(image.pixels.length).toBe(first.info.width * first.info.height * image.channels);
  });

  it('keeps at most maxSidePx on the longest side', async () => {
    const image = await readUpright(await readImageFixture('photo-2725x2225-baseline.jpg'), { maxSidePx: 1000 });
    expect([image.widthPx, image.heightPx]).toEqual([1000, 817]);
  });

  it('rejects invalid options', async () => {
    await expect(readUpright(Buffer.alloc(1), { maxSidePx: 1 })).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('encodeVariants', () => {
  it('makes a WebP web variant ≤ 2048 px and a thumbnail ≤ 400 px by default', async () => {
    const bytes = await readImageFixture('photo-2725x2225-baseline.jpg');
    const variants = await encodeVariants(await readUpright(bytes));
    expect(variants.map((v) => [v.name, v.format, v.widthPx, v.heightPx])).toEqual([
      ['web', 'webp', 2048, 1672],
      ['thumb', 'webp', 400, 327],
    ]);
    for (const variant of variants) {
      const metadata = await sharp(variant.bytes).metadata();
      expect([metadata.format, metadata.width, metadata.height, metadata.space, metadata.depth]).toEqual([
        'webp',
        variant.widthPx,
        variant.heightPx,
        'srgb',
        'uchar',
      ]);
    }
  });

  it('never upscales a small photo', async () => {
    const variants = await encodeVariants(await readUpright(await readImageFixture('progressive-40x27.jpg')));
    expect(variants.map((v) => [v.widthPx, v.heightPx])).toEqual([
      [40, 27],
      [40, 27],
    ]);
  });

  it('makes upright variants without an orientation tag', async () => {
    const [web] = await encodeVariants(await readUpright(await readImageFixture('exif-orientation-6-rotate90cw.jpg')));
    const metadata = await sharp(web?.bytes).metadata();
    expect([metadata.width, metadata.height, metadata.orientation ?? 1]).toEqual([600, 450, 1]);
  });

  it('takes configured specs and rejects bad ones', async () => {
    const image = await readUpright(await readImageFixture('photo-2725x2225-baseline.jpg'), { maxSidePx: 800 });
    const [small] = await encodeVariants(image, [{ name: 'small', maxSidePx: 200, quality: 60 }]);
    expect([small?.name, small?.widthPx, small?.heightPx]).toEqual(['small', 200, 163]);
    await expect(encodeVariants(image, [{ name: 'Bad Name', maxSidePx: 200, quality: 60 }])).rejects.toBeInstanceOf(InvalidInputError);
    await expect(encodeVariants(image, [...DEFAULT_VARIANT_SPECS, { name: 'web', maxSidePx: 10, quality: 50 }])).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(variantFileName('ab'.repeat(32), 'thumb')).toBe(`${'ab'.repeat(32)}.thumb.webp`);
  });
});

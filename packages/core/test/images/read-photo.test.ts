import { describe, expect, it } from 'vitest';
import { decodePhoto, readPhoto, readUpright } from '../../src/images/index.js';
import { InvalidInputError } from '../../src/errors/index.js';
import { listHousePhotos, readHousePhoto, readImageFixture } from '../support/fixtures.js';

/** Real files of every kind the pipeline meets: orientations, CMYK, 16-bit with alpha, progressive, AVIF, animations, HDR gain map. */
const KINDS = [
  'photo-2725x2225-baseline.jpg',
  'exif-orientation-3-rotate180.jpg',
  'exif-orientation-6-rotate90cw.jpg',
  'cmyk-with-icc-profile.jpg',
  'png-16bit-rgb-trns.png',
  'progressive-40x27.jpg',
  'avif-with-pitm-box.avif',
  'animated-rotating-squares.gif',
  'animated-rotating-squares.webp',
  'ultrahdr-gain-map-mpf-3840x2160.jpg',
];

describe('readPhoto (one decode for validation, perceptual hash and variants)', () => {
  it.each(KINDS)('gives for %s what decodePhoto and readUpright give, pixel for pixel', async (name) => {
    const bytes = await readImageFixture(name);
    const [both, decoded, upright] = await Promise.all([
      readPhoto(bytes, { photo: name }),
      decodePhoto(bytes, { photo: name }),
      readUpright(bytes, { photo: name }),
    ]);
    expect(both.decoded).toEqual(decoded);
    const { pixels, ...shape } = both.upright;
    const { pixels: expectedPixels, ...expectedShape } = upright;
    expect(shape).toEqual(expectedShape);
    expect(pixels.equals(expectedPixels)).toBe(true);
  });

  it('gives the same hashes and sizes as the two steps for 40 real house photos', async () => {
    const names = (await listHousePhotos()).slice(0, 40);
    for (const name of names) {
      const bytes = await readHousePhoto(name);
      const both = await readPhoto(bytes, { maxSidePx: 400 });
      const upright = await readUpright(bytes, { maxSidePx: 400 });
      expect(both.decoded).toEqual(await decodePhoto(bytes));
      expect([both.upright.widthPx, both.upright.heightPx, both.upright.perceptualHash]).toEqual([
        upright.widthPx,
        upright.heightPx,
        upright.perceptualHash,
      ]);
    }
  });

  it('keeps at most maxSidePx, never upscaling', async () => {
    const large = await readPhoto(await readImageFixture('photo-2725x2225-baseline.jpg'), { maxSidePx: 300 });
    expect([large.upright.widthPx, large.upright.heightPx, large.decoded.widthPx]).toEqual([300, 245, 2725]);
    const small = await readPhoto(await readImageFixture('progressive-40x27.jpg'), { maxSidePx: 300 });
    expect([small.upright.widthPx, small.upright.heightPx]).toEqual([40, 27]);
  });

  it('rejects invalid options, listing every problem', async () => {
    const bytes = await readImageFixture('progressive-40x27.jpg');
    const error: unknown = await readPhoto(bytes, { maxPixels: -1, maxSidePx: 8 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['options.maxPixels', 'options.maxSidePx']);
  });
});

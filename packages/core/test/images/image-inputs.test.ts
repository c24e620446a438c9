import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { configureSharp, decodePhoto, encodeVariants, perceptualHashOf, readPhoto, readUpright } from '../../src/images/index.js';
import { readHousePhoto } from '../support/fixtures.js';

/** The InvalidInputError `call` throws or rejects with; anything else fails the test. */
async function invalidInput(call: () => unknown): Promise<InvalidInputError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

/** `path: message` of each issue of the InvalidInputError of `call`. */
async function rejection(call: () => unknown): Promise<{ readonly message: string; readonly issues: readonly string[] }> {
  const error = await invalidInput(call);
  return { message: error.message, issues: error.issues.map((i) => `${i.path}: ${i.message}`) };
}

/** Calls a function as plain JavaScript would, with any arguments. */
function untyped(fn: unknown): (...args: unknown[]) => unknown {
  return fn as (...args: unknown[]) => unknown;
}

describe('image functions called with the wrong arguments (plain JavaScript callers)', () => {
  it('decodePhoto, readPhoto and readUpright name bytes that are not a Buffer/Uint8Array, and unknown option keys', async () => {
    const jpeg = await readHousePhoto('house-012-bathroom.jpg');
    const arrayBuffer = jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.length);
    const bytes = "bytes: must be the photo's bytes (a Buffer or Uint8Array); got";
    for (const [name, fn] of [
      ['decodePhoto', decodePhoto],
      ['readPhoto', readPhoto],
      ['readUpright', readUpright],
    ] as const) {
      const call = untyped(fn);
      const ab = await rejection(() => call(arrayBuffer));
      expect(ab.issues).toEqual([`${bytes} an ArrayBuffer (wrap it: Buffer.from(arrayBuffer))`]);
      expect(ab.message).toMatch(new RegExp(`^Invalid ${name} arguments: `));
      expect((await rejection(() => call('hello'))).issues).toEqual([`${bytes} a string`]);
      expect((await rejection(() => call(null))).issues).toEqual([`${bytes} null`]);
      expect((await rejection(() => call())).issues).toEqual([`${bytes} nothing (undefined)`]);
      expect((await rejection(() => call(jpeg, { photo: 'x.jpg', bogus: 1 }))).issues).toEqual(['options: Unrecognized key: "bogus"']);
      expect((await rejection(() => call(jpeg, null))).issues).toEqual(['options: must be an options object or left out; got null']);
    }
    expect((await decodePhoto(new Uint8Array(jpeg), { photo: 'house-012-bathroom.jpg' })).format).toBe('jpeg');
  });

  it('encodeVariants names an image that is not an UprightImage', async () => {
    const call = untyped(encodeVariants);
    expect((await rejection(() => call({}))).issues).toEqual([
      'image.pixels: must be a Buffer of raw pixels',
      'image.widthPx: Invalid input: expected number, received undefined',
      'image.heightPx: Invalid input: expected number, received undefined',
      'image.channels: Invalid input',
    ]);
    expect((await rejection(() => call(null))).issues).toEqual(['image: must be an UprightImage from readUpright or readPhoto; got null']);
    const upright = await readUpright(await readHousePhoto('house-012-bathroom.jpg'), { maxSidePx: 64 });
    expect((await rejection(() => call({ ...upright, widthPx: upright.widthPx + 1 }))).issues).toEqual([
      'image.pixels: pixels must hold widthPx × heightPx × channels bytes',
    ]);
    expect((await encodeVariants(upright)).map((v) => v.format)).toEqual(['webp', 'webp']);
  });

  it('perceptualHashOf names pixels that are not 1024 bytes', async () => {
    expect((await rejection(() => perceptualHashOf(Buffer.from('abc')))).issues).toEqual([
      'pixels: must be 1024 bytes (a 32×32 greyscale image, row-major); got 3 bytes',
    ]);
    expect((await rejection(() => untyped(perceptualHashOf)('abc'))).issues).toEqual([
      'pixels: must be 1024 bytes (a 32×32 greyscale image, row-major); got a string',
    ]);
  });

  it('configureSharp refuses unknown keys and out-of-range values instead of clamping them silently', async () => {
    expect((await rejection(() => untyped(configureSharp)({ threads: -5 }))).issues).toEqual(['options: Unrecognized key: "threads"']);
    expect((await rejection(() => configureSharp({ concurrency: -5, cacheMb: 1.5 }))).issues.map((i) => i.split(':')[0])).toEqual([
      'options.concurrency',
      'options.cacheMb',
    ]);
  });
});

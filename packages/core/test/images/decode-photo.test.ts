import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_PHOTO_OPTIONS, decodePhoto, readPhoto } from '../../src/images/index.js';
import type { DecodePhotoOptions, DecodedPhoto } from '../../src/images/index.js';
import { InvalidImageError, InvalidInputError } from '../../src/errors/index.js';
import type { InvalidImageReason } from '../../src/errors/index.js';
import { listHousePhotos, readHousePhoto, readImageFixture } from '../support/fixtures.js';

/** Anything that validates a photo the way `decodePhoto` does: `decodePhoto` itself, and `readPhoto` (one decode for everything). */
type Decode = (bytes: Uint8Array, options?: DecodePhotoOptions) => Promise<DecodedPhoto>;

async function rejection(bytes: Uint8Array, photo = 'the-photo', decode: Decode = decodePhoto): Promise<InvalidImageError> {
  const error: unknown = await decode(bytes, { photo }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidImageError);
  return error as InvalidImageError;
}

describe('decodePhoto on valid files', () => {
  it('describes a baseline JPEG and hashes its original bytes', async () => {
    const bytes = await readImageFixture('photo-2725x2225-baseline.jpg');
    const photo = await decodePhoto(bytes, { photo: 'baseline' });
    expect(photo).toEqual({
      sha256: createHash('sha256').update(bytes).digest('hex'),
      format: 'jpeg',
      widthPx: 2725,
      heightPx: 2225,
      byteLength: bytes.length,
      extension: 'jpg',
      orientation: 1,
      pageCount: 1,
    });
  });

  it('reports upright dimensions for EXIF orientations 3 and 6 (the same picture)', async () => {
    const rotated180 = await decodePhoto(await readImageFixture('exif-orientation-3-rotate180.jpg'));
    const rotated90 = await decodePhoto(await readImageFixture('exif-orientation-6-rotate90cw.jpg'));
    expect([rotated180.widthPx, rotated180.heightPx, rotated180.orientation]).toEqual([600, 450, 3]);
    expect([rotated90.widthPx, rotated90.heightPx, rotated90.orientation]).toEqual([600, 450, 6]);
  });

  it.each([
    ['cmyk-with-icc-profile.jpg', 'jpeg', 'jpg', 500, 333],
    ['progressive-40x27.jpg', 'jpeg', 'jpg', 40, 27],
    ['ultrahdr-gain-map-mpf-3840x2160.jpg', 'jpeg', 'jpg', 3840, 2160],
    ['png-16bit-rgb-trns.png', 'png', 'png', 32, 32],
    ['photo-low-contrast-near-duplicate.jpg', 'jpeg', 'jpg', 300, 245],
  ])('accepts %s as %s', async (name, format, extension, widthPx, heightPx) => {
    const photo = await decodePhoto(await readImageFixture(name));
    expect(photo).toMatchObject({ format, extension, widthPx, heightPx, pageCount: 1 });
  });

  it('accepts an AVIF container, describing its primary image', async () => {
    const photo = await decodePhoto(await readImageFixture('avif-with-pitm-box.avif'));
    expect(photo).toMatchObject({ format: 'avif', extension: 'avif', widthPx: 1024, heightPx: 800, pageCount: 5 });
  });

  it.each([
    ['animated-rotating-squares.gif', 'gif', 30],
    ['animated-rotating-squares.webp', 'webp', 9],
  ])('accepts animated %s and counts its frames', async (name, format, pageCount) => {
    const photo = await decodePhoto(await readImageFixture(name));
    expect(photo).toMatchObject({ format, widthPx: 80, heightPx: 80, pageCount });
  });

  it('accepts every real house photo, and the two byte-identical ones hash alike', async () => {
    const names = await listHousePhotos();
    expect(names).toHaveLength(240);
    const hashes = new Map<string, string>();
    for (const name of names) {
      const photo = await decodePhoto(await readHousePhoto(name), { photo: name });
      expect(photo.format).toBe('jpeg');
      hashes.set(name, photo.sha256);
    }
    expect(hashes.get('house-012-bathroom.jpg')).toBe(hashes.get('house-012-bedroom.jpg'));
    expect(new Set(hashes.values()).size).toBe(239);
  });

  it('accepts a Uint8Array view into a larger buffer', async () => {
    const bytes = await readImageFixture('progressive-40x27.jpg');
    const padded = new Uint8Array(bytes.length + 10);
    padded.set(bytes, 5);
    const photo = await decodePhoto(padded.subarray(5, 5 + bytes.length));
    expect(photo.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
  });
});

describe.each<[string, Decode]>([
  ['decodePhoto', decodePhoto],
  ['readPhoto', async (bytes, options) => (await readPhoto(bytes, options)).decoded],
])('%s rejections', (_name, decode) => {
  it.each<[string, InvalidImageReason, RegExp]>([
    ['truncated-first-10000-bytes.jpg', 'truncated', /ends early/],
    ['corrupt-header-1024-bytes.jpg', 'corrupt', /unreadable header/],
    ['heic-small-valid.heic', 'unsupported-format', /heic is not accepted/],
    ['jpeg2000-codestream-misnamed.png', 'unsupported-format', /image\/j2c/],
    ['huge-20000x14000-gray.jpg', 'too-many-pixels', /20000×14000 = 280000000 pixels/],
    ['huge-65536x65536-1bit.png', 'too-many-pixels', /65536×65536/],
  ])('rejects %s as %s', async (name, reason, detail) => {
    const error = await rejection(await readImageFixture(name), name, decode);
    expect(error.reason).toBe(reason);
    expect(error.code).toBe('INVALID_IMAGE');
    expect(error.kind).toBe('permanent');
    expect(error.photo).toBe(name);
    expect(error.message).toContain(name);
    expect(error.message).toMatch(detail);
  });

  it('rejects empty bytes', async () => {
    expect((await rejection(new Uint8Array(0), 'the-photo', decode)).reason).toBe('empty');
  });

  it('rejects an HTML page served instead of a photo, quoting its start', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><head><title>Access to this page has been denied</title>');
    const error = await rejection(html, 'https://photos.example/x.jpg', decode);
    expect(error.reason).toBe('not-an-image');
    expect(error.message).toContain('https://photos.example/x.jpg');
    expect(error.message).toContain('<!DOCTYPE html>');
  });

  it('rejects random binary bytes as not an image', async () => {
    const error = await rejection(Buffer.from('00112233445566778899aabbccddeeff'.repeat(4), 'hex'), 'the-photo', decode);
    expect(error.reason).toBe('not-an-image');
    expect(error.message).toMatch(/starts with bytes 00112233/);
  });

  it.each([0.5, 0.9, 0.99])('rejects a real house photo cut at %d of its length as truncated', async (fraction) => {
    const bytes = await readHousePhoto('house-001-kitchen.jpg');
    const error = await rejection(bytes.subarray(0, Math.floor(bytes.length * fraction)), 'the-photo', decode);
    expect(error.reason).toBe('truncated');
  });

  it('rejects a real photo whose entropy-coded data was overwritten', async () => {
    const bytes = Buffer.from(await readHousePhoto('house-002-frontal.jpg'));
    bytes.fill(0xff, Math.floor(bytes.length * 0.5), Math.floor(bytes.length * 0.5) + 4000);
    const error = await rejection(bytes, 'the-photo', decode);
    expect(error.reason).toBe('corrupt');
    expect(error.message).toMatch(/Corrupt JPEG data/);
    await expect(decode(bytes, { rejectDecoderWarnings: false })).resolves.toMatchObject({ format: 'jpeg' });
  });

  it('applies a configurable pixel limit and byte limit', async () => {
    const bytes = await readImageFixture('photo-2725x2225-baseline.jpg');
    await expect(decode(bytes, { maxPixels: 1_000_000 })).rejects.toMatchObject({ reason: 'too-many-pixels' });
    await expect(decode(bytes, { maxBytes: 1000 })).rejects.toMatchObject({ reason: 'too-large' });
    expect(DEFAULT_DECODE_PHOTO_OPTIONS.maxPixels).toBe(100_000_000);
  });

  it('accepts only the configured formats', async () => {
    const png = await readImageFixture('png-16bit-rgb-trns.png');
    await expect(decode(png, { formats: ['jpeg'] })).rejects.toMatchObject({ reason: 'unsupported-format' });
  });

  it('rejects invalid options, listing every problem', async () => {
    const bytes = await readImageFixture('progressive-40x27.jpg');
    const error: unknown = await decode(bytes, { maxPixels: -1, formats: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['options.maxPixels', 'options.formats']);
  });
});

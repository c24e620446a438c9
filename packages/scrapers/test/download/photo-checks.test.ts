import { describe, expect, it } from 'vitest';
import { parseRetryAfterMs, sniffImageSignature, sourceOfPhotoHost } from '../../src/download/index.js';

const bytes = (...values: (number | string)[]): Uint8Array =>
  Uint8Array.from(values.flatMap((v) => (typeof v === 'number' ? [v] : [...v].map((c) => c.charCodeAt(0)))));

describe('sniffImageSignature', () => {
  it('recognises photos by their magic bytes', () => {
    expect(sniffImageSignature(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(sniffImageSignature(bytes(0x89, 'PNG\r\n\x1a\n'))).toBe('png');
    expect(sniffImageSignature(bytes('RIFF', 0, 0, 0, 0, 'WEBP'))).toBe('webp');
    expect(sniffImageSignature(bytes('GIF89a'))).toBe('gif');
    expect(sniffImageSignature(bytes(0, 0, 0, 0x1c, 'ftypavif'))).toBe('avif');
    expect(sniffImageSignature(bytes(0, 0, 0, 0x18, 'ftypheic'))).toBe('heif');
  });

  it('rejects HTML, JSON, text and nothing', () => {
    for (const text of ['<!DOCTYPE html>', '<html>', '{"error":1}', 'Not Found', '']) {
      expect(sniffImageSignature(bytes(text))).toBeNull();
    }
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(parseRetryAfterMs(null, now)).toBeNull();
  });
});

describe('sourceOfPhotoHost', () => {
  it('names the site of a photo host', () => {
    expect(sourceOfPhotoHost('photos.zillowstatic.com')).toBe('zillow');
    expect(sourceOfPhotoHost('ssl.cdn-redfin.com')).toBe('redfin');
    expect(sourceOfPhotoHost('example.com')).toBeNull();
  });
});

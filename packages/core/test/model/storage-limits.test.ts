import { describe, expect, it } from 'vitest';
import {
  InputTooLongError,
  InvalidInputError,
  MAX_ADDRESS_LENGTH,
  MAX_CAPTION_LENGTH,
  MAX_LISTING_URL_LENGTH,
  MAX_OUTCOME_FAILURES,
  MAX_PHOTO_DUPLICATES,
  MAX_PHOTO_SIGHTINGS,
  MAX_STORED_TEXT_LENGTH,
  MAX_STORED_TOKEN_LENGTH,
  MAX_STORED_URL_LENGTH,
  MORE_FAILURES_CODE,
  ZERO_OUTCOME_COUNTS,
  boundOutcome,
  boundPhotoObservation,
  parsePropertiesCsv,
  toContentHash,
  toPropertyId,
  truncateStoredText,
} from '../../src/index.js';
import type { PhotoObservation, PropertyOutcome } from '../../src/index.js';
import { mergeSighting, newPhotoRecord } from '../../src/photos/photo-record-merge.js';

const hash = (n: number) => toContentHash(n.toString(16).padStart(64, '0'));

function sighting(n: number, overrides: Partial<PhotoObservation> = {}): PhotoObservation {
  return {
    propertyId: toPropertyId('1 Main St'),
    sha256: hash(1),
    format: 'jpeg',
    widthPx: 1536,
    heightPx: 1024,
    byteLength: 345_678,
    fileName: `${hash(1)}.jpg`,
    location: `/data/images/1-main-st/${hash(1)}.jpg`,
    source: 'zillow',
    photoId: `photo-${n}`,
    url: `https://photos.test/${n}.jpg`,
    seenAt: new Date(n * 1000),
    jobId: null,
    etag: `"e${n}"`,
    ...overrides,
  };
}

describe('input caps: refused at the door with the field and the limit', () => {
  it('refuses an address one character over MAX_ADDRESS_LENGTH, accepts one at it', () => {
    const atLimit = `1 ${'a'.repeat(MAX_ADDRESS_LENGTH - 2)}`;
    expect(toPropertyId(atLimit)).toHaveLength(MAX_ADDRESS_LENGTH);
    const error: unknown = (() => {
      try {
        return toPropertyId(`${atLimit}b`);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InputTooLongError);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InputTooLongError).limits).toEqual([{ path: 'address', limit: 255, actual: 256, unit: 'characters' }]);
    expect((error as InputTooLongError).code).toBe('BAD_USER_INPUT');
    expect((error as Error).message).toBe('Invalid address: address: is 256 characters; at most 255 (shorten it)');
  });

  it('refuses a CSV row whose listing URL is over MAX_LISTING_URL_LENGTH, naming its line and column', () => {
    const url = `https://www.zillow.com/homedetails/${'x'.repeat(MAX_LISTING_URL_LENGTH)}/1_zpid/`;
    const error: unknown = (() => {
      try {
        return parsePropertiesCsv(`address,zillow_url\n"1 Main St",${url}\n`);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      { path: 'line 2', message: `zillow_url is ${url.length.toLocaleString('en-US')} characters; at most 2,048 (shorten it)` },
    ]);
  });
});

describe('texts a site or an error makes are cut', () => {
  it('truncateStoredText keeps short texts and cuts long ones to the limit, ending in …, never half a surrogate pair', () => {
    expect(truncateStoredText('short')).toBe('short');
    const cut = truncateStoredText('x'.repeat(MAX_STORED_TEXT_LENGTH + 1));
    expect(cut).toHaveLength(MAX_STORED_TEXT_LENGTH);
    expect(cut.endsWith('…')).toBe(true);
    const emoji = truncateStoredText(`ab${'😀'.repeat(10)}`, 6);
    expect(emoji).toBe('ab😀…');
  });

  it('boundOutcome keeps the first MAX_OUTCOME_FAILURES - 1 failures, counts the rest in one entry, and cuts every text', () => {
    const longMessage = 'm'.repeat(1_000_000);
    const outcome: PropertyOutcome = {
      propertyId: toPropertyId('1 Main St'),
      address: '1 Main St',
      status: 'failed',
      ...ZERO_OUTCOME_COUNTS,
      sourcesRead: [],
      fetchModes: [],
      skippedSources: [{ source: 'redfin', reason: longMessage }],
      failures: Array.from({ length: 10_000 }, (_, i) => ({
        source: 'zillow' as const,
        url: `https://photos.test/${'u'.repeat(10_000)}/${i}`,
        code: 'C'.repeat(1000),
        message: longMessage,
      })),
    };
    // Without the cap, the failures alone hold 10 GB of text: far over MongoDB's 16 MiB.
    const unboundedChars = outcome.failures.reduce((n, f) => n + f.message.length + (f.url?.length ?? 0) + f.code.length, 0);
    expect(unboundedChars).toBeGreaterThan(16 * 1024 * 1024);

    const stored = boundOutcome(outcome);
    expect(stored.failures).toHaveLength(MAX_OUTCOME_FAILURES);
    expect(stored.failures.at(-1)).toEqual({
      source: null,
      url: null,
      code: MORE_FAILURES_CODE,
      message: `9951 more failures of this property are not stored (an outcome keeps ${MAX_OUTCOME_FAILURES - 1})`,
    });
    for (const f of stored.failures) {
      expect(f.message.length).toBeLessThanOrEqual(MAX_STORED_TEXT_LENGTH);
      expect(f.url?.length ?? 0).toBeLessThanOrEqual(MAX_STORED_URL_LENGTH);
      expect(f.code.length).toBeLessThanOrEqual(MAX_STORED_TOKEN_LENGTH);
    }
    expect(stored.skippedSources[0]?.reason).toHaveLength(MAX_STORED_TEXT_LENGTH);
    expect(boundOutcome({ ...outcome, failures: outcome.failures.slice(0, MAX_OUTCOME_FAILURES) }).failures).toHaveLength(
      MAX_OUTCOME_FAILURES,
    );
  });

  it('boundPhotoObservation cuts a site URL, photo id, ETag and caption; leaves a normal sighting as it is', () => {
    const normal = sighting(1, { gallery: { position: 0, caption: 'Kitchen' } });
    expect(boundPhotoObservation(normal)).toBe(normal);
    const huge = sighting(1, {
      url: `https://photos.test/${'u'.repeat(100_000)}`,
      photoId: 'p'.repeat(10_000),
      etag: 'e'.repeat(10_000),
      gallery: { position: 3, caption: 'c'.repeat(100_000) },
    });
    const bounded = boundPhotoObservation(huge);
    expect([bounded.url.length, bounded.photoId.length, bounded.etag?.length, bounded.gallery?.caption?.length]).toEqual([
      MAX_STORED_URL_LENGTH,
      MAX_STORED_TOKEN_LENGTH,
      MAX_STORED_TOKEN_LENGTH,
      MAX_CAPTION_LENGTH,
    ]);
    expect(bounded.gallery?.position).toBe(3);
  });
});

describe('photo record lists that grow with every run keep their latest entries', () => {
  it('after 1,000 sightings under new ids, URLs and ETags, a record keeps the last MAX_PHOTO_SIGHTINGS of each', () => {
    let record = newPhotoRecord(sighting(0));
    for (let n = 1; n < 1000; n += 1) record = mergeSighting(record, sighting(n));
    expect(record.photoIds).toHaveLength(MAX_PHOTO_SIGHTINGS);
    expect(record.urls).toHaveLength(MAX_PHOTO_SIGHTINGS);
    expect(record.etags).toHaveLength(MAX_PHOTO_SIGHTINGS);
    expect(record.photoIds.at(-1)).toBe('photo-999');
    expect(record.photoIds[0]).toBe(`photo-${1000 - MAX_PHOTO_SIGHTINGS}`);
    // Sightings still merge: first and last seen span all 1,000.
    expect([record.firstSeenAt.getTime(), record.lastSeenAt.getTime()]).toEqual([0, 999_000]);
  });

  it('after 1,000 lesser versions of one picture, a record keeps the last MAX_PHOTO_DUPLICATES duplicates', () => {
    let record = newPhotoRecord(sighting(0));
    for (let n = 2; n < 1002; n += 1) {
      record = mergeSighting(record, sighting(n, { sha256: hash(n), widthPx: 100, heightPx: 66, byteLength: 1000, stored: false }));
    }
    expect(record.sha256).toBe(hash(1));
    expect(record.duplicates).toHaveLength(MAX_PHOTO_DUPLICATES);
    expect(record.duplicates.at(-1)?.sha256).toBe(hash(1001));
  });
});

import { describe, expect, it } from 'vitest';
import { BSON, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from 'mongodb';
import { MemoryPhotoRepository, ZERO_OUTCOME_COUNTS, boundPhotoObservation, toContentHash, toPropertyId } from '@phx/core';
import type { JobId, PhotoObservation, PropertyOutcome } from '@phx/core';
import { OUTCOME_TOO_LARGE_CODE, withinOutcomeBound } from '../../src/repository/job-property-store.js';
import { extractImagesJobSettingsSchema } from '../../src/worker/extract-images-settings.js';
import {
  documentBoundOf,
  isDocumentTooLargeError,
  MAX_DOCUMENT_BYTES,
  MAX_PROPERTY_LIST_DOCUMENT_BYTES,
  withJobId,
} from '../../src/repository/document-bounds.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';

/** A server error as the driver builds it from MongoDB's reply. */
const serverError = (code: number, codeName: string, errmsg: string): MongoServerError =>
  new MongoServerError({ ok: 0, code, codeName, errmsg });

describe('isDocumentTooLargeError: which refusals no retry can mend', () => {
  it('knows the ways MongoDB and the driver refuse a document over 16 MiB', () => {
    const refusals = [
      serverError(10334, 'BSONObjectTooLarge', 'BSONObj size: 17825792 (0x1100000) is invalid. Size must be between 0 and 16793600(16MB)'),
      serverError(2, 'BadValue', 'object to insert too large. size in bytes: 17825800, max size: 16777216'),
      serverError(17419, 'Location17419', 'Resulting document after update is larger than 16777216'),
      // The driver's own refusal, before sending (FerretDB announces a 16 MiB maxBsonObjectSize too).
      new MongoInvalidArgumentError('Document is larger than the maximum size 16777216'),
    ];
    expect(refusals.map(isDocumentTooLargeError)).toEqual([true, true, true, true]);
  });

  it('leaves every other failure to the usual retries', () => {
    const others = [
      serverError(11000, 'DuplicateKey', 'E11000 duplicate key error collection: phx.extraction_job_outcomes'),
      serverError(91, 'ShutdownInProgress', 'The server is in quiesce mode and will shut down'),
      new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed'),
      new Error('object to insert too large'),
      'too large',
    ];
    expect(others.map(isDocumentTooLargeError)).toEqual([false, false, false, false, false]);
  });
});

describe('documentBoundOf', () => {
  it('gives the property-list bound to the two collections holding property lists, the general one to every other', () => {
    expect(documentBoundOf('extraction_job_properties')).toBe(MAX_PROPERTY_LIST_DOCUMENT_BYTES);
    expect(documentBoundOf('extraction_schedules')).toBe(MAX_PROPERTY_LIST_DOCUMENT_BYTES);
    expect(documentBoundOf('extraction_jobs')).toBe(MAX_DOCUMENT_BYTES);
    expect(documentBoundOf('photos')).toBe(MAX_DOCUMENT_BYTES);
    expect(documentBoundOf(photoCollectionName('1-main-st'))).toBe(MAX_DOCUMENT_BYTES);
  });
});

describe('withinOutcomeBound: an outcome document that would still be over its bound is never sent as it is', () => {
  const outcome = (failures: number): PropertyOutcome => ({
    propertyId: toPropertyId('1 Main St'),
    address: '1 Main St',
    status: 'failed',
    ...ZERO_OUTCOME_COUNTS,
    failedImages: failures,
    sourcesRead: ['zillow'],
    fetchModes: [],
    skippedSources: [],
    failures: Array.from({ length: failures }, (_, i) => ({ source: 'zillow' as const, url: null, code: 'X', message: `failure ${i}` })),
  });

  it('keeps a document within the bound as it is', () => {
    const doc = { _id: 'j:0000000', propertyId: '1-main-st', outcome: outcome(3) };
    expect(withinOutcomeBound(doc, 10_000)).toBe(doc);
  });

  it('stores one over the bound without its lists, status and counts kept, and says why', () => {
    const doc = { _id: 'j:0000000', propertyId: '1-main-st', outcome: outcome(1000) };
    expect(BSON.calculateObjectSize(doc)).toBeGreaterThan(10_000);
    const stored = withinOutcomeBound(doc, 10_000);
    expect(BSON.calculateObjectSize(stored)).toBeLessThanOrEqual(10_000);
    expect(stored.outcome).toMatchObject({ status: 'failed', failedImages: 1000, sourcesRead: [], skippedSources: [] });
    expect(stored.outcome.failures).toEqual([
      expect.objectContaining({
        code: OUTCOME_TOO_LARGE_CODE,
        message: expect.stringMatching(/^the outcome of 1-main-st took \d+ bytes, over the 10000/),
      }),
    ]);
  });
});

describe('a worker name is stored with every job, run and tick it takes', () => {
  it('is at most 255 characters', () => {
    expect(extractImagesJobSettingsSchema.safeParse({ workerName: 'w'.repeat(255) }).success).toBe(true);
    const refused = extractImagesJobSettingsSchema.safeParse({ workerName: 'w'.repeat(256) });
    expect(refused.error?.issues.map((i) => i.message)).toEqual([
      'a worker name is at most 255 characters (it is stored with every job and run it takes)',
    ]);
  });
});

describe("withJobId: a photo record's job list keeps its creator and its latest jobs", () => {
  it('adds a job once, and past the cap keeps the first job and the latest ones', () => {
    expect(withJobId(['a', 'b'], 'b')).toEqual(['a', 'b']);
    expect(withJobId(['a', 'b'], null)).toEqual(['a', 'b']);
    let ids: readonly string[] = [];
    for (let run = 0; run < 365; run += 1) ids = withJobId(ids, `job-${run}`, 20);
    expect(ids).toHaveLength(20);
    expect(ids[0]).toBe('job-0');
    expect(ids.slice(1)).toEqual(Array.from({ length: 19 }, (_, i) => `job-${346 + i}`));
  });
});

describe('a photo record seen by a nightly schedule for a year stays within MAX_DOCUMENT_BYTES', () => {
  it("with core's caps (sighting texts cut, last 20 ids, URLs, ETags, duplicates) and withJobId, whatever the site sends", async () => {
    const propertyId = toPropertyId(`1 ${'a'.repeat(250)}`);
    const hash = (n: number) => toContentHash(n.toString(16).padStart(64, '0'));
    const variants = ['web', 'thumb', 'small'].map((name) => ({
      ...{ name, fileName: `${hash(1)}.${name}.webp`, location: `/data/images/${propertyId}/${hash(1)}.${name}.webp` },
      ...{ format: 'webp', widthPx: 1024, heightPx: 768, byteLength: 100_000 },
    }));
    const sighting = (run: number, sha256 = hash(1), lesser = false): PhotoObservation => ({
      ...{ propertyId, sha256, format: 'jpeg', fileName: `${sha256}.jpg`, location: `/data/images/${propertyId}/${sha256}.jpg` },
      ...{ widthPx: lesser ? 100 : 4000, heightPx: lesser ? 66 : 3000, byteLength: lesser ? 1000 : 3_000_000, variants },
      // A site that signs its photo URLs anew on every visit, with its longest ids, ETags and captions.
      ...{
        source: run % 2 === 0 ? 'zillow' : 'redfin',
        photoId: `${run}${'€'.repeat(5000)}`,
        url: `https://p.test/${run}/${'€'.repeat(50_000)}`,
      },
      ...{ seenAt: new Date(run * 86_400_000), jobId: `job-${run}` as JobId, etag: `${run}${'€'.repeat(5000)}` },
      gallery: { position: run, caption: `${run}${'€'.repeat(50_000)}` },
    });
    const photos = new MemoryPhotoRepository();
    let jobIds: readonly string[] = [];
    let unboundedBytes = 0;
    for (let run = 0; run < 365; run += 1) {
      const o = sighting(run);
      await photos.recordPhoto(boundPhotoObservation(o));
      // A lesser copy of the picture each night (a site that re-encodes it).
      await photos.recordPhoto(boundPhotoObservation({ ...sighting(run, hash(run + 2), true), sameAs: hash(1), stored: false }));
      jobIds = withJobId(jobIds, o.jobId);
      unboundedBytes += BSON.calculateObjectSize({ url: o.url, photoId: o.photoId, etag: o.etag, jobId: o.jobId });
    }
    const [record] = await photos.listPhotos(propertyId);
    const bytes = BSON.calculateObjectSize({ ...record, jobIds, revision: 730 });
    process.stdout.write(`photo record after 365 runs: ${bytes} B (the sightings alone, uncut: ${unboundedBytes} B)\n`);
    expect(record?.duplicates).toHaveLength(20);
    expect(unboundedBytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(bytes).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES);
    expect(bytes).toBeLessThan(256 * 1024);
  });
});

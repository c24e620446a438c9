import { describe, expect, it } from 'vitest';
import { BSON, MongoInvalidArgumentError, MongoNetworkError, MongoServerError } from 'mongodb';
import { ZERO_OUTCOME_COUNTS, toPropertyId } from '@phx/core';
import type { PropertyOutcome } from '@phx/core';
import { OUTCOME_TOO_LARGE_CODE, withinOutcomeBound } from '../../src/repository/job-property-store.js';
import { extractImagesJobSettingsSchema } from '../../src/worker/extract-images-settings.js';
import {
  documentBoundOf,
  isDocumentTooLargeError,
  MAX_DOCUMENT_BYTES,
  MAX_PROPERTY_LIST_DOCUMENT_BYTES,
} from '../../src/repository/document-bounds.js';

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

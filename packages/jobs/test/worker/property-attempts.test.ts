import { describe, expect, it } from 'vitest';
import { ZERO_OUTCOME_COUNTS, toContentHash, toPropertyId } from '@phx/core';
import type { ExtractionFailure, PropertyOutcome } from '@phx/core';
import { AttemptSightings, isRetryableOutcome } from '../../src/worker/property-attempts.js';

const propertyId = toPropertyId('1 Test Rd');
const hash = (c: string) => toContentHash(c.repeat(64));

function outcome(failures: ExtractionFailure[], status: 'completed' | 'failed' = 'failed'): PropertyOutcome {
  return {
    propertyId,
    address: '1 Test Rd',
    status,
    ...{ ...ZERO_OUTCOME_COUNTS, photosFound: 4, sourcesRead: [], fetchModes: [], skippedSources: [] },
    failures,
  };
}
const failure = (code: string, kind?: ExtractionFailure['kind']): ExtractionFailure => ({
  source: 'zillow',
  url: null,
  code,
  message: code,
  ...(kind === undefined ? {} : { kind }),
});

describe('isRetryableOutcome', () => {
  it('retries transient and unclassified failures, never permanent, blocked or derived-only ones, nor a completed property', () => {
    expect(isRetryableOutcome(outcome([failure('NAVIGATION_FAILED', 'transient')]))).toBe(true);
    expect(isRetryableOutcome(outcome([failure('MongoNetworkError')]))).toBe(true);
    expect(isRetryableOutcome(outcome([failure('DOWNLOAD_FAILED', 'transient'), failure('ALL_PHOTOS_FAILED')]))).toBe(true);
    expect(isRetryableOutcome(outcome([failure('LISTING_REMOVED', 'permanent')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('INVALID_IMAGE', 'permanent'), failure('ALL_PHOTOS_FAILED')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('NO_PHOTOS')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('NOT_FOUND')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('NO_LISTING')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('BOT_WALL', 'blocked'), failure('NAVIGATION_FAILED', 'transient')]))).toBe(false);
    expect(isRetryableOutcome(outcome([failure('DOWNLOAD_FAILED', 'transient')], 'completed'))).toBe(false);
  });
});

describe('AttemptSightings.recount', () => {
  it('counts photos of records this job created as a clean run would: new once, then duplicate; others as seen', () => {
    const sightings = new AttemptSightings();
    const [a, b, c, d, aCopy] = [hash('a'), hash('b'), hash('c'), hash('d'), hash('e')];
    // a and b were stored by an earlier attempt of this job (seen now as known), c is new now, d predates the job.
    sightings.observe({ type: 'photo-unchanged', propertyId, source: 'zillow', photoId: 'z1', sha256: a });
    sightings.observe({ type: 'photo-unchanged', propertyId, source: 'zillow', photoId: 'z2', sha256: b });
    sightings.observe({ type: 'photo-stored', propertyId, source: 'zillow', photoId: 'z3', sha256: c, created: true });
    sightings.observe({ type: 'photo-unchanged', propertyId, source: 'zillow', photoId: 'z4', sha256: d });
    sightings.observe({ type: 'photo-stored', propertyId, source: 'redfin', photoId: 'r1', sha256: aCopy, created: false });
    sightings.observe({ type: 'property-started', propertyId, address: '1 Test Rd' });
    const createdByJob = new Map([
      [a, a],
      [aCopy, a],
      [b, b],
      [c, c],
    ]);
    const recounted = sightings.recount(outcome([], 'completed'), createdByJob);
    expect(recounted).toMatchObject({ status: 'completed', newImages: 3, duplicateImages: 1, unchangedImages: 1, photosFound: 4 });
  });

  it('keeps an attempt that saw nothing of the job’s records as it was', () => {
    const sightings = new AttemptSightings();
    sightings.observe({ type: 'photo-stored', propertyId, source: 'zillow', photoId: 'z1', sha256: hash('f'), created: false });
    sightings.observe({ type: 'photo-unchanged', propertyId, source: 'zillow', photoId: 'z2', sha256: hash('a') });
    expect(sightings.recount(outcome([], 'completed'), new Map())).toMatchObject({ newImages: 0, duplicateImages: 1, unchangedImages: 1 });
  });
});

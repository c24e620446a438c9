import { describe, expect, it } from 'vitest';
import { toContentHash } from '@phx/core';
import type { ExtractionEvent } from '@phx/core';
import { JobProgressState } from '../../src/jobs/job-progress-state.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { sampleJob, sampleOutcome } from '../support/sample-jobs.js';

const stored = (over: Partial<StoredExtractionJob> = {}): StoredExtractionJob => ({
  ...sampleJob(3),
  version: 1,
  cancelRequestedAt: null,
  runNumber: 0,
  workerName: null,
  unchangedImages: 0,
  removedImages: 0,
  ...over,
});

const photoStored = (job: StoredExtractionJob, i: number, created: boolean): ExtractionEvent => ({
  type: 'photo-stored',
  propertyId: job.properties[i]!.id,
  source: 'zillow',
  photoId: `p${i}`,
  sha256: toContentHash('a'.repeat(64)),
  created,
});

describe('JobProgressState', () => {
  it('folds events into counters and outcomes, listing failed properties in job order', () => {
    const job = stored();
    const state = new JobProgressState(job);
    state.apply(photoStored(job, 0, true));
    state.apply(photoStored(job, 0, false));
    expect(state.live()).toMatchObject({ totalProperties: 3, totalImages: 2, newImages: 1, duplicateImages: 1 });
    expect(state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[2]!, 'failed') })).toBe(true);
    expect(state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[1]!, 'failed') })).toBe(true);
    expect(state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[1]!, 'failed') })).toBe(false);
    const live = state.live();
    expect(live).toMatchObject({ failedProperties: 2, completedProperties: 0 });
    expect(live.failedPropertiesList).toEqual([job.properties[1]!.address, job.properties[2]!.address]);
    expect(live.propertyOutcomes.map((o) => o.propertyId)).toEqual([job.properties[2]!.id, job.properties[1]!.id]);
    expect(state.anyCompleted).toBe(false);
  });

  it('resumes from the finished outcomes, dropping the counts of unfinished properties', () => {
    const job0 = stored();
    const done = sampleOutcome(job0.properties[0]!, 'completed', 5);
    const job = stored({ propertyOutcomes: [done], totalImages: 9, newImages: 9, completedProperties: 1 });
    const state = new JobProgressState(job);
    expect(state.finishedPropertyIds).toEqual([done.propertyId]);
    expect(state.live()).toMatchObject({ completedProperties: 1, totalImages: 5, newImages: 5 });
    state.apply(photoStored(job, 1, true));
    expect(state.live().totalImages).toBe(6);
    expect(state.settled()).toMatchObject({ completedProperties: 1, totalImages: 5, newImages: 5 });
    expect(state.anyCompleted).toBe(true);
  });

  it('counts unchanged and removed photos live and, on resume, from the finished outcomes', () => {
    const job0 = stored();
    const done = { ...sampleOutcome(job0.properties[0]!, 'completed', 2), unchangedImages: 7, removedImages: 1 };
    const state = new JobProgressState(stored({ propertyOutcomes: [done] }));
    expect(state.live()).toMatchObject({ unchangedImages: 7, removedImages: 1 });
    const propertyId = job0.properties[1]!.id;
    state.apply({ type: 'photo-unchanged', propertyId, source: 'redfin', photoId: 'r1', sha256: toContentHash('b'.repeat(64)) });
    state.apply({ type: 'photos-removed', propertyId, count: 3 });
    expect(state.live()).toMatchObject({ unchangedImages: 8, removedImages: 4 });
    expect(state.settled()).toMatchObject({ unchangedImages: 7, removedImages: 1 });
  });
});

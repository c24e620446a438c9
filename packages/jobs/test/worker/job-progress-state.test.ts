import { describe, expect, it } from 'vitest';
import { countOutcomes, pickCounters, toContentHash } from '@phx/core';
import type { ExtractionCounters, ExtractionEvent, PropertyOutcome } from '@phx/core';
import { JobProgressState } from '../../src/worker/job-progress-state.js';
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
  partialProperties: 0,
  deferredProperties: 0,
  placeholderImages: 0,
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

  it('resumes with the properties an earlier run deferred unfinished: kept and counted until redone, then replaced', () => {
    const job0 = stored();
    const done = { ...sampleOutcome(job0.properties[0]!, 'completed', 5), placeholderImages: 2 };
    const retryAt = new Date('2026-12-06T13:00:00.000Z');
    const deferred = { ...sampleOutcome(job0.properties[1]!, 'failed'), status: 'deferred' as const, retryAt };
    const job = stored({ propertyOutcomes: [done, deferred], completedProperties: 1, deferredProperties: 1, totalImages: 5, newImages: 5 });
    const state = new JobProgressState(job);
    expect(state.finishedPropertyIds).toEqual([done.propertyId]);
    expect([...state.carriedDeferrals.values()]).toEqual([deferred]);
    expect(state.live()).toMatchObject({ completedProperties: 1, deferredProperties: 1, placeholderImages: 2, failedPropertiesList: [] });
    expect(state.live().propertyOutcomes).toEqual([done, deferred]);
    state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[1]!, 'completed', 4) });
    expect(state.carriedDeferrals.size).toBe(0);
    expect(state.settled()).toMatchObject({ completedProperties: 2, deferredProperties: 0, newImages: 9, placeholderImages: 2 });
    expect(state.settled().propertyOutcomes.map((o) => [o.propertyId, o.status])).toEqual([
      [done.propertyId, 'completed'],
      [deferred.propertyId, 'completed'],
    ]);
  });

  it('resumes from the finished outcomes, settling without the counts of unfinished properties (live keeps what was shown)', () => {
    const job0 = stored();
    const done = sampleOutcome(job0.properties[0]!, 'completed', 5);
    const job = stored({ propertyOutcomes: [done], totalImages: 9, newImages: 9, completedProperties: 1 });
    const state = new JobProgressState(job);
    expect(state.finishedPropertyIds).toEqual([done.propertyId]);
    expect(state.live()).toMatchObject({ completedProperties: 1, totalImages: 9, newImages: 9 });
    state.apply(photoStored(job, 1, true));
    expect(state.live().totalImages).toBe(9);
    for (let i = 0; i < 4; i += 1) state.apply(photoStored(job, 1, true));
    expect(state.live().totalImages).toBe(10);
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

  it('keeps running totals equal to a recount of every outcome over 20,000 properties, each progress keeping the outcomes of its time', () => {
    const job = stored({ ...sampleJob(20_000), propertyOutcomes: [] });
    const state = new JobProgressState(job);
    const outcomes: PropertyOutcome[] = [];
    let early = state.live();
    for (const [i, property] of job.properties.entries()) {
      const outcome = sampleOutcome(property, i % 7 === 0 ? 'failed' : 'completed', i % 5);
      outcomes.push(outcome);
      state.apply({ type: 'property-finished', outcome });
      const live = state.live();
      if (i === 9) early = live;
      if (i % 4_999 === 0) expect(pickCounters(live)).toEqual(countOutcomes(outcomes, 20_000, false));
    }
    expect(pickCounters(state.settled())).toEqual(countOutcomes(outcomes, 20_000, false));
    expect(early.propertyOutcomes).toHaveLength(10);
    expect(early.failedPropertiesList).toEqual([job.properties[0]!.address, job.properties[7]!.address]);
    expect(state.settled().failedPropertiesList).toHaveLength(Math.ceil(20_000 / 7));
  });
});

const COUNTERS = [
  'completedProperties',
  'failedProperties',
  'totalImages',
  'newImages',
  'duplicateImages',
  'failedImages',
  'unchangedImages',
  'removedImages',
] as const;

/** The counters that went down from one live snapshot to the next. */
function decreases(snapshots: readonly ExtractionCounters[]): string[] {
  const found: string[] = [];
  for (let i = 1; i < snapshots.length; i += 1) {
    for (const k of COUNTERS) {
      const before = snapshots[i - 1]![k] ?? 0;
      const after = snapshots[i]![k] ?? 0;
      if (after < before) found.push(`${k} ${before} -> ${after} at snapshot ${i}`);
    }
  }
  return found;
}

describe('JobProgressState live counters never go down while the job runs', () => {
  const unchanged = (job: StoredExtractionJob, i: number, n: number): ExtractionEvent => ({
    type: 'photo-unchanged',
    propertyId: job.properties[i]!.id,
    source: 'zillow',
    photoId: `u${n}`,
    sha256: toContentHash(String(n).padStart(64, 'c')),
  });

  it('a resumed run starts from the counters the job shows (a killed run wrote photos of unfinished properties)', () => {
    const job0 = stored();
    const done = sampleOutcome(job0.properties[0]!, 'completed', 5);
    // The killed run's last write: property 0 done (5), property 1 half done (50 more photos).
    const job = stored({ propertyOutcomes: [done], completedProperties: 1, totalImages: 55, newImages: 55 });
    const state = new JobProgressState(job);
    const snapshots: ExtractionCounters[] = [job, state.live()];
    state.apply({ type: 'property-started', propertyId: job.properties[1]!.id, address: job.properties[1]!.address });
    snapshots.push(state.live());
    state.apply(photoStored(job, 1, true));
    snapshots.push(state.live());
    expect(decreases(snapshots)).toEqual([]);
    // What a resumed run settles on stays the finished outcomes.
    expect(state.settled()).toMatchObject({ totalImages: 5, newImages: 5 });
  });

  it('a retried attempt does not take back the counts of the attempt before it until it passes them', () => {
    const job = stored();
    const state = new JobProgressState(job);
    const p = job.properties[0]!;
    const snapshots: ExtractionCounters[] = [state.live()];
    state.apply({ type: 'property-started', propertyId: p.id, address: p.address });
    for (let n = 0; n < 3; n += 1) {
      state.apply(unchanged(job, 0, n));
      snapshots.push(state.live());
    }
    // Attempt 2 (a transient failure, or a database outage): starts from nothing.
    state.apply({ type: 'property-started', propertyId: p.id, address: p.address });
    snapshots.push(state.live());
    for (let n = 0; n < 4; n += 1) {
      state.apply(unchanged(job, 0, n));
      snapshots.push(state.live());
    }
    expect(decreases(snapshots)).toEqual([]);
    expect(state.live().unchangedImages).toBe(4);
  });

  it('a redone property whose outcome recounts its photos (unchanged -> new) keeps the live counters from going down', () => {
    const job = stored();
    const state = new JobProgressState(job);
    const p = job.properties[0]!;
    const snapshots: ExtractionCounters[] = [state.live()];
    state.apply({ type: 'property-started', propertyId: p.id, address: p.address });
    for (let n = 0; n < 2; n += 1) {
      state.apply(unchanged(job, 0, n));
      snapshots.push(state.live());
    }
    // The census recounts the 2 "unchanged" photos as new: records this job stored in an earlier attempt.
    state.apply({ type: 'property-finished', outcome: { ...sampleOutcome(p, 'completed', 2), unchangedImages: 0 } });
    snapshots.push(state.live());
    expect(decreases(snapshots)).toEqual([]);
    expect(state.live()).toMatchObject({ completedProperties: 1, newImages: 2, unchangedImages: 2 });
    // The end of the run counts by the outcomes.
    expect(state.settled()).toMatchObject({ completedProperties: 1, newImages: 2, unchangedImages: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { countOutcomes, pickCounters, toContentHash } from '@phx/core';
import type { ExtractionCounters, ExtractionEvent, Property, PropertyOutcome } from '@phx/core';
import { JobProgressState } from '../../src/worker/job-progress-state.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import type { IndexedOutcome } from '../../src/repository/job-property-store.js';
import { sampleJob, sampleOutcome } from '../support/sample-jobs.js';

/** A stored job with the properties it was created with (the store's list). */
type TestJob = StoredExtractionJob & { readonly properties: readonly Property[] };

const stored = (over: Partial<TestJob> = {}): TestJob => ({
  ...sampleJob(3),
  version: 1,
  cancelRequestedAt: null,
  runNumber: 0,
  workerName: null,
  catalogSelection: null,
  propertiesListed: true,
  unchangedImages: 0,
  removedImages: 0,
  partialProperties: 0,
  deferredProperties: 0,
  placeholderImages: 0,
  ...over,
});

const photoStored = (job: TestJob, i: number, created: boolean): ExtractionEvent => ({
  type: 'photo-stored',
  propertyId: job.properties[i]!.id,
  source: 'zillow',
  photoId: `p${i}`,
  sha256: toContentHash('a'.repeat(64)),
  created,
});

/** A state over a job whose earlier runs stored `outcomes`, every property's position noted as the worker does. */
function stateOf(job: TestJob, outcomes: readonly PropertyOutcome[] = [], lastShown: ExtractionCounters | null = null): JobProgressState {
  const index = new Map(job.properties.map((p, i) => [p.id, i]));
  const indexed: IndexedOutcome[] = outcomes.map((outcome) => ({ index: index.get(outcome.propertyId) ?? -1, outcome }));
  const state = new JobProgressState(job, indexed, lastShown);
  job.properties.forEach((p, i) => state.track(p.id, i));
  return state;
}

describe('JobProgressState', () => {
  it('folds events into counters, listing failed properties in job order, and hands each finished outcome with its position', () => {
    const job = stored();
    const state = stateOf(job);
    state.apply(photoStored(job, 0, true));
    state.apply(photoStored(job, 0, false));
    expect(state.live()).toMatchObject({ totalProperties: 3, totalImages: 2, newImages: 1, duplicateImages: 1 });
    const third = sampleOutcome(job.properties[2]!, 'failed');
    expect(state.apply({ type: 'property-finished', outcome: third })).toEqual({ index: 2, outcome: third });
    expect(state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[1]!, 'failed') })?.index).toBe(1);
    expect(state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[1]!, 'failed') })).toBeNull();
    const live = state.live();
    expect(live).toMatchObject({ failedProperties: 2, completedProperties: 0 });
    expect(live.failedPropertiesList).toEqual([job.properties[1]!.address, job.properties[2]!.address]);
    // The first failed in the job's order, not in finishing order.
    expect([state.failedPropertyCount, state.finishedCount, state.firstFailedOutcome?.propertyId]).toEqual([2, 2, job.properties[1]!.id]);
    expect(state.anyCompleted).toBe(false);
  });

  it('refuses an outcome whose property has no position (its stored outcome would be keyed by a guess)', () => {
    const job = stored();
    const state = new JobProgressState(job, []);
    expect(() => state.apply({ type: 'property-finished', outcome: sampleOutcome(job.properties[0]!, 'completed') })).toThrow(
      /finished without a position/,
    );
  });

  it('resumes with the properties an earlier run deferred unfinished: kept and counted until redone, then replaced', () => {
    const job0 = stored();
    const done = { ...sampleOutcome(job0.properties[0]!, 'completed', 5), placeholderImages: 2 };
    const retryAt = new Date('2026-12-06T13:00:00.000Z');
    const deferred = { ...sampleOutcome(job0.properties[1]!, 'failed'), status: 'deferred' as const, retryAt };
    const job = stored({ completedProperties: 1, deferredProperties: 1, totalImages: 5, newImages: 5 });
    const state = stateOf(job, [done, deferred]);
    expect([...state.finishedPropertyIds]).toEqual([done.propertyId]);
    expect([...state.carriedDeferrals.values()]).toEqual([deferred]);
    expect(state.live()).toMatchObject({ completedProperties: 1, deferredProperties: 1, placeholderImages: 2, failedPropertiesList: [] });
    const redone = sampleOutcome(job.properties[1]!, 'completed', 4);
    expect(state.apply({ type: 'property-finished', outcome: redone })).toEqual({ index: 1, outcome: redone });
    expect(state.carriedDeferrals.size).toBe(0);
    expect(state.settled()).toMatchObject({ completedProperties: 2, deferredProperties: 0, newImages: 9, placeholderImages: 2 });
  });

  it('resumes from the finished outcomes, settling without the counts of unfinished properties (live keeps what was shown)', () => {
    const job0 = stored();
    const done = sampleOutcome(job0.properties[0]!, 'completed', 5);
    const job = stored({ totalImages: 9, newImages: 9, completedProperties: 1 });
    const state = stateOf(job, [done]);
    expect([...state.finishedPropertyIds]).toEqual([done.propertyId]);
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
    const state = stateOf(stored(), [done]);
    expect(state.live()).toMatchObject({ unchangedImages: 7, removedImages: 1 });
    const propertyId = job0.properties[1]!.id;
    state.apply({ type: 'photo-unchanged', propertyId, source: 'redfin', photoId: 'r1', sha256: toContentHash('b'.repeat(64)) });
    state.apply({ type: 'photos-removed', propertyId, count: 3 });
    expect(state.live()).toMatchObject({ unchangedImages: 8, removedImages: 4 });
    expect(state.settled()).toMatchObject({ unchangedImages: 7, removedImages: 1 });
  });

  it('keeps running totals equal to a recount of every outcome over 20,000 properties, and the failed list to its first 100', () => {
    const job = stored({ ...sampleJob(20_000) });
    const state = stateOf(job);
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
    expect(early.failedPropertiesList).toEqual([job.properties[0]!.address, job.properties[7]!.address]);
    expect(state.settled().failedProperties).toBe(Math.ceil(20_000 / 7));
    expect(state.settled().failedPropertiesList).toEqual(Array.from({ length: 100 }, (_, k) => job.properties[k * 7]!.address));
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
  const unchanged = (job: TestJob, i: number, n: number): ExtractionEvent => ({
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
    const job = stored({ completedProperties: 1, totalImages: 55, newImages: 55 });
    const state = stateOf(job, [done]);
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
    const state = stateOf(job);
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
    const state = stateOf(job);
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

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import type { Property, PropertyOutcome } from '@phx/core';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import { JOB_EVENTS_COLLECTION } from '../../src/progress/job-event.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import type { JobService } from '../../src/service/job-service.js';
import { EXTRACT_IMAGES_JOB } from '../../src/agenda/job-payloads.js';
import { collect, waitFor } from '../support/collect.js';
import { startApi, startWorker, testProperty, withWorker } from '../support/job-harness.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';
import { findPhotoDocuments } from '../../src/repository/photo-partitions.js';

/**
 * Per property: Zillow 8 photos, Redfin 5 of which 1 is Zillow's again: 13 seen, 12 new, 1 duplicate.
 * (Property 12 is never used: two photos of fixture house 12 are the same bytes.)
 */
const PER_PROPERTY = { seen: 13, new: 12, duplicate: 1 };

/** The end of a run stopped by `JOB_TIMEOUT` (1 s here) before its first property finished. */
const STUCK_SINCE_START =
  /^stopped by JOB_TIMEOUT: no property finished for [\d.]+ s since the run started \(JOB_TIMEOUT allows 1 s without progress\)/;

/** The counters the finished rows of a job add up to. */
function rowTotals(outcomes: readonly PropertyOutcome[]) {
  const sum = (pick: (o: PropertyOutcome) => number | undefined) => outcomes.reduce((n, o) => n + (pick(o) ?? 0), 0);
  return {
    completedProperties: outcomes.filter((o) => o.status === 'completed').length,
    totalImages: sum((o) => o.newImages + o.duplicateImages),
    newImages: sum((o) => o.newImages),
    duplicateImages: sum((o) => o.duplicateImages),
    failedImages: sum((o) => o.failedImages),
    unchangedImages: sum((o) => o.unchangedImages),
  };
}

describe('extract-images job on a real Agenda and MongoDB', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let feed: JobProgressFeed;

  beforeAll(async () => {
    tdb = await openTestDatabase('extract');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
  });
  afterAll(async () => {
    feed.close();
    await apiAgenda.stop(false);
    await tdb.close();
  });

  const storedPhotoCount = async (properties: readonly Property[]): Promise<number> =>
    (await findPhotoDocuments(tdb.db, { propertyId: { $in: properties.map((p) => p.id) } })).length;

  it('completes a job and writes its counters while it runs', async () => {
    await withWorker(startWorker(tdb.db, { name: 'w-complete', photoDelayMs: 40, photoConcurrency: 1 }), async (w) => {
      const properties = [1, 2, 3].map(testProperty);
      const job = await service.enqueueExtraction({ properties });
      const snapshots = await collect(feed.watch(job.id), 30_000);
      const final = snapshots.at(-1);
      expect(final).toMatchObject({
        status: 'completed',
        errorMessage: null,
        totalProperties: 3,
        completedProperties: 3,
        failedProperties: 0,
        totalImages: 3 * PER_PROPERTY.seen,
        newImages: 3 * PER_PROPERTY.new,
        duplicateImages: 3 * PER_PROPERTY.duplicate,
        failedImages: 0,
        failedPropertiesList: [],
        runNumber: 1,
        workerName: 'w-complete',
      });
      expect(final?.startedAt).toBeInstanceOf(Date);
      expect(final?.completedAt?.getTime()).toBeGreaterThanOrEqual(final?.startedAt?.getTime() ?? Infinity);
      expect((await outcomesOf(tdb.db, final!.id)).map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
      const versions = snapshots.map((s) => s.version);
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(new Set(versions).size).toBe(versions.length);
      const running = snapshots.filter((s) => s.status === 'in_progress');
      // Counters were written in the middle of a property, not only at its end.
      expect(running.some((s) => s.completedProperties === 0 && s.totalImages > 0)).toBe(true);
      expect(new Set(running.map((s) => s.totalImages)).size).toBeGreaterThan(3);
      expect(await storedPhotoCount(properties)).toBe(3 * PER_PROPERTY.new);
      for (const p of properties) {
        const files = await readdir(join(w.imagesDir, p.id));
        // Each original has a web and a thumbnail WebP variant next to it, and the property its manifest.
        expect(files).toContain('manifest.json');
        expect(files.filter((f) => !f.endsWith('.webp') && f !== 'manifest.json')).toHaveLength(PER_PROPERTY.new);
        expect(files).toHaveLength(3 * PER_PROPERTY.new + 1);
        const records = await service.listPhotos(p.id);
        expect(records).toHaveLength(PER_PROPERTY.new);
        expect(records.filter((r) => r.sources.length === 2)).toHaveLength(1);
      }
    });
  });

  it('fails a job whose every property failed, naming them', async () => {
    const properties = [4, 5].map(testProperty);
    const failing = new Set(properties.map((p) => p.id));
    await withWorker(startWorker(tdb.db, { name: 'w-fail', failing: { zillow: failing } }), async () => {
      const job = await service.enqueueExtraction({ properties });
      const final = (await collect(feed.watch(job.id), 30_000)).at(-1);
      expect(final).toMatchObject({
        status: 'failed',
        completedProperties: 0,
        failedProperties: 2,
        failedPropertiesList: properties.map((p) => p.address),
      });
      expect(final?.errorMessage).toMatch(/^every property failed \(2 of 2\); first: .*No photo data on https:\/\/www\.zillow\.com/);
    });
  });

  it('completes a job when some properties fail, listing the failed ones', async () => {
    const properties = [6, 7].map(testProperty);
    await withWorker(startWorker(tdb.db, { name: 'w-partial', failing: { redfin: new Set([properties[1]!.id]) } }), async () => {
      const job = await service.enqueueExtraction({ properties });
      const final = (await collect(feed.watch(job.id), 30_000)).at(-1);
      expect(final).toMatchObject({
        status: 'completed',
        completedProperties: 1,
        failedProperties: 1,
        failedPropertiesList: [properties[1]!.address],
        errorMessage: null,
      });
    });
  });

  it('cancels a running job within 2 s, keeping its photos and counting by its finished properties', async () => {
    const properties = [8, 9, 10].map(testProperty);
    await withWorker(startWorker(tdb.db, { name: 'w-cancel', photoDelayMs: 150, photoConcurrency: 1 }), async (w) => {
      const job = await service.enqueueExtraction({ properties });
      await waitFor('photos to be counted', async () => {
        const j = await service.getJob(job.id);
        return j.status === 'in_progress' && j.totalImages >= 4;
      });
      const started = Date.now();
      const cancelled = await service.cancelJob(job.id);
      const elapsedMs = Date.now() - started;
      expect(elapsedMs).toBeLessThan(2_000);
      expect(cancelled).toMatchObject({ status: 'cancelled', errorMessage: 'cancelled by user' });
      expect(cancelled.cancelRequestedAt).toBeInstanceOf(Date);
      // The totals count the finished properties (as their rows do); the photos of properties cut mid-way stay stored.
      const finished = new Set((await outcomesOf(tdb.db, cancelled.id)).map((o) => o.propertyId));
      expect(cancelled.newImages).toBe((await outcomesOf(tdb.db, cancelled.id)).reduce((n, o) => n + o.newImages, 0));
      expect(cancelled.totalImages).toBeLessThan(3 * PER_PROPERTY.seen);
      const cutNew = await tdb.db
        .collection(JOB_EVENTS_COLLECTION)
        .countDocuments({ jobId: job.id, kind: 'photo-stored', isNew: true, propertyId: { $nin: [...finished] } });
      expect(cutNew).toBeGreaterThanOrEqual(finished.size === 0 ? 4 : 0);
      expect(await storedPhotoCount(properties)).toBe(cancelled.newImages + cutNew);
      const fetched = w.fetcher.fetched;
      await sleep(500);
      expect(w.fetcher.fetched).toBe(fetched);
      expect((await service.getJob(job.id)).version).toBe(cancelled.version);
      expect(w.handle.runningJobIds).toEqual([]);
    });
  });

  it('hands a running job back on shutdown, and another worker resumes it after the finished properties', async () => {
    const properties = [15, 16, 17].map(testProperty);
    const settings = { photoDelayMs: 40, photoConcurrency: 1, job: { propertyConcurrency: 1 } } as const;
    const first = await startWorker(tdb.db, { name: 'w-first', ...settings });
    let job: StoredExtractionJob;
    try {
      job = await service.enqueueExtraction({ properties });
      await waitFor(
        'the second property to be under way',
        async () => {
          const j = await service.getJob(job.id);
          return j.completedProperties === 1 && j.totalImages > PER_PROPERTY.seen;
          // Each photo is decoded twice and encoded as two WebP variants: generous on a loaded machine.
        },
        30_000,
      );
      await first.agenda.stop(false);
      await first.handle.handBack('test shutdown');
    } finally {
      await first.stop();
    }
    const handedBack = await service.getJob(job.id);
    expect(handedBack).toMatchObject({ status: 'pending', runNumber: 1, workerName: 'w-first', completedAt: null });
    expect(await outcomesOf(tdb.db, handedBack.id)).toHaveLength(1);
    // The counters as shown (the second property's photos so far included): they never go down while the job runs.
    expect(handedBack.completedProperties).toBe(1);
    expect(handedBack.totalImages).toBeGreaterThan(PER_PROPERTY.seen);
    expect(handedBack.newImages).toBeGreaterThan(PER_PROPERTY.new);
    const queued = await tdb.db.collection('agendaJobs').findOne({ 'data.jobId': job.id });
    expect(queued).toMatchObject({ lockedAt: null });
    expect(queued?.['nextRunAt']).toBeInstanceOf(Date);

    await withWorker(startWorker(tdb.db, { name: 'w-second', ...settings }), async (second) => {
      const final = (await collect(feed.watch(job.id), 30_000)).at(-1);
      expect(final).toMatchObject({ status: 'completed', completedProperties: 3, runNumber: 2, workerName: 'w-second' });
      expect(final?.startedAt).toEqual(handedBack.startedAt);
      expect((await outcomesOf(tdb.db, final!.id)).map((o) => o.propertyId)).toEqual(properties.map((p) => p.id));
      expect(second.zillow.calls).not.toContain(properties[0]!.id);
      expect(second.zillow.calls).toEqual([properties[1]!.id, properties[2]!.id]);
      expect(final!.newImages + final!.duplicateImages).toBe(final!.totalImages);
      expect(await storedPhotoCount(properties)).toBe(3 * PER_PROPERTY.new);
    });
  });

  it('does not run a job that is already final', async () => {
    const repository = new JobRepository({ db: tdb.db });
    const done = await repository.create(...withProperties(sampleJob(1, { status: 'completed', completedAt: new Date() })));
    await withWorker(startWorker(tdb.db, { name: 'w-final' }), async (w) => {
      const ran = new Promise<void>((resolve) => w.agenda.once(`complete:${EXTRACT_IMAGES_JOB}`, () => resolve()));
      await apiAgenda.now(EXTRACT_IMAGES_JOB, { jobId: done.id });
      await ran;
      expect(await repository.get(done.id)).toEqual(done);
      expect(w.zillow.calls).toEqual([]);
    });
  });

  it('fails a job whose run finishes no property within JOB_TIMEOUT', async () => {
    const properties = [14].map(testProperty);
    const worker = startWorker(tdb.db, { name: 'w-timeout', photoDelayMs: 300, photoConcurrency: 1, job: { jobTimeoutMs: 1_000 } });
    await withWorker(worker, async (w) => {
      const job = await service.enqueueExtraction({ properties });
      const snapshots = await collect(feed.watch(job.id), 30_000);
      const final = snapshots.at(-1);
      expect(final).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(STUCK_SINCE_START) });
      // Photos were counted while it ran (the live counters of its events); the end counts by the finished properties
      // (none: see 'a job failed by JOB_TIMEOUT counts by its finished properties').
      expect(await highestLiveTotal(job.id)).toBeGreaterThan(0);
      // Its work stopped with it: no download after the end.
      const fetched = w.fetcher.fetched;
      await sleep(600);
      expect(w.fetcher.fetched).toBe(fetched);
      expect(w.handle.runningJobIds).toEqual([]);
    });
  });

  it('runs each job once when two workers share the queue (run claims, not only Agenda locks)', async () => {
    const [dbA, dbB] = [await tdb.connectAgain(), await tdb.connectAgain()];
    const a = await startWorker(dbA, { name: 'w-a', photoDelayMs: 5 });
    const b = await startWorker(dbB, { name: 'w-b', photoDelayMs: 5 });
    try {
      let handlerStarts = 0;
      for (const w of [a, b]) w.agenda.on(`start:${EXTRACT_IMAGES_JOB}`, () => (handlerStarts += 1));
      // Two jobs per property (Zillow and Redfin, then Zillow alone: equal requests would be deduplicated).
      const requests = [18, 19, 20].flatMap((n) => [
        { properties: [testProperty(n)] },
        { properties: [testProperty(n)], sources: ['zillow'] },
      ]);
      const jobs = await Promise.all(requests.map((r) => service.enqueueExtraction(r)));
      const finals = await Promise.all(jobs.map(async (j) => (await collect(feed.watch(j.id), 60_000)).at(-1)));
      expect(finals.map((f) => f?.status)).toEqual(jobs.map(() => 'completed'));
      expect(finals.map((f) => f?.runNumber)).toEqual(jobs.map(() => 1));
      const claims = await tdb.db.collection('extraction_job_runs').countDocuments({ jobId: { $in: jobs.map((j) => j.id) } });
      expect(claims).toBe(jobs.length);
      expect(a.zillow.calls.length + b.zillow.calls.length).toBe(jobs.length);
      expect(handlerStarts).toBeGreaterThanOrEqual(jobs.length);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  /** The highest `totalImages` the events of a job showed. */
  async function highestLiveTotal(jobId: string): Promise<number> {
    const events = await tdb.db.collection(JOB_EVENTS_COLLECTION).find({ jobId }).toArray();
    return Math.max(0, ...events.map((e) => (e['counters'] as { totalImages: number }).totalImages));
  }

  /** The final status event of a job: its status and counters. */
  async function finalEvent(jobId: string) {
    const events = await tdb.db.collection(JOB_EVENTS_COLLECTION).find({ jobId, kind: 'status' }).sort({ seq: 1 }).toArray();
    return events.at(-1) as unknown as { status: string; counters: Record<string, number> } | undefined;
  }

  async function expectCountedByRows(job: StoredExtractionJob): Promise<void> {
    expect(job).toMatchObject(rowTotals(await outcomesOf(tdb.db, job.id)));
  }

  it('a cancelled job counts by its finished properties, in the document and in its final status event', async () => {
    const properties: Property[] = [21, 22, 23].map(testProperty);
    const settings = { photoDelayMs: 60, photoConcurrency: 1, job: { propertyConcurrency: 1 } } as const;
    await withWorker(startWorker(tdb.db, { name: 'w-cancel-totals', ...settings }), async () => {
      const job = await service.enqueueExtraction({ properties });
      await waitFor(
        'the second property to be under way',
        async () => {
          const j = await service.getJob(job.id);
          return j.completedProperties === 1 && j.totalImages > PER_PROPERTY.seen;
        },
        30_000,
      );
      const cancelled = await service.cancelJob(job.id);
      expect(cancelled.status).toBe('cancelled');
      expect(await outcomesOf(tdb.db, cancelled.id)).toHaveLength(1);
      await expectCountedByRows(cancelled);
      expect((await finalEvent(job.id))?.status).toBe('cancelled');
      expect((await finalEvent(job.id))?.counters).toMatchObject(rowTotals(await outcomesOf(tdb.db, cancelled.id)));
    });
  });

  it('a job failed by JOB_TIMEOUT counts by its finished properties', async () => {
    const properties: Property[] = [24].map(testProperty);
    const worker = startWorker(tdb.db, { name: 'w-timeout-totals', photoDelayMs: 300, photoConcurrency: 1, job: { jobTimeoutMs: 1_000 } });
    await withWorker(worker, async () => {
      const job = await service.enqueueExtraction({ properties });
      const snapshots = await collect(feed.watch(job.id), 30_000);
      const final = snapshots.at(-1) as StoredExtractionJob;
      expect(final).toMatchObject({ status: 'failed', errorMessage: expect.stringMatching(STUCK_SINCE_START) });
      expect(await outcomesOf(tdb.db, final.id)).toEqual([]);
      // Photos were counted live before the end.
      expect(await highestLiveTotal(job.id)).toBeGreaterThan(0);
      await expectCountedByRows(final);
      expect((await finalEvent(job.id))?.counters).toMatchObject(rowTotals([]));
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import type { Property, PropertyOutcome } from '@phx/core';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import { JOB_EVENTS_COLLECTION } from '../../src/progress/job-event.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import type { JobService } from '../../src/service/job-service.js';
import { collect, waitFor } from '../support/collect.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import type { WorkerHarness } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** Per property (see extract-images.job.int.test.ts): 13 photos seen. */
const SEEN_PER_PROPERTY = 13;

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

describe('the totals of a run that ends before every property finished', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let feed: JobProgressFeed;

  beforeAll(async () => {
    tdb = await openTestDatabase('cancel-totals');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
  });
  afterAll(async () => {
    feed.close();
    await apiAgenda.stop(false);
    await tdb.close();
  });

  async function withWorker(started: Promise<WorkerHarness>, body: (w: WorkerHarness) => Promise<void>): Promise<void> {
    const w = await started;
    try {
      await body(w);
    } finally {
      await w.stop();
    }
  }

  /** The final status event of a job: its status and counters. */
  async function finalEvent(jobId: string) {
    const events = await tdb.db.collection(JOB_EVENTS_COLLECTION).find({ jobId, kind: 'status' }).sort({ seq: 1 }).toArray();
    return events.at(-1) as unknown as { status: string; counters: Record<string, number> } | undefined;
  }

  function expectCountedByRows(job: StoredExtractionJob): void {
    expect(job).toMatchObject(rowTotals(job.propertyOutcomes));
  }

  it('a cancelled job counts by its finished properties, in the document and in its final status event', async () => {
    const properties: Property[] = [21, 22, 23].map(testProperty);
    const settings = { photoDelayMs: 60, photoConcurrency: 1, job: { propertyConcurrency: 1 } } as const;
    await withWorker(startWorker(tdb.db, { name: 'w-cancel-totals', ...settings }), async () => {
      const job = await service.enqueueExtraction({ properties });
      await waitFor('the second property to be under way', async () => {
        const j = await service.getJob(job.id);
        return j.completedProperties === 1 && j.totalImages > SEEN_PER_PROPERTY;
      }, 30_000);
      const cancelled = await service.cancelJob(job.id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.propertyOutcomes).toHaveLength(1);
      expectCountedByRows(cancelled);
      expect((await finalEvent(job.id))?.status).toBe('cancelled');
      expect((await finalEvent(job.id))?.counters).toMatchObject(rowTotals(cancelled.propertyOutcomes));
    });
  });

  it('a job failed by its timeout counts by its finished properties', async () => {
    const properties: Property[] = [24].map(testProperty);
    const worker = startWorker(tdb.db, { name: 'w-timeout-totals', photoDelayMs: 300, photoConcurrency: 1, job: { jobTimeoutMs: 1_000 } });
    await withWorker(worker, async () => {
      const job = await service.enqueueExtraction({ properties });
      const snapshots = await collect(feed.watch(job.id), 30_000);
      const final = snapshots.at(-1) as StoredExtractionJob;
      expect(final).toMatchObject({ status: 'failed', errorMessage: 'timed out after 1 s (JOB_TIMEOUT)', propertyOutcomes: [] });
      // Photos were counted live before the end.
      expect(Math.max(...snapshots.map((s) => s.totalImages))).toBeGreaterThan(0);
      expectCountedByRows(final);
      expect((await finalEvent(job.id))?.counters).toMatchObject(rowTotals([]));
    });
  });
});

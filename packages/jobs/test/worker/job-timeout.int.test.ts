import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { InvalidInputError } from '@phx/core';
import type { Property } from '@phx/core';
import { PropertyCatalog } from '../../src/catalog/property-catalog.js';
import { enqueueCatalogSelection } from '../../src/catalog/enqueue-catalog-selection.js';
import { JOB_PROPERTY_CHUNK_SIZE } from '../../src/repository/job-property-store.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { JobRunLeases } from '../../src/repository/job-run-leases.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { JobHistoryService } from '../../src/service/job-history-service.js';
import type { JobService } from '../../src/service/job-service.js';
import { listCatalogSelection } from '../../src/worker/selection-listing.js';
import { waitFor } from '../support/collect.js';
import { startApi, startWorker, testProperty, withWorker } from '../support/job-harness.js';
import { outcomesOf } from '../support/job-outcomes.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * `JOB_TIMEOUT` is the longest a run may go without finishing a property; a job may carry its own wall-time limit
 * (`timeoutMs`) counted from its first start. Real Agenda, FerretDB and the worker's run; pages are the fixture sites.
 */
describe('JOB_TIMEOUT and the job time limit', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let history: JobHistoryService;
  // Dry runs: a property takes its page reads, so its time is set by the page delay alone.
  const options = { dryRun: true } as const;

  beforeAll(async () => {
    tdb = await openTestDatabase('job-timeout');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    history = new JobHistoryService({ db: tdb.db, jobs: service });
  });
  afterAll(async () => {
    await apiAgenda.stop(false);
    await tdb.close();
  });

  const finalJob = (jobId: string): Promise<StoredExtractionJob> =>
    waitFor(
      `job ${jobId} to end`,
      async () => {
        const job = await service.getJob(jobId);
        return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      60_000,
    );
  const ranMs = (job: StoredExtractionJob): number => (job.completedAt?.getTime() ?? NaN) - (job.startedAt?.getTime() ?? NaN);
  const propertyIdsOf = async (jobId: string): Promise<string[]> =>
    (await service.jobProperties(jobId, { first: 100 })).entries.map((e) => e.property.id);

  it('completes a job whose run outlasts JOB_TIMEOUT while each property finishes within it', async () => {
    const properties = [1, 2, 3, 4, 5, 6].map(testProperty);
    const settings = { pageDelayMs: 150, job: { jobTimeoutMs: 700, propertyConcurrency: 1 } } as const;
    await withWorker(startWorker(tdb.db, { name: 'w-steady', ...settings }), async () => {
      const job = await service.enqueueExtraction({ properties, ...options });
      const final = await finalJob(job.id);
      expect(final).toMatchObject({ status: 'completed', errorMessage: null, completedProperties: 6, timeoutMs: null });
      // Six properties of two 150 ms pages each, one at a time: far past JOB_TIMEOUT in all.
      expect(ranMs(final)).toBeGreaterThan(1_400);
    });
  });

  it('fails a job whose property hangs longer than JOB_TIMEOUT, naming it, and retryJob takes the unfinished properties', async () => {
    const properties = [7, 8, 9].map(testProperty);
    const hanging = new Set([properties[1]!.id]);
    const settings = { hanging, job: { jobTimeoutMs: 600, propertyConcurrency: 1 } } as const;
    const final = await withWorker(startWorker(tdb.db, { name: 'w-stuck', ...settings }), async (w) => {
      const job = await service.enqueueExtraction({ properties, ...options });
      const ended = await finalJob(job.id);
      expect(w.zillow.calls).toEqual([properties[0]!.id, properties[1]!.id]);
      return ended;
    });
    expect(final).toMatchObject({ status: 'failed', completedProperties: 1, failedProperties: 0, totalProperties: 3 });
    expect(final.errorMessage).toMatch(
      /^stopped by JOB_TIMEOUT: no property finished for (0\.[6-9]|[1-9][\d.]*) s since the last one finished \(JOB_TIMEOUT allows 0\.6 s without progress\); its unfinished properties can be retried$/,
    );
    expect((await outcomesOf(tdb.db, final.id)).map((o) => o.propertyId)).toEqual([properties[0]!.id]);

    const retry = await history.retryJob(final.id);
    expect(retry).toMatchObject({ status: 'pending', totalProperties: 2, dryRun: true, timeoutMs: null, deduplicated: false });
    expect(await propertyIdsOf(retry.id)).toEqual([properties[1]!.id, properties[2]!.id]);
    await service.cancelJob(retry.id);
  });

  it('stops a job at its own time limit, and its retry carries the limit', async () => {
    const properties = [10, 11, 12, 13, 14, 15, 16, 17].map(testProperty);
    const settings = { pageDelayMs: 200, job: { propertyConcurrency: 1 } } as const;
    await withWorker(startWorker(tdb.db, { name: 'w-limit', ...settings }), async () => {
      const job = await service.enqueueExtraction({ properties, ...options, timeoutMs: 1_000 });
      expect(job.timeoutMs).toBe(1_000);
      const final = await finalJob(job.id);
      expect(final).toMatchObject({ status: 'failed', timeoutMs: 1_000 });
      expect(final.errorMessage).toBe(
        `stopped by JOB_TIMEOUT: the job's own time limit of 1 s (timeoutSeconds) passed, counted from its first start at ` +
          `${final.startedAt?.toISOString()}; its unfinished properties can be retried`,
      );
      expect(ranMs(final)).toBeGreaterThanOrEqual(1_000);
      expect(ranMs(final)).toBeLessThan(1_000 + 2 * 2 * 200 + 1_000);
      expect(final.completedProperties).toBeGreaterThanOrEqual(1);
      expect(final.completedProperties).toBeLessThan(properties.length);
      const retry = await history.retryJob(final.id);
      expect(retry).toMatchObject({ timeoutMs: 1_000, totalProperties: properties.length - final.completedProperties });
      await service.cancelJob(retry.id);
      // Another limit for the retry, checked as an enqueue's; null keeps the job's own.
      const error = await history.retryJob(final.id, { timeoutMs: 999 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues).toEqual([{ path: 'timeoutMs', message: expect.stringMatching(/at least 1000 ms/) }]);
      const longer = await history.retryJob(final.id, { timeoutMs: 60_000 });
      expect(longer).toMatchObject({ timeoutMs: 60_000, totalProperties: retry.totalProperties, deduplicated: false });
      await service.cancelJob(longer.id);
      const same = await history.retryJob(final.id, { timeoutMs: null });
      expect(same).toMatchObject({ timeoutMs: 1_000, totalProperties: retry.totalProperties });
      await service.cancelJob(same.id);
    });
  });

  it('measures the limit of a resumed job from its first start, not from the resume', async () => {
    const properties: Property[] = [18, 19].map(testProperty);
    const job = await service.enqueueExtraction({ properties, ...options, timeoutMs: 60_000 });
    // Run 1 started ten minutes ago on a worker that died: its lease long expired.
    const startedAt = new Date(Date.now() - 10 * 60_000);
    expect(await new JobRunLeases({ db: tdb.db }).claim(job.id, 1, 'dead-worker', startedAt)).toBe(true);
    await new JobRepository({ db: tdb.db }).startRun(job.id, { runNumber: 1, workerName: 'dead-worker', now: startedAt });
    await withWorker(startWorker(tdb.db, { name: 'w-resume' }), async (w) => {
      const final = await finalJob(job.id);
      expect(final).toMatchObject({ status: 'failed', runNumber: 2, workerName: 'w-resume', startedAt });
      expect(final.errorMessage).toMatch(/the job's own time limit of 60 s \(timeoutSeconds\) passed, counted from its first start/);
      expect(w.zillow.calls).toEqual([]);
    });
  });

  it('rejects a time limit that is not a whole number of ms within 1 s-30 days, naming it; keeps equal limits together', async () => {
    const properties = [testProperty(20)];
    for (const timeoutMs of [0, 999, 30 * 24 * 3_600_000 + 1, 1_500.5]) {
      const error = await service.enqueueExtraction({ properties, timeoutMs }).catch((e: unknown) => e);
      expect(error, String(timeoutMs)).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues).toEqual([{ path: 'timeoutMs', message: expect.stringMatching(/ms/) }]);
    }
    const month = await service.enqueueExtraction({ properties, timeoutMs: 30 * 24 * 3_600_000 });
    expect(month.timeoutMs).toBe(30 * 24 * 3_600_000);
    // An equal request with another limit is another job; with the same limit, the pending one.
    const other = await service.enqueueExtraction({ properties, timeoutMs: 60_000 });
    expect(other.id).not.toBe(month.id);
    expect(await service.enqueueExtraction({ properties, timeoutMs: 60_000 })).toMatchObject({ id: other.id, deduplicated: true });
    for (const id of [month.id, other.id]) await service.cancelJob(id);
  });

  it('counts each chunk of a catalog selection written as progress of the listing', async () => {
    const catalog = new PropertyCatalog({ db: tdb.db });
    await catalog.ensureIndexes();
    await catalog.upsert(
      Array.from({ length: JOB_PROPERTY_CHUNK_SIZE + 1 }, (_, i) => testProperty(2_000 + i)),
      ['listing-progress'],
    );
    const job = await enqueueCatalogSelection(catalog, service, { label: 'listing-progress' }, options);
    const repository = new JobRepository({ db: tdb.db });
    const now = new Date();
    expect(await new JobRunLeases({ db: tdb.db }).claim(job.id, 1, 'lister', now)).toBe(true);
    const started = await repository.startRun(job.id, { runNumber: 1, workerName: 'lister', now });
    let chunks = 0;
    const listed = await listCatalogSelection({
      job: started!,
      repository,
      signal: new AbortController().signal,
      clock: { now: () => new Date() },
      onChunkWritten: () => (chunks += 1),
    });
    expect(listed).toMatchObject({ propertiesListed: true, totalProperties: JOB_PROPERTY_CHUNK_SIZE + 1 });
    expect(chunks).toBe(2);
    await service.cancelJob(job.id);
  });
});

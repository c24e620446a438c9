import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { ExtractionMetrics } from '../../src/metrics/extraction-metrics.js';
import { observeExtractor } from '../../src/metrics/observed-extractor.js';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import { JOB_OUTCOMES_COLLECTION } from '../../src/repository/job-property-store.js';
import type { JobService } from '../../src/service/job-service.js';
import { collect } from '../support/collect.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import type { WorkerHarnessOptions } from '../support/job-harness.js';
import { outcomesOf } from '../support/job-outcomes.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** The sample lines of one metric family (comments dropped). */
function linesOf(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(name) && !l.startsWith('#'));
}

describe("a job's fetch mode on a real Agenda and MongoDB", () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let feed: JobProgressFeed;

  beforeAll(async () => {
    tdb = await openTestDatabase('fetch_mode_run');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
  });
  afterAll(async () => {
    feed.close();
    await apiAgenda.stop(false);
    await tdb.close();
  });

  /** Runs one job on a fresh worker whose runs are counted by its own metrics. */
  async function runJob(options: Omit<WorkerHarnessOptions, 'name' | 'job'>, fetchMode: 'http' | 'browser' | null, n: number) {
    const metrics = new ExtractionMetrics();
    const worker = await startWorker(tdb.db, {
      name: `w-fetch-${n}`,
      ...options,
      job: { observe: (extractor) => observeExtractor(extractor, (event) => metrics.recordEvent(event)) },
    });
    try {
      const properties = [testProperty(n), testProperty(n + 1)];
      const job = await service.enqueueExtraction({ properties, fetchMode });
      const final = (await collect(feed.watch(job.id), 30_000)).at(-1);
      expect(final).toMatchObject({ status: 'completed', completedProperties: 2, fetchMode });
      const pages = linesOf(await metrics.registry.metrics(), 'extraction_listing_pages_total');
      return { job, worker, pages, outcomes: await outcomesOf(tdb.db, job.id) };
    } finally {
      await worker.stop();
    }
  }

  it("passes the job's mode to every page read and stores which mode served each source with the outcome", async () => {
    const { job, worker, pages, outcomes } = await runJob({ autoServedBy: { zillow: 'http' } }, 'browser', 1);
    expect(worker.zillow.askedFetchModes).toEqual(['browser', 'browser']);
    expect(worker.redfin.askedFetchModes).toEqual(['browser', 'browser']);
    expect(outcomes.map((o) => o.fetchModes)).toEqual([
      [
        { source: 'zillow', mode: 'browser' },
        { source: 'redfin', mode: 'browser' },
      ],
      [
        { source: 'zillow', mode: 'browser' },
        { source: 'redfin', mode: 'browser' },
      ],
    ]);
    const page = await service.jobProperties(job.id, { first: 10 });
    expect(page.entries.map((e) => e.outcome?.fetchModes.map((f) => f.mode))).toEqual([
      ['browser', 'browser'],
      ['browser', 'browser'],
    ]);
    expect(pages).toEqual([
      'extraction_listing_pages_total{source="zillow",mode="browser"} 2',
      'extraction_listing_pages_total{source="redfin",mode="browser"} 2',
    ]);
  });

  it('names no mode to the scrapers for a job that names none; a scraper that does not say what served it adds nothing', async () => {
    const { worker, pages, outcomes } = await runJob({ autoServedBy: { zillow: 'http' } }, null, 3);
    expect(worker.zillow.askedFetchModes).toEqual([undefined, undefined]);
    expect(outcomes.map((o) => o.fetchModes)).toEqual([[{ source: 'zillow', mode: 'http' }], [{ source: 'zillow', mode: 'http' }]]);
    expect(outcomes.map((o) => o.sourcesRead)).toEqual([
      ['zillow', 'redfin'],
      ['zillow', 'redfin'],
    ]);
    expect(pages).toEqual(['extraction_listing_pages_total{source="zillow",mode="http"} 2']);
  });

  it('reads an outcome stored before fetch modes existed with no fetch modes', async () => {
    const { job } = await runJob({ autoServedBy: { zillow: 'http', redfin: 'http' } }, 'http', 5);
    const updated = await tdb.db
      .collection(JOB_OUTCOMES_COLLECTION)
      .updateMany({ jobId: job.id }, { $unset: { 'outcome.fetchModes': '' } });
    expect(updated.modifiedCount).toBe(2);
    const outcomes = await outcomesOf(tdb.db, job.id);
    expect(outcomes.map((o) => [o.status, o.fetchModes])).toEqual([
      ['completed', []],
      ['completed', []],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import type { JobService } from '../../src/service/job-service.js';
import { collect } from '../support/collect.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe('run lease heartbeat', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;

  beforeAll(async () => {
    tdb = await openTestDatabase('lease');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
  });
  afterAll(async () => {
    await apiAgenda.stop(false);
    await tdb.close();
  });

  it('keeps a job that runs over three lease lifetimes on its worker: a second worker never takes it', async () => {
    const lockLifetimeMs = 1_000;
    const settings = { photoDelayMs: 250, photoConcurrency: 1, job: { lockLifetimeMs, propertyConcurrency: 1 } } as const;
    const a = await startWorker(await tdb.connectAgain(), { name: 'w-slow-a', ...settings });
    const b = await startWorker(await tdb.connectAgain(), { name: 'w-slow-b', ...settings });
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 50 });
    try {
      const startedAt = Date.now();
      // 13 photos of 250 ms each, one at a time: more than 3 s, over three lease lifetimes.
      const job = await service.enqueueExtraction({ properties: [testProperty(9)] });
      const final = (await collect(feed.watch(job.id), 60_000)).at(-1);
      expect(Date.now() - startedAt).toBeGreaterThan(3 * lockLifetimeMs);
      expect(final).toMatchObject({ status: 'completed', runNumber: 1, totalImages: 13, newImages: 12, duplicateImages: 1 });
      const claims = await tdb.db.collection('extraction_job_runs').find({ jobId: job.id }).toArray();
      expect(claims.map((c) => [c['_id'], c['workerName']])).toEqual([[`${job.id}#1`, final?.workerName]]);
      expect(a.zillow.calls.length + b.zillow.calls.length).toBe(1);
    } finally {
      feed.close();
      await a.stop();
      await b.stop();
    }
  });
});

import type { Agenda } from 'agenda';
import { isFinalJobStatus } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobEventFeed } from '../../src/progress/job-event-feed.js';
import { JobPropertyStore } from '../../src/repository/job-property-store.js';
import type { JobService } from '../../src/service/job-service.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import type { WorkerHarness } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

// A reader of the job's event log that sees its final status (the CLI's progress display, `jobProgress`) must find
// every outcome stored: the last property's failure reasons were sometimes not there yet.
describe('the final status event of a run comes after every outcome is stored', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let worker: WorkerHarness;
  // Every property fails: the last one to finish is a failed one, whose finished event is often still buffered at the end.
  const failing = new Set([1, 2, 3, 4, 5, 6].map((n) => testProperty(n).id));

  beforeAll(async () => {
    tdb = await openTestDatabase('end-after-outcomes');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    worker = await startWorker(tdb.db, { name: 'end-after-outcomes', failing: { zillow: failing } });
  });
  afterAll(async () => {
    await worker?.stop();
    await apiAgenda?.stop(false);
    await tdb?.close();
  });

  it('when the log says the job ended, the failed outcomes with their reasons are readable (5 jobs)', async () => {
    const store = new JobPropertyStore({ db: tdb.db });
    const seen: [number, number][] = [];
    for (let round = 0; round < 5; round += 1) {
      const job = await service.enqueueExtraction({ properties: [1, 2, 3, 4, 5, 6].map(testProperty), sources: ['zillow'] });
      const feed = new JobEventFeed({ db: tdb.db, pollIntervalMs: 20 });
      try {
        const events = await feed.open({ jobIds: [job.id] }, AbortSignal.timeout(60_000));
        for await (const event of events) {
          if (!isFinalJobStatus(event.status)) continue;
          const failed = await store.page(job.id, { status: 'failed', first: 10 });
          seen.push([event.counters.failedProperties, failed.entries.filter((e) => e.outcome !== null).length]);
          break;
        }
      } finally {
        feed.close();
      }
    }
    expect(seen).toEqual(Array.from({ length: 5 }, () => [6, 6]));
  });
});

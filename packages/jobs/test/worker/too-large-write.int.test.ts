import type { Agenda } from 'agenda';
import { MongoInvalidArgumentError } from 'mongodb';
import { isFinalJobStatus } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { JobService } from '../../src/service/job-service.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import type { WorkerHarness } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** A repository whose progress writes are refused as MongoDB refuses a document over 16 MiB (FerretDB would store it). */
class RefusingRepository extends JobRepository {
  progressWrites = 0;

  override async saveProgress(): Promise<boolean> {
    this.progressWrites += 1;
    throw new MongoInvalidArgumentError('Document is larger than the maximum size 16777216');
  }
}

// A progress writer that retried a write MongoDB refuses for its size would loop for as long as the job holds its
// lease, then the next worker would take the job up and loop the same way.
describe('a write refused for its size fails the job with that reason, and is not retried', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;
  let worker: WorkerHarness;
  let repository: RefusingRepository;

  beforeAll(async () => {
    tdb = await openTestDatabase('too-large-write');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
    repository = new RefusingRepository({ db: tdb.db });
    worker = await startWorker(tdb.db, { name: 'too-large-write', pageDelayMs: 50, repository, job: { progressWriteIntervalMs: 0 } });
  });
  afterAll(async () => {
    await worker?.stop();
    await apiAgenda?.stop(false);
    await tdb?.close();
  });

  it('ends failed naming the size limit after one refused progress write', async () => {
    const job = await service.enqueueExtraction({ properties: [1, 2, 3, 4, 5, 6].map(testProperty), sources: ['zillow'] });
    const deadline = Date.now() + 30_000;
    let now = await service.getJob(job.id);
    while (!isFinalJobStatus(now.status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      now = await service.getJob(job.id);
    }
    expect(now.status).toBe('failed');
    expect(now.errorMessage).toMatch(/Document is larger than the maximum size 16777216/);
    expect(repository.progressWrites).toBe(1);
  }, 60_000);
});

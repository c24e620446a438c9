import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { FileImageStore, noopLogger } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { JobService } from '../../src/service/job-service.js';
import { JobHistoryService } from '../../src/service/job-history-service.js';
import { ExtractorFactory } from '../../src/worker/extractor-factory.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { sampleProperty } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/**
 * A CLI run in its own process (`phx-extract` without `--async`) writes its
 * job with a takeover for a worker, should the process die. A replayed run's
 * job must never be taken over by a worker fetching the live sites (nor a
 * live run's by a replaying worker, which would find none of its listings).
 */
describe("an in-process run's job keeps its scraper mode (MongoDB)", () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;
  let repository: JobRepository;
  let imagesDir: string;
  let live: ExtractorFactory;
  let replay: ExtractorFactory;

  beforeAll(async () => {
    tdb = await openTestDatabase('scraper-mode');
    agenda = await createAgenda({ db: tdb.db });
    service = new JobService({ db: tdb.db, agenda });
    await service.ensureIndexes();
    repository = new JobRepository({ db: tdb.db });
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-scraper-mode-'));
    const shared = {
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: new MongoPhotoRepository({ db: tdb.db }),
      logger: noopLogger,
    };
    live = new ExtractorFactory({ ...shared, mode: { kind: 'live' } });
    replay = new ExtractorFactory({ ...shared, mode: { kind: 'replay', fixturesDir: FIXTURES_DIR } });
  });
  afterAll(async () => {
    await live.close();
    await replay.close();
    await agenda.stop(false);
    await tdb.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('records the mode of the run that created the job', async () => {
    const job = await service.createExtraction({ properties: [sampleProperty(1)] }, { scraperMode: 'replay' });
    expect(job.scraperMode).toBe('replay');
    expect((await repository.get(job.id))?.scraperMode).toBe('replay');
    const enqueued = await service.enqueueExtraction({ properties: [sampleProperty(2)] });
    expect(enqueued.scraperMode).toBeUndefined();
  });

  it("a live worker fails a replayed run's job instead of fetching the live sites; its property stays retriable", async () => {
    const job = await service.createExtraction({ properties: [sampleProperty(3)] }, { scraperMode: 'replay' });
    const final = await runExtractionJobNow(job.id, { repository, extractor: (j) => live.forJob(j), logger: noopLogger });
    expect(final.status).toBe('failed');
    expect(final.errorMessage).toContain('SCRAPER_MODE_MISMATCH');
    expect(final.errorMessage).toMatch(/replay.*live|live.*replay/);
    expect(final.completedProperties + final.failedProperties).toBe(0);
    const retried = await new JobHistoryService({ db: tdb.db, jobs: service }).retryJob(job.id);
    expect(retried.totalProperties).toBe(1);
    expect((await repository.get(retried.id))?.scraperMode).toBeUndefined();
  });

  it("a replaying worker fails a live run's job the same way", async () => {
    const job = await service.createExtraction({ properties: [sampleProperty(4)] }, { scraperMode: 'live' });
    const final = await runExtractionJobNow(job.id, { repository, extractor: (j) => replay.forJob(j), logger: noopLogger });
    expect(final.status).toBe('failed');
    expect(final.errorMessage).toContain('SCRAPER_MODE_MISMATCH');
  });

  it('a worker of the same mode takes the job over', async () => {
    const job = await service.createExtraction({ properties: [sampleProperty(5)] }, { scraperMode: 'replay' });
    await expect(replay.forJob((await repository.get(job.id))!)).resolves.toBeDefined();
  });
});

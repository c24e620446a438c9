import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { loadPropertiesCsv, storedFileNames } from '@phx/core';
import type { Property } from '@phx/core';
import { JobProgressFeed, JobService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { WORKSPACE_ROOT } from '../src/config.js';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';
import { jobWithOutcomes } from './support/worker-suite.js';

const SAMPLE_CSV = join(WORKSPACE_ROOT, 'tools/data/sample-properties.csv');

async function finalOf(
  feed: JobProgressFeed,
  jobId: string,
  timeoutMs: number,
  until?: (job: StoredExtractionJob) => boolean,
): Promise<StoredExtractionJob> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let last: StoredExtractionJob | undefined;
  try {
    for await (const job of feed.watch(jobId, controller.signal)) {
      last = job;
      if (until?.(job) === true) break;
    }
  } finally {
    clearTimeout(timer);
  }
  if (last === undefined) throw new Error(`no snapshot of job ${jobId}`);
  if (controller.signal.aborted) throw new Error(`job ${jobId} did not get there within ${timeoutMs} ms; last: ${last.status}`);
  return last;
}

describe('worker process (replay of the saved listings)', () => {
  const uri = process.env['MONGODB_URI'] ?? '';
  const dbName = `phx_test_worker_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let db: Db;
  let agenda: Agenda;
  let service: JobService;
  let feed: JobProgressFeed;
  let imagesDir: string;
  let sample: Property[];
  const started: WorkerProcess[] = [];

  const startWorker = async (name: string, extra: Record<string, string> = {}): Promise<WorkerProcess> => {
    const worker = startWorkerProcess({
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGES_DIR: imagesDir,
      WORKER_NAME: name,
      LOG_LEVEL: 'info',
      // Test files run side by side: no fixed metrics port.
      METRICS_PORT: '0',
      ...extra,
    });
    started.push(worker);
    await worker.waitForLine('worker ready', 60_000);
    return worker;
  };

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(dbName);
    agenda = await createAgenda({ db });
    service = new JobService({ db, agenda });
    await service.ensureIndexes();
    feed = new JobProgressFeed({ db, pollIntervalMs: 50 });
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-worker-images-'));
    sample = await loadPropertiesCsv(SAMPLE_CSV);
  });
  afterEach(() => {
    for (const w of started.splice(0)) w.kill();
  });
  afterAll(async () => {
    feed.close();
    await agenda.stop(false);
    await db.dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('starts, completes an enqueued extraction, and exits 0 on SIGTERM', async () => {
    const worker = await startWorker('worker-e2e');
    const properties = sample.filter((p) => /Chicago|New York/.test(p.address));
    expect(properties).toHaveLength(2);
    const job = await service.enqueueExtraction({ properties });
    const final = await finalOf(feed, job.id, 90_000);
    expect(final).toMatchObject({
      status: 'completed',
      completedProperties: 1,
      partialProperties: 1,
      failedProperties: 0,
      workerName: 'worker-e2e',
    }); // New York: 7 of 11 declared photos
    expect(final.newImages + final.duplicateImages).toBe(final.totalImages);
    expect(final.totalImages).toBeGreaterThan(0);
    for (const property of properties) {
      const records = await service.listPhotos(property.id);
      expect(records.length).toBeGreaterThan(0);
      const files = (await readdir(join(imagesDir, property.id))).filter((name) => name !== 'manifest.json');
      // Each original with its web variants, all named by the record.
      expect(files.sort()).toEqual(records.flatMap(storedFileNames).sort());
      for (const r of records) expect(r.location).toBe(join(imagesDir, property.id, r.fileName));
    }
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect(worker.output()).toContain('worker stopped');
  });

  it('hands its job back on SIGTERM, exits 0, and another worker resumes the job', async () => {
    // No grace period: the running job is handed back at once (the grace period has its own test).
    const first = await startWorker('worker-first', { PROPERTY_CONCURRENCY: '1', SHUTDOWN_GRACE_PERIOD: '0' });
    // Small galleries first, so the test stays short; one property per worker at once.
    const properties = sample.filter((p) => /Garwood|Chicago|New York|788 W 8th/.test(p.address));
    expect(properties).toHaveLength(4);
    const job = await service.enqueueExtraction({ properties, isolationMode: 'context' });
    const underWay = await finalOf(
      feed,
      job.id,
      90_000,
      (j) => j.status === 'in_progress' && j.completedProperties + j.partialProperties + j.failedProperties >= 1,
    );
    expect(underWay.status).toBe('in_progress');
    const sigtermAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);
    expect(Date.now() - sigtermAt).toBeLessThan(10_000);
    const handedBack = await jobWithOutcomes(service, job.id);
    expect(handedBack).toMatchObject({ status: 'pending', runNumber: 1, workerName: 'worker-first' });
    expect(handedBack.propertyOutcomes.length).toBeGreaterThanOrEqual(1);
    expect(handedBack.propertyOutcomes.length).toBeLessThan(properties.length);

    const second = await startWorker('worker-second');
    const final = await finalOf(feed, job.id, 120_000);
    expect(final).toMatchObject({ status: 'completed', runNumber: 2, workerName: 'worker-second' });
    expect(final.completedProperties + final.partialProperties + final.failedProperties).toBe(properties.length);
    // The second run redid none of what the first finished: those outcomes are stored unchanged.
    expect((await jobWithOutcomes(service, job.id)).propertyOutcomes).toEqual(expect.arrayContaining([...handedBack.propertyOutcomes]));
    second.child.kill('SIGTERM');
    expect(await second.exited()).toBe(0);
  }, 240_000);

  it('logs every setting it runs with when ready (units in the names), never the connection string', async () => {
    const worker = startWorkerProcess({
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGES_DIR: imagesDir,
      WORKER_NAME: 'worker-settings',
      LOG_LEVEL: 'info',
      METRICS_PORT: '0',
      RETIRE_CONTEXT_AFTER_PAGES: '7',
      PROPERTY_MAX_DEFER_MS: '12345',
      JOB_TIMEOUT: '90',
    });
    started.push(worker);
    const ready = JSON.parse(await worker.waitForLine('worker ready', 60_000)) as Record<string, unknown>;
    expect(ready).toMatchObject({
      retireContextAfterPages: 7,
      propertyMaxDeferMs: 12_345,
      jobTimeoutMs: 90_000,
      workerName: 'worker-settings',
    });
    expect(JSON.stringify(ready)).not.toContain(uri);
  });

  it('refuses to start without MONGODB_URI, naming it', async () => {
    const worker = startWorkerProcess({ PHX_SCRAPER_MODE: 'replay' });
    started.push(worker);
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toContain('MONGODB_URI');
  });
});

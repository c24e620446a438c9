import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { loadPropertiesCsv, storedFileNames } from '@phx/core';
import { GridFsImageStore, IMAGES_BUCKET, JobProgressFeed, JobService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { WORKSPACE_ROOT } from '../src/config.js';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

async function finalOf(feed: JobProgressFeed, jobId: string, timeoutMs: number): Promise<StoredExtractionJob> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let last: StoredExtractionJob | undefined;
  try {
    for await (const job of feed.watch(jobId, controller.signal)) last = job;
  } finally {
    clearTimeout(timer);
  }
  if (last === undefined || controller.signal.aborted) throw new Error(`job ${jobId} did not finish within ${timeoutMs} ms; last: ${last?.status}`);
  return last;
}

describe('worker process with PHX_IMAGE_STORE=gridfs (replay of the saved listings)', () => {
  const uri = process.env['MONGODB_URI'] ?? '';
  const dbName = `phx_test_worker_gridfs_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let db: Db;
  let agenda: Agenda;
  let service: JobService;
  let feed: JobProgressFeed;
  let imagesDir: string;
  const started: WorkerProcess[] = [];

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(dbName);
    agenda = await createAgenda({ db });
    service = new JobService({ db, agenda });
    await service.ensureIndexes();
    feed = new JobProgressFeed({ db, pollIntervalMs: 50 });
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-worker-gridfs-'));
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

  it('stores every original and variant in GridFS, named as the records say, and nothing on disk', async () => {
    const worker = startWorkerProcess({
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGE_STORE: 'gridfs',
      PHX_IMAGES_DIR: imagesDir,
      WORKER_NAME: 'worker-gridfs',
      METRICS_PORT: '0',
    });
    started.push(worker);
    await worker.waitForLine('worker ready', 60_000);
    expect(worker.output()).toContain('"imageStore":"gridfs"');
    const sample = await loadPropertiesCsv(join(WORKSPACE_ROOT, 'tools/data/sample-properties.csv'));
    const properties = sample.filter((p) => /Chicago|New York/.test(p.address));
    expect(properties).toHaveLength(2);
    const job = await service.enqueueExtraction({ properties });
    const final = await finalOf(feed, job.id, 90_000);
    expect(final).toMatchObject({ status: 'completed', completedProperties: 2, failedImages: 0, workerName: 'worker-gridfs' });
    expect(final.newImages).toBeGreaterThan(0);

    const store = new GridFsImageStore({ db });
    for (const property of properties) {
      const records = await service.listPhotos(property.id);
      expect(records.length).toBeGreaterThan(0);
      const stored = await db
        .collection(`${IMAGES_BUCKET}.files`)
        .find({ 'metadata.propertyId': property.id })
        .map((f) => (f['metadata'] as { fileName: string }).fileName)
        .toArray();
      expect(stored.sort()).toEqual(records.flatMap(storedFileNames).sort());
      for (const r of records) {
        expect(r.location).toBe(`gridfs://${IMAGES_BUCKET}/${encodeURIComponent(property.id)}/${r.fileName}`);
        expect((await store.get(property.id, r.fileName))?.length).toBe(r.byteLength);
      }
    }
    expect(await readdir(imagesDir)).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 180_000);
});

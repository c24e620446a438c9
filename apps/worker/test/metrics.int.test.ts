import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { loadPropertiesCsv } from '@phx/core';
import { JobProgressFeed, JobService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { WORKSPACE_ROOT } from '../src/config.js';
import { freePort } from './support/free-port.js';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

/** The value of one sample of a metric in Prometheus text, 0 when the sample is absent. */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('worker /metrics (a replayed job, scraped over HTTP)', () => {
  const uri = process.env['MONGODB_URI'] ?? '';
  const dbName = `phx_test_worker_metrics_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let db: Db;
  let agenda: Agenda;
  let imagesDir: string;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(dbName);
    agenda = await createAgenda({ db });
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-worker-metrics-'));
  });
  afterAll(async () => {
    worker?.kill();
    await agenda.stop(false);
    await db.dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('counts the job, its duration and its photos by source and status, with queue depth, active workers and circuits', async () => {
    const port = await freePort();
    worker = startWorkerProcess({
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGES_DIR: imagesDir,
      WORKER_NAME: 'worker-metrics',
      METRICS_PORT: String(port),
    });
    await worker.waitForLine('worker ready', 60_000);
    expect(await worker.waitForLine('metrics listening', 1_000)).toContain(`http://127.0.0.1:${port}/metrics`);
    const service = new JobService({ db, agenda });
    const sample_ = (await loadPropertiesCsv(join(WORKSPACE_ROOT, 'tools/data/sample-properties.csv'))).filter((p) =>
      /Chicago/.test(p.address),
    );
    const job = await service.enqueueExtraction({ properties: sample_, sources: ['zillow'] });
    const feed = new JobProgressFeed({ db, pollIntervalMs: 50 });
    let final: StoredExtractionJob = job;
    for await (const snapshot of feed.watch(job.id, AbortSignal.timeout(90_000))) final = snapshot;
    feed.close();
    expect(final.status).toBe('completed');
    expect(final.newImages).toBeGreaterThan(0);

    // The end is counted once the worker has read the job back after Agenda's "complete".
    let text = '';
    for (let i = 0; i < 100 && sample(text, 'extraction_jobs_completed_total', '{source="zillow",status="completed"}') === 0; i++) {
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      text = await response.text();
      await sleep(50);
    }
    const durationSeconds = ((final.completedAt?.getTime() ?? 0) - (final.startedAt?.getTime() ?? 0)) / 1000;
    expect({
      createdZillow: sample(text, 'extraction_jobs_created_total', '{source="zillow"}'),
      createdRedfin: sample(text, 'extraction_jobs_created_total', '{source="redfin"}'),
      completed: sample(text, 'extraction_jobs_completed_total', '{source="zillow",status="completed"}'),
      completedRedfin: sample(text, 'extraction_jobs_completed_total', '{source="redfin",status="completed"}'),
      durationCount: sample(text, 'extraction_job_duration_seconds_count'),
      durationSum: sample(text, 'extraction_job_duration_seconds_sum'),
      durationUnderMinute: sample(text, 'extraction_job_duration_seconds_bucket', '{le="60"}'),
      queueDepth: sample(text, 'extraction_queue_depth'),
      newImages: sample(text, 'extraction_images_total', '{source="zillow",status="new"}'),
      duplicateImages: sample(text, 'extraction_images_total', '{source="zillow",status="duplicate"}'),
      failedImages: sample(text, 'extraction_images_total', '{source="zillow",status="failed"}'),
      redfinImages: sample(text, 'extraction_images_total', '{source="redfin",status="new"}'),
      workersActive: sample(text, 'extraction_workers_active'),
      circuitZillow: sample(text, 'extraction_source_circuit_open', '{source="zillow"}'),
      circuitRedfin: sample(text, 'extraction_source_circuit_open', '{source="redfin"}'),
    }).toEqual({
      createdZillow: 1,
      createdRedfin: 0,
      completed: 1,
      completedRedfin: 0,
      durationCount: 1,
      durationSum: durationSeconds,
      durationUnderMinute: durationSeconds <= 60 ? 1 : 0,
      queueDepth: 0,
      newImages: final.newImages,
      duplicateImages: final.duplicateImages,
      failedImages: final.failedImages,
      redfinImages: 0,
      workersActive: 1,
      circuitZillow: 0,
      circuitRedfin: 0,
    });
    expect(text).toContain('process_resident_memory_bytes');
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);

    // A second worker on the same port runs without the endpoint instead of refusing to start.
    const second = startWorkerProcess({
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_IMAGES_DIR: imagesDir,
      WORKER_NAME: 'worker-second',
      METRICS_PORT: String(port),
    });
    try {
      await second.waitForLine('worker ready', 60_000);
      expect(second.output()).toContain('metrics endpoint not started');
      second.child.kill('SIGTERM');
      expect(await second.exited()).toBe(0);
    } finally {
      second.kill();
    }
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  });
});

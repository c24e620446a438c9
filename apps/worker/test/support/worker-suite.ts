import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { loadPropertiesCsv, storedFileNames } from '@phx/core';
import type { Property, PropertyOutcome } from '@phx/core';
import { JobService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { WORKSPACE_ROOT } from '../../src/config.js';
import { startWorkerProcess } from './worker-process.js';
import type { WorkerProcess } from './worker-process.js';

/** The sample properties of `tools/data/sample-properties.csv` whose address matches `pattern`. */
export async function sampleProperties(pattern: RegExp): Promise<Property[]> {
  const all = await loadPropertiesCsv(join(WORKSPACE_ROOT, 'tools/data/sample-properties.csv'));
  return all.filter((p) => pattern.test(p.address));
}

/** One database, one image folder and a job service for a suite of worker-process tests. */
export interface WorkerSuite {
  readonly uri: string;
  readonly dbName: string;
  readonly db: Db;
  readonly service: JobService;
  readonly imagesDir: string;
  /** Starts a replay worker on the suite's database and folder and waits until it is ready. */
  startWorker(name: string, env?: Record<string, string>): Promise<WorkerProcess>;
  /** Kills every worker started (cleanup between tests). */
  killWorkers(): void;
  /** Kills the workers, drops the database, closes the client, removes the folder. */
  close(): Promise<void>;
}

/**
 * Opens a suite on `uri` (default `MONGODB_URI`): a unique database, a temporary image folder.
 *
 * @param name - short suite name, part of the database name
 * @param uri - connection string
 */
export async function openWorkerSuite(name: string, uri = process.env['MONGODB_URI'] ?? ''): Promise<WorkerSuite> {
  const dbName = `phx_test_worker_${name}_${randomBytes(4).toString('hex')}`;
  const client = await MongoClient.connect(uri);
  const db = client.db(dbName);
  const agenda: Agenda = await createAgenda({ db });
  const service = new JobService({ db, agenda });
  await service.ensureIndexes();
  const imagesDir = await mkdtemp(join(tmpdir(), `phx-worker-${name}-`));
  const workers: WorkerProcess[] = [];
  return {
    uri,
    dbName,
    db,
    service,
    imagesDir,
    async startWorker(workerName, env = {}) {
      const worker = startWorkerProcess({
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        PHX_SCRAPER_MODE: 'replay',
        PHX_IMAGES_DIR: imagesDir,
        WORKER_NAME: workerName,
        METRICS_PORT: '0',
        ...env,
      });
      workers.push(worker);
      await worker.waitForLine('worker ready', 60_000);
      return worker;
    },
    killWorkers() {
      for (const w of workers.splice(0)) w.kill();
    },
    async close() {
      for (const w of workers.splice(0)) w.kill();
      await agenda.stop(false);
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await rm(imagesDir, { recursive: true, force: true });
    },
  };
}

/** A job as stored with its stored outcomes, by position (what the tests check a run by). */
export type JobWithOutcomes = StoredExtractionJob & { readonly propertyOutcomes: readonly PropertyOutcome[] };

/**
 * Reads a job and its outcomes (the outcomes first: a document read after them is never behind them).
 *
 * @param service - the job service
 * @param jobId - the job
 * @returns the job with its outcomes
 */
export async function jobWithOutcomes(service: JobService, jobId: string): Promise<JobWithOutcomes> {
  const outcomes = await service.jobOutcomes(jobId);
  return { ...(await service.getJob(jobId)), propertyOutcomes: outcomes.map((o) => o.outcome) };
}

/**
 * Reads a job every 100 ms until `until` holds, riding out read errors (the database may be down).
 *
 * @param service - the job service
 * @param jobId - the job
 * @param until - the condition
 * @param timeoutMs - longest wait, in ms
 * @returns the first snapshot that satisfies `until`
 * @throws Error naming the last status when the time runs out
 */
export async function waitForJob(
  service: JobService,
  jobId: string,
  until: (job: JobWithOutcomes) => boolean,
  timeoutMs: number,
): Promise<JobWithOutcomes> {
  const deadline = Date.now() + timeoutMs;
  let last: JobWithOutcomes | null = null;
  for (;;) {
    try {
      last = await jobWithOutcomes(service, jobId);
      if (until(last)) return last;
    } catch {
      // The database may be restarting; read again.
    }
    if (Date.now() > deadline)
      throw new Error(`job ${jobId} did not get there within ${timeoutMs} ms; last: ${JSON.stringify(last?.status)}`);
    await sleep(100);
  }
}

/**
 * Checks `condition` every 100 ms until it holds.
 *
 * @throws Error when it does not hold within `timeoutMs`
 */
export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** `true` when the job reached a final status. */
export const isFinal = (job: StoredExtractionJob): boolean => ['completed', 'failed', 'cancelled'].includes(job.status);

/**
 * Compares a property's folder with its photo records.
 *
 * @returns the files no record names, the record files missing on disk, and the temporary files left
 */
export async function folderVersusRecords(
  service: JobService,
  imagesDir: string,
  propertyId: string,
): Promise<{ readonly unrecorded: string[]; readonly missing: string[]; readonly temporary: string[]; readonly recordCount: number }> {
  const records = await service.listPhotos(propertyId);
  const named = new Set(records.flatMap(storedFileNames));
  const files = await readdir(join(imagesDir, propertyId)).catch(() => [] as string[]);
  const temporary = files.filter((f) => f.startsWith('.') && f.endsWith('.tmp'));
  const photoFiles = files.filter((f) => f !== 'manifest.json' && !temporary.includes(f));
  return {
    unrecorded: photoFiles.filter((f) => !named.has(f)),
    missing: [...named].filter((f) => !photoFiles.includes(f)),
    temporary,
    recordCount: records.length,
  };
}

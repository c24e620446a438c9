#!/usr/bin/env node
/**
 * `npm run bench:jobs`: the job layer across processes, on the replayed
 * listings. Prints (1) enqueue-to-start latency p50/p95 (job `createdAt` by
 * this process to `startedAt` by a worker process) with the MongoDB queue
 * notifications and with Agenda's polling alone, with FerretDB's CPU while
 * the workers idle (the cost of each); (2) jobs per minute with 1, 2 and 3
 * worker processes; (3) each worker's peak memory, Node alone and with its
 * Chromium. A script, not a test: figures depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { isFinalJobStatus, loadPropertiesCsv, toPropertyId } from '@phx/core';
import type { Property } from '@phx/core';
import { JobService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { startLocalMongo, stopLocalMongo } from '../db/local-mongo.js';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot, localDataDir } from '../db/workspace-paths.js';
import { freePort } from '../process/child-service.js';
import { cpuSecondsOf, findFerretDbPid } from './jobs-procfs.js';
import { mib, percentile } from './jobs-stats.js';
import { createBenchScratch } from './bench-scratch.js';
import type { BenchScratch } from './bench-scratch.js';
import { startBenchWorkers } from './jobs-workers.js';

const ROOT = findWorkspaceRoot();
const WORKER_MAIN = join(ROOT, 'apps/worker/dist/main.js');

interface Settings {
  readonly latencyJobs: number;
  readonly jobs: number;
  readonly workerCounts: readonly number[];
  readonly idleSeconds: number;
  /** Use `MONGODB_URI` (or the shared local FerretDB) instead of a FerretDB of the benchmark's own. */
  readonly sharedDb: boolean;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      'latency-jobs': { type: 'string', default: '30' },
      jobs: { type: 'string', default: '6' },
      workers: { type: 'string', default: '1,2,3' },
      'idle-seconds': { type: 'string', default: '10' },
      'shared-db': { type: 'boolean', default: false },
    },
  });
  return {
    latencyJobs: Number(values['latency-jobs']),
    jobs: Number(values.jobs),
    workerCounts: values.workers.split(',').map(Number),
    idleSeconds: Number(values['idle-seconds']),
    sharedDb: values['shared-db'],
  };
}

/** Waits until every job is final; returns them as they ended. */
async function waitFinal(service: JobService, ids: readonly string[], timeoutMs: number): Promise<StoredExtractionJob[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const jobs = await Promise.all(ids.map((id) => service.getJob(id)));
    if (jobs.every((j) => isFinalJobStatus(j.status))) return jobs;
    if (Date.now() > deadline) throw new Error(`jobs not final within ${timeoutMs} ms: ${jobs.map((j) => j.status).join(',')}`);
    await sleep(200);
  }
}

/** Waits until a worker has started the job. */
async function waitStarted(service: JobService, id: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await service.getJob(id)).startedAt === null) {
    if (Date.now() > deadline) throw new Error(`job ${id} not started within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** FerretDB CPU use while the workers idle, in % of one core, or `null` when FerretDB is not local. */
async function dbIdleCpuPercent(ferretPid: number | null, seconds: number): Promise<number | null> {
  if (ferretPid === null) return null;
  const before = await cpuSecondsOf(ferretPid);
  await sleep(seconds * 1000);
  const after = await cpuSecondsOf(ferretPid);
  return before === null || after === null ? null : ((after - before) / seconds) * 100;
}

interface LatencyResult {
  readonly mode: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  readonly dbIdleCpuPercent: number | null;
}

/**
 * Properties without a listing URL: their jobs read no page (each source is
 * skipped), so they start and end in a few database operations and the
 * figure is the queue's pickup, not Chromium competing for the CPU.
 */
function emptyProperties(count: number): Property[] {
  return Array.from({ length: count }, (_, i) => ({
    id: toPropertyId(`bench-${i}`),
    address: `${i} Bench Rd, Phoenix, AZ 85001`,
    listingUrls: {},
  }));
}

async function latencyPhase(
  client: MongoClient,
  uri: string,
  s: Settings,
  mode: { name: string; pollMs: string },
  ferretPid: number | null,
  scratch: BenchScratch,
): Promise<LatencyResult> {
  const properties = emptyProperties(s.latencyJobs);
  const dbName = `phx_bench_jobs_${randomBytes(4).toString('hex')}`;
  const db = client.db(dbName);
  const workers = await startBenchWorkers({
    script: WORKER_MAIN,
    count: 2,
    env: { MONGODB_URI: uri, MONGODB_DB: dbName, PHX_SCRAPER_MODE: 'replay', QUEUE_NOTIFY_POLL_MS: mode.pollMs, MAX_CONCURRENT_JOBS: '8' },
    logDir: await scratch.folder('logs'),
    imagesDir: await scratch.folder(`images-latency-${mode.pollMs}`),
    phase: `latency-${mode.pollMs}`,
  });
  try {
    const idle = await dbIdleCpuPercent(ferretPid, s.idleSeconds);
    const agenda = await createAgenda({ db });
    const service = new JobService({ db, agenda });
    const ids: string[] = [];
    for (let i = 0; i < s.latencyJobs; i++) {
      const property = properties[i % properties.length];
      if (property === undefined) break;
      const job = await service.enqueueExtraction({ properties: [property] });
      ids.push(job.id);
      // One job waits at a time (free slots, so the figure is pickup, not queueing), then a pause
      // of 200-700 ms so enqueues fall anywhere in the workers' read and scan cycles.
      await waitStarted(service, job.id, 60_000);
      await sleep(200 + Math.floor(Math.random() * 500));
    }
    const jobs = await waitFinal(service, ids, 300_000);
    await agenda.stop(false);
    const latencies = jobs.map((j) => (j.startedAt?.getTime() ?? Number.NaN) - j.createdAt.getTime()).sort((a, b) => a - b);
    return {
      mode: mode.name,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: latencies.at(-1) ?? Number.NaN,
      dbIdleCpuPercent: idle,
    };
  } finally {
    await workers.stop();
    await db.dropDatabase();
  }
}

interface ThroughputResult {
  readonly workers: number;
  readonly jobs: number;
  readonly seconds: number;
  readonly jobsPerMinute: number;
  readonly images: number;
  readonly peakWorkerRssBytes: number;
  readonly peakWorkerTreeRssBytes: number;
}

async function throughputPhase(
  client: MongoClient,
  uri: string,
  properties: readonly Property[],
  s: Settings,
  count: number,
  scratch: BenchScratch,
): Promise<ThroughputResult> {
  const dbName = `phx_bench_jobs_${randomBytes(4).toString('hex')}`;
  const db = client.db(dbName);
  const workers = await startBenchWorkers({
    script: WORKER_MAIN,
    count,
    env: { MONGODB_URI: uri, MONGODB_DB: dbName, PHX_SCRAPER_MODE: 'replay' },
    logDir: await scratch.folder('logs'),
    imagesDir: await scratch.folder(`images-throughput-${count}`),
    phase: `throughput-${count}`,
  });
  try {
    const agenda = await createAgenda({ db });
    const service = new JobService({ db, agenda });
    const started = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < s.jobs; i++) {
      const property = properties[i % properties.length];
      if (property !== undefined) ids.push((await service.enqueueExtraction({ properties: [property] })).id);
    }
    const jobs = await waitFinal(service, ids, 600_000);
    const seconds = (Math.max(...jobs.map((j) => j.completedAt?.getTime() ?? 0)) - started) / 1000;
    await agenda.stop(false);
    return {
      workers: count,
      jobs: jobs.length,
      seconds,
      jobsPerMinute: (jobs.length / seconds) * 60,
      images: jobs.reduce((n, j) => n + j.totalImages, 0),
      peakWorkerRssBytes: Math.max(...workers.peaks.map((p) => p.ownBytes)),
      peakWorkerTreeRssBytes: Math.max(...workers.peaks.map((p) => p.treeBytes)),
    };
  } finally {
    await workers.stop();
    await db.dropDatabase();
  }
}

/** A database server for the benchmark: by default a FerretDB of its own, so other users of the shared one do not skew the figures. */
async function benchDatabase(
  s: Settings,
  scratch: BenchScratch,
): Promise<{ uri: string; ferretPid: number | null; stop: () => Promise<void> }> {
  if (s.sharedDb) {
    const uri = await resolveMongoUri();
    return { uri, ferretPid: await findFerretDbPid(Number(new URL(uri).port || 27017)), stop: async () => undefined };
  }
  const options = {
    dataDir: await scratch.folder('db'),
    binDir: join(localDataDir(), 'bin'),
    port: await freePort(),
  };
  const state = await startLocalMongo(options);
  return { uri: state.uri, ferretPid: state.pid, stop: async () => void (await stopLocalMongo(options)) };
}

async function main(): Promise<void> {
  const s = readSettings();
  // The database's files, the workers' photos (~171 MB a run) and the logs: all removed at the end, the logs kept after a failure.
  const scratch = await createBenchScratch('phx-bench-jobs-');
  let failed = true;
  const server = await benchDatabase(s, scratch).catch(async (error: unknown) => {
    await scratch.dispose({ keepLogs: false });
    throw error;
  });
  const { uri, ferretPid } = server;
  const client = await MongoClient.connect(uri);
  const logDir = await scratch.folder('logs');
  const all = await loadPropertiesCsv(join(ROOT, 'tools/data/sample-properties.csv'));
  const small = all.filter((p) => /Garwood|Chicago|New York|788 W 8th|Plymouth|829 E 14th/.test(p.address));
  console.log(`phx jobs benchmark: ${uri.replace(/\/\/[^@]*@/, '//***@')}, worker logs in ${logDir}`);
  try {
    console.log(
      `\nEnqueue to start (${s.latencyJobs} jobs enqueued one at a time by this process, 2 worker processes; jobs that read no page):`,
    );
    const modes = [
      { name: 'notifications, 100 ms reads', pollMs: '100' },
      { name: 'notifications, 50 ms reads', pollMs: '50' },
      { name: 'Agenda polling only (1 s)', pollMs: '0' },
    ];
    for (const mode of modes) {
      const r = await latencyPhase(client, uri, s, mode, ferretPid, scratch);
      const cpu = r.dbIdleCpuPercent === null ? 'n/a (FerretDB not local)' : `${r.dbIdleCpuPercent.toFixed(1)} % of a core`;
      console.log(
        `  ${r.mode.padEnd(30)} p50 ${Math.round(r.p50Ms)} ms, p95 ${Math.round(r.p95Ms)} ms, max ${Math.round(r.maxMs)} ms; FerretDB idle CPU ${cpu}`,
      );
    }
    console.log(`\nThroughput (${s.jobs} one-property jobs on the replayed listings, MAX_CONCURRENT_JOBS 3 per worker, cold workers):`);
    for (const count of s.workerCounts) {
      const r = await throughputPhase(client, uri, small, s, count, scratch);
      console.log(
        `  ${count} worker${count === 1 ? ' ' : 's'}: ${r.jobsPerMinute.toFixed(1)} jobs/min (${r.jobs} jobs, ${r.images} photos, ${r.seconds.toFixed(1)} s); ` +
          `peak worker RSS ${mib(r.peakWorkerRssBytes)} (Node), ${mib(r.peakWorkerTreeRssBytes)} with Chromium`,
      );
    }
    failed = false;
  } finally {
    await client.close();
    await server.stop();
    const kept = await scratch.dispose({ keepLogs: failed });
    if (kept !== null) console.log(`worker logs kept: ${kept}`);
  }
}

main().catch((error: unknown) => {
  console.error(`bench:jobs failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

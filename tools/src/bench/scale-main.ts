#!/usr/bin/env node
/**
 * `npm run bench:scale`: jobs of any size (issue 12). Runs one dry-run job
 * of each size (`--sizes`, default 100,1000,10000 properties) on replayed
 * Zillow pages with distinct zpids, and prints per size: wall time per
 * property, database writes per property (insert/update/delete/findAndModify
 * commands of the worker's client), the job document's size at the end,
 * the largest `jobProgress` message received over graphql-ws, and the
 * worker's memory; then the ratio of each figure between the largest and the
 * smallest size. None of them should grow with the job's size. The worker
 * runs in this process (its own MongoDB client, so its writes are counted
 * exactly); the GraphQL server is a child process. Fresh database, dropped at
 * the end. A script, not a test: figures depend on the machine and database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import { BSON, MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import WebSocket from 'ws';
import { FileImageStore, PropertyExtractor, isFinalJobStatus } from '@phx/core';
import type { PhotoFetcher } from '@phx/core';
import { JOBS_COLLECTION, JobRepository, JobService, MongoPhotoRepository, createAgenda } from '@phx/jobs';
import { defineExtractImagesJob } from '@phx/jobs/worker';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { endBenchRun, runBench, startBenchGraphqlServer } from './bench-graphql-server.js';
import type { BenchGraphqlServer } from './bench-graphql-server.js';
import { cpuSecondsOf, findFerretDbPid } from './jobs-procfs.js';
import { mib } from './jobs-stats.js';
import { DistinctZillowPages, ReplayedPageScraper, SCALE_SAVED_PAGE } from './scale-pages.js';

const ROOT = findWorkspaceRoot();
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);
/** What the benchmark asks of each `jobProgress` message: what a progress view shows. Adapt here when the schema changes. */
const PROGRESS = `subscription($jobId: ID!) { jobProgress(jobId: $jobId) {
  id status progressUpdatedAt totalProperties completedProperties failedProperties partialProperties deferredProperties
  totalImages newImages duplicateImages failedImages unchangedImages removedImages placeholderImages
  failedPropertiesList
} }`;

interface Settings {
  readonly sizes: readonly number[];
  readonly maxMinutes: number;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: { sizes: { type: 'string', default: '100,1000,10000' }, 'max-minutes': { type: 'string', default: '30' } },
  });
  const sizes = values.sizes.split(',').map(Number);
  const maxMinutes = Number(values['max-minutes']);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 100_000) || !(maxMinutes > 0)) {
    throw new Error('--sizes takes comma-separated whole numbers from 1 to 100000, --max-minutes a number above 0');
  }
  return { sizes: [...sizes].sort((a, b) => a - b), maxMinutes };
}

/**
 * The job document's size as stored: BSON bytes of the `extraction_jobs`
 * document. The one place that reads it (adapt here when job data moves).
 *
 * @param db - the benchmark's database
 * @param jobId - the job
 * @returns bytes, 0 when the document is missing
 */
async function jobDocumentBytes(db: Db, jobId: string): Promise<number> {
  const doc = await db.collection(JOBS_COLLECTION).findOne({ _id: jobId as never });
  return doc === null ? 0 : BSON.calculateObjectSize(doc);
}

/** No photo is fetched in a dry run; a fetch would be a benchmark bug. */
const noFetcher: PhotoFetcher = {
  fetchPhoto: () => Promise.reject(new Error('bench:scale runs dry-run jobs: no photo is fetched')),
};

/** A graphql-ws error as text: a close event's code and reason, GraphQL errors as JSON. */
function describeSubscriptionError(error: unknown): string {
  if (error instanceof Error) return error.message;
  const close = error as { code?: unknown; reason?: unknown };
  if (typeof close.code === 'number') return `socket closed with code ${close.code}: ${String(close.reason)}`;
  return JSON.stringify(error);
}

/** Memory of this process (the worker's), sampled every 100 ms. */
class MemorySampler {
  peakRss = 0;
  peakHeap = 0;
  private readonly timer = setInterval(() => this.sample(), 100);
  sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

/** Heap used after a full GC (needs `--expose-gc`; else the heap as it is). */
function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

interface SizeResult {
  readonly size: number;
  readonly done: number;
  readonly complete: boolean;
  readonly msPerProperty: number;
  /** CPU time of the benchmark's process (the worker and its event recorder) per property, in ms: load on other processes barely moves it. */
  readonly workerCpuMsPerProperty: number;
  /** CPU time of the local FerretDB per property, in ms, or `null` when the database is not a FerretDB process on this machine. */
  readonly databaseCpuMsPerProperty: number | null;
  /** How long `enqueueExtraction` took to answer for the whole job, in ms. */
  readonly enqueueMs: number;
  readonly writesPerProperty: number;
  readonly writesByCollection: Record<string, number>;
  readonly jobDocBytes: number;
  readonly maxProgressBytes: number;
  readonly progressMessages: number;
  /** Why the `jobProgress` subscription ended early, or `null`: the message figures cover what came before. */
  readonly subscriptionError: string | null;
  readonly peakHeapBytes: number;
  readonly endHeapAfterGcBytes: number;
  readonly peakRssBytes: number;
  readonly endRssBytes: number;
}

async function runSize(
  uri: string,
  dbName: string,
  graphqlUrl: string,
  authorization: string,
  pages: DistinctZillowPages,
  size: number,
  deadline: number,
  databasePid: number | null,
): Promise<SizeResult> {
  const imagesDir = await mkdtemp(join(tmpdir(), 'phx-bench-scale-images-'));
  // The worker: its own client, whose write commands are counted.
  const workerClient = await MongoClient.connect(uri, { monitorCommands: true });
  const writes = { total: 0, byCollection: {} as Record<string, number> };
  let counting = false;
  workerClient.on('commandStarted', (e) => {
    if (!counting || !WRITE_COMMANDS.has(e.commandName)) return;
    writes.total += 1;
    const collection = `${e.commandName} ${String(e.command[e.commandName])}`;
    writes.byCollection[collection] = (writes.byCollection[collection] ?? 0) + 1;
  });
  const workerDb = workerClient.db(dbName);
  const workerAgenda = await createAgenda({ db: workerDb, name: `bench-scale-${size}`, maxConcurrency: 1 });
  const photos = new MongoPhotoRepository({ db: workerDb });
  await photos.ensureIndexes();
  const extractor = new PropertyExtractor({
    scrapers: { zillow: new ReplayedPageScraper(pages) },
    fetcher: noFetcher,
    store: new FileImageStore({ rootDir: imagesDir }),
    repository: photos,
  });
  const handle = defineExtractImagesJob(workerAgenda, {
    repository: new JobRepository({ db: workerDb }),
    extractor,
    workerName: `bench-scale-${size}`,
  });
  // The enqueuing side: another client, not counted.
  const client = await MongoClient.connect(uri);
  const db = client.db(dbName);
  const agenda = await createAgenda({ db });
  const service = new JobService({ db, agenda });
  const ws = { maxBytes: 0, messages: 0 };
  /** graphql-ws's socket, counting the bytes of every message received. */
  class MeasuringWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data: Buffer) => {
        if ((JSON.parse(data.toString('utf8')) as { type?: string }).type !== 'next') return;
        ws.messages += 1;
        ws.maxBytes = Math.max(ws.maxBytes, data.length);
      });
    }
  }
  const subscriber = createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: MeasuringWebSocket,
    retryAttempts: 0,
    connectionParams: { authorization },
  });
  const memory = new MemorySampler();
  try {
    heapAfterGc();
    const properties = pages.properties(size);
    const enqueuedAt = performance.now();
    const job = await service.enqueueExtraction({ properties, sources: ['zillow'], dryRun: true });
    const enqueueMs = performance.now() - enqueuedAt;
    let subscriptionError: string | null = null;
    const unsubscribe = subscriber.subscribe(
      { query: PROGRESS, variables: { jobId: job.id } },
      {
        next: () => undefined,
        error: (e) =>
          (subscriptionError = `${describeSubscriptionError(e)} (after ${ws.messages} messages, ${Math.round(process.uptime())} s into the benchmark)`),
        complete: () => undefined,
      },
    );
    // The job's current state comes first: wait for it, so no progress is missed.
    for (const until = Date.now() + 15_000; ws.messages === 0 && Date.now() < until;) await sleep(50);
    if (ws.messages === 0) throw new Error(`no jobProgress message within 15 s: ${subscriptionError ?? 'no error'}`);
    const started = Date.now();
    const cpuAtStart = process.cpuUsage();
    const databaseCpuAtStart = databasePid === null ? null : await cpuSecondsOf(databasePid);
    counting = true;
    await workerAgenda.start();
    let current = await service.getJob(job.id);
    while (!isFinalJobStatus(current.status) && Date.now() < deadline) {
      await sleep(250);
      current = await service.getJob(job.id);
    }
    const elapsed = Date.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    const databaseCpuAtEnd = databasePid === null ? null : await cpuSecondsOf(databasePid);
    const complete = isFinalJobStatus(current.status);
    if (!complete) await service.cancelJob(job.id);
    await workerAgenda.stop(false);
    await handle.drain('bench:scale size done', 10_000);
    counting = false;
    await sleep(1_000); // the last progress messages
    unsubscribe();
    memory.sample();
    const done = current.completedProperties + current.failedProperties + current.partialProperties;
    return {
      size,
      done,
      complete,
      msPerProperty: elapsed / Math.max(done, 1),
      workerCpuMsPerProperty: (cpu.user + cpu.system) / 1000 / Math.max(done, 1),
      databaseCpuMsPerProperty:
        databaseCpuAtStart === null || databaseCpuAtEnd === null
          ? null
          : ((databaseCpuAtEnd - databaseCpuAtStart) * 1000) / Math.max(done, 1),
      enqueueMs,
      writesPerProperty: writes.total / Math.max(done, 1),
      writesByCollection: writes.byCollection,
      jobDocBytes: await jobDocumentBytes(db, job.id),
      maxProgressBytes: ws.maxBytes,
      progressMessages: ws.messages,
      subscriptionError,
      peakHeapBytes: memory.peakHeap,
      endHeapAfterGcBytes: heapAfterGc(),
      peakRssBytes: memory.peakRss,
      endRssBytes: process.memoryUsage().rss,
    };
  } finally {
    memory.stop();
    await subscriber.dispose();
    await agenda.stop(false);
    await client.close();
    await workerClient.close();
    await rm(imagesDir, { recursive: true, force: true });
  }
}

function printTable(results: readonly SizeResult[]): void {
  const cols = [
    'properties',
    'enqueue',
    'ms/property',
    'worker CPU ms/property',
    'database CPU ms/property',
    'writes/property',
    'job doc',
    'max jobProgress msg',
    'heap peak',
    'heap end (after GC)',
    'RSS peak',
    'RSS end',
  ];
  console.log(`\n${cols.join(' | ')}`);
  for (const r of results) {
    const size = r.complete ? String(r.size) : `${r.size} (stopped at ${r.done})`;
    console.log(
      [
        size,
        `${Math.round(r.enqueueMs)} ms`,
        r.msPerProperty.toFixed(1),
        r.workerCpuMsPerProperty.toFixed(1),
        r.databaseCpuMsPerProperty === null ? 'n/a' : r.databaseCpuMsPerProperty.toFixed(1),
        r.writesPerProperty.toFixed(2),
        `${r.jobDocBytes} B`,
        `${r.maxProgressBytes} B (${r.progressMessages} msgs)`,
        mib(r.peakHeapBytes),
        mib(r.endHeapAfterGcBytes),
        mib(r.peakRssBytes),
        mib(r.endRssBytes),
      ].join(' | '),
    );
  }
  for (const r of results) {
    const top = Object.entries(r.writesByCollection)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${(n / Math.max(r.done, 1)).toFixed(3)}`)
      .join(', ');
    const total = Object.values(r.writesByCollection).reduce((a, b) => a + b, 0);
    console.log(`  writes at ${r.size}: ${total} for ${r.done} properties; per property: ${top}`);
    if (r.subscriptionError !== null) console.log(`  jobProgress at ${r.size} ended early: ${r.subscriptionError}`);
  }
  const first = results[0];
  const last = results.at(-1);
  if (first === undefined || last === undefined || first === last) return;
  const ratio = (f: (r: SizeResult) => number): string => (f(last) / f(first)).toFixed(2);
  console.log(
    `\nratio ${last.size} / ${first.size} properties: ms/property ${ratio((r) => r.msPerProperty)}, ` +
      `worker CPU/property ${ratio((r) => r.workerCpuMsPerProperty)}, database CPU/property ${ratio((r) => r.databaseCpuMsPerProperty ?? Number.NaN)}, writes/property ${ratio((r) => r.writesPerProperty)}, ` +
      `job doc ${ratio((r) => r.jobDocBytes)}, max jobProgress msg ${ratio((r) => r.maxProgressBytes)}, heap peak ${ratio((r) => r.peakHeapBytes)}, ` +
      `heap end ${ratio((r) => r.endHeapAfterGcBytes)}, RSS peak ${ratio((r) => r.peakRssBytes)}, RSS end ${ratio((r) => r.endRssBytes)}`,
  );
}

async function main(): Promise<void> {
  const s = readSettings();
  const deadline = Date.now() + s.maxMinutes * 60_000;
  const fixtures = resolve(process.env['PHX_FIXTURES_DIR'] ?? join(ROOT, '..', 'shared', 'fixtures'));
  const pages = await DistinctZillowPages.fromFixtures(fixtures);
  const uri = await resolveMongoUri();
  const dbName = `phx_bench_scale_${randomBytes(4).toString('hex')}`;
  const mongo = await MongoClient.connect(uri);
  const db = mongo.db(dbName);
  const logDir = await mkdtemp(join(tmpdir(), 'phx-bench-scale-logs-'));
  console.log(`phx scale benchmark: database ${dbName} on ${uri.replace(/\/\/[^@]*@/, '//***@')}, GraphQL log in ${logDir}`);
  console.log(
    `page reader: no browser; scrapers' parseZillowListingPage on ${SCALE_SAVED_PAGE.file} with its zpid rewritten to each listing's ` +
      `(Chromium does about 65-105 replayed pages a minute per worker here, too slow for 10,000). Zillow only: Redfin would double ` +
      `the time and tell nothing more about the job layer. Dry-run jobs, 1 in-process worker (concurrency defaults), sizes ${s.sizes.join(', ')}, ` +
      `stop after ${s.maxMinutes} min.${(globalThis as { gc?: unknown }).gc === undefined ? ' (no --expose-gc: heap figures are without GC)' : ''}`,
  );
  const results: SizeResult[] = [];
  let server: BenchGraphqlServer | null = null;
  let failed = true;
  try {
    await new JobService({ db, agenda: await createAgenda({ db }) }).ensureIndexes();
    await new JobRepository({ db }).ensureIndexes();
    const databasePid = await findFerretDbPid(Number(new URL(uri).port || 27017));
    server = await startBenchGraphqlServer({ db, uri, logDir, keyName: 'bench-scale' });
    for (const size of s.sizes) {
      if (Date.now() >= deadline) {
        console.log(`--max-minutes reached: size ${size} not run`);
        continue;
      }
      const r = await runSize(uri, dbName, server.url, server.authorization, pages, size, deadline, databasePid);
      results.push(r);
      console.log(
        `  ${size} properties: ${r.complete ? 'done' : `stopped by --max-minutes at ${r.done}`}, ${r.msPerProperty.toFixed(1)} ms/property`,
      );
    }
    failed = false;
  } finally {
    printTable(results);
    await endBenchRun({ server, db, mongo, logDir, failed });
  }
}

runBench('bench:scale', main);

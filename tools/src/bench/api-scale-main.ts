/**
 * `npm run bench:api-scale`: how fast the API answers about and cancels a city-sized job (issue 16 item 5: `cancelJob`
 * within 2 s at 50,000 properties, `job(id)` and `jobs(first: 20)` within 100 ms). In a database of its own on the
 * local FerretDB (dropped at the end), with the built GraphQL server as a child process on 127.0.0.1, for each size
 * (`--sizes`, default 500,5000,50000): imports that many made-up catalog properties under a label, enqueues a dry-run
 * job of the label, times `cancelJob` while it is pending (no worker runs), enqueues it again, starts a real worker
 * (`apps/worker/dist/main.js`, replay mode: made-up listings fail at once as not in the fixtures) and, once the job is
 * listed and has `--min-finished` outcomes, times `cancelJob` of the running job and how long until the job is final
 * and the worker's run lease released, then (`--calls` each) `job(id)` with counters and `properties(first: 20)`,
 * `jobs(first: 20)` and `job(id) { failureGroups }` of that job (listed, with outcomes). The jobs of earlier
 * sizes stay, with `--other-jobs` one-property jobs made first, so `jobs(first: 20)` lists a full page. A phase
 * that passes `--phase-limit-seconds` is printed and stops the run. Prints one table and the targets missed.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { JobRunLeases, PropertyCatalog } from '@phx/jobs';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { startChildService } from '../process/child-service.js';
import type { ChildService } from '../process/child-service.js';
import { cleanUpOnInterrupt, dropAfterClosing, postGraphql, runBench, startBenchGraphqlServer } from './bench-graphql-server.js';
import type { BenchGraphqlServer } from './bench-graphql-server.js';
import { createBenchScratch } from './bench-scratch.js';
import type { BenchScratch } from './bench-scratch.js';
import { formatApiScaleTable, parseApiScaleArgs, targetMisses, timingOf, API_SCALE_TARGETS } from './api-scale-report.js';
import type { ApiScaleRow, ApiScaleSettings, QueryTiming } from './api-scale-report.js';
import {
  CANCEL_MUTATION,
  ENQUEUE_MUTATION,
  JOBS_QUERY,
  JOB_FAILURE_GROUPS_QUERY,
  JOB_FIELDS_QUERY,
  JOB_QUERY,
  JOB_STATE_QUERY,
  finishedOf,
} from './api-scale-queries.js';
import type { JobState } from './api-scale-queries.js';
import { cpuSecondsOf, findFerretDbPid } from './jobs-procfs.js';

const ROOT = findWorkspaceRoot();
const WORKER_MAIN = join(ROOT, 'apps/worker/dist/main.js');
/** How long FerretDB's CPU is sampled with nothing asked of it, before the queries, in ms. */
const IDLE_SAMPLE_MS = 2_000;
/** How often the benchmark reads a job while it waits for it, in ms. */
const WAIT_POLL_MS = 100;

/** A phase passed `--phase-limit-seconds`, or the job ended before its cancel could be timed. */
class PhaseStoppedError extends Error {}

const FINAL_STATUSES: readonly string[] = ['CANCELLED', 'COMPLETED', 'FAILED'];

interface Bench {
  readonly settings: ApiScaleSettings;
  readonly server: BenchGraphqlServer;
  readonly db: Db;
  readonly uri: string;
  readonly scratch: BenchScratch;
  readonly databasePid: number | null;
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
}

async function gql<T>(bench: Bench, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return postGraphql<T>(bench.server.url, bench.server.authorization, query, variables);
}

async function timedMs<T>(step: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await step();
  return { value, ms: performance.now() - started };
}

/** FerretDB's CPU in ms since `before` (from {@link dbCpuSeconds}), or `null`. */
async function dbCpuSince(bench: Bench, before: number | null): Promise<number | null> {
  const after = await dbCpuSeconds(bench);
  return before === null || after === null ? null : Math.round((after - before) * 1_000);
}

async function dbCpuSeconds(bench: Bench): Promise<number | null> {
  return bench.databasePid === null ? null : cpuSecondsOf(bench.databasePid);
}

/** Runs `step` or throws {@link PhaseStoppedError} once it passes the phase limit (the step is left to the cleanup). */
async function limited<T>(bench: Bench, phase: string, step: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limitMs = bench.settings.phaseLimitMs;
  try {
    return await Promise.race([
      step(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PhaseStoppedError(`${phase} passed its limit of ${limitMs / 1_000} s`)), limitMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the job until `done` holds (no limit of its own: run it under {@link limited}). */
async function waitForJob(bench: Bench, id: string, done: (job: JobState) => boolean): Promise<JobState> {
  for (;;) {
    const { job } = await gql<{ job: JobState }>(bench, JOB_STATE_QUERY, { id });
    if (done(job)) return job;
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/** A catalog CSV of `count` made-up Phoenix addresses of one size, each with a Zillow listing id of its own. */
function catalogCsv(size: number, sizeIndex: number): string {
  const rows = ['address,zillow_url'];
  for (let i = 1; i <= size; i += 1) {
    const zpid = 100_000_000 + sizeIndex * 200_000 + i;
    rows.push(`"${i} W Scale${size} Rd, Phoenix, AZ 85001",https://www.zillow.com/homedetails/${zpid}_zpid/`);
  }
  return rows.join('\n');
}

async function enqueue(bench: Bench, input: Record<string, unknown>): Promise<string> {
  const data = await gql<{ enqueueExtraction: { id: string } }>(bench, ENQUEUE_MUTATION, {
    input: { ...input, sources: ['zillow'], dryRun: true },
  });
  return data.enqueueExtraction.id;
}

async function cancel(bench: Bench, id: string): Promise<{ status: string; ms: number }> {
  const { value, ms } = await timedMs(() => gql<{ cancelJob: { status: string } }>(bench, CANCEL_MUTATION, { id }));
  return { status: value.cancelJob.status, ms };
}

/** One-property jobs, each cancelled while pending, so the job list has more than the benchmark's own jobs. */
async function makeOtherJobs(bench: Bench): Promise<void> {
  for (let i = 1; i <= bench.settings.otherJobs; i += 1) {
    const id = await enqueue(bench, { addresses: [`${i} W Other Jobs Rd, Phoenix, AZ 85001`] });
    await cancel(bench, id);
  }
}

async function startWorker(bench: Bench, size: number): Promise<ChildService> {
  return startChildService({
    name: 'worker',
    script: WORKER_MAIN,
    env: {
      MONGODB_URI: bench.uri,
      MONGODB_DB: bench.db.databaseName,
      PHX_SCRAPER_MODE: 'replay',
      PHX_FIXTURES_DIR: process.env['PHX_FIXTURES_DIR'] ?? join(ROOT, '..', 'shared', 'fixtures'),
      PHX_IMAGES_DIR: await bench.scratch.folder('images'),
      FETCH_MODE: 'http',
      // One property at a time: the made-up listings fail in milliseconds, and the smallest job must outlast its queries.
      PROPERTY_CONCURRENCY: '1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      WORKER_NAME: `bench-api-scale-${size}`,
    },
    readyPattern: /worker ready/,
    logFile: join(await bench.scratch.folder('logs'), `worker-${size}.log`),
    readyTimeoutMs: 120_000,
  });
}

/** The figures of one size; phases that did not run stay `null`. */
type Figures = { -readonly [K in keyof ApiScaleRow]: ApiScaleRow[K] };

async function timeQuery(bench: Bench, query: string, variables: Record<string, unknown>): Promise<QueryTiming> {
  const samples: number[] = [];
  const cpuBefore = await dbCpuSeconds(bench);
  for (let call = 0; call < bench.settings.calls; call += 1) samples.push((await timedMs(() => gql(bench, query, variables))).ms);
  const cpuMs = await dbCpuSince(bench, cpuBefore);
  return { ...timingOf(samples), dbCpuMsPerCall: cpuMs === null ? null : cpuMs / bench.settings.calls };
}

async function timeQueries(bench: Bench, id: string, row: Figures): Promise<void> {
  const idleBefore = await dbCpuSeconds(bench);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SAMPLE_MS));
  const idleMs = await dbCpuSince(bench, idleBefore);
  console.log(
    `  FerretDB CPU with the GraphQL server idle: ${idleMs === null ? 'n/a' : Math.round(idleMs / (IDLE_SAMPLE_MS / 1_000))} ms/s`,
  );
  row.job = await timeQuery(bench, JOB_QUERY, { id });
  row.jobFields = await timeQuery(bench, JOB_FIELDS_QUERY, { id });
  row.jobs = await timeQuery(bench, JOBS_QUERY, {});
  row.failureGroups = await timeQuery(bench, JOB_FAILURE_GROUPS_QUERY, { id });
  const f = (t: QueryTiming): string =>
    `median ${Math.round(t.medianMs)} ms, max ${Math.round(t.maxMs)} ms, FerretDB CPU ${t.dbCpuMsPerCall === null ? 'n/a' : Math.round(t.dbCpuMsPerCall)} ms/call`;
  console.log(`  job(id): ${f(row.job)}`);
  console.log(`  job(id) without properties(first: 20): ${f(row.jobFields)}`);
  console.log(`  jobs(first: 20): ${f(row.jobs)}`);
  console.log(`  job(id) { failureGroups }: ${f(row.failureGroups)}`);
  console.log(`  (${bench.settings.calls} calls each, load ${load()})`);
}

/** A timed cancel of a job a worker holds. */
interface RunningCancel {
  /** Until `cancelJob` answered, in ms, and whether the answer was `CANCELLED`. */
  readonly answer: { readonly answerMs: number; readonly cancelled: boolean };
  /** Until the job was final and its run lease released, in ms. */
  readonly releasedMs: number;
  /** FerretDB's CPU over that time, in ms (`null` when not measured). */
  readonly dbCpuMs: number | null;
}

/** Times `cancelJob` of a job a worker holds, then waits (under the phase limit) until the job is final and its lease released. */
async function timeRunningCancel(bench: Bench, id: string, what: string): Promise<RunningCancel> {
  const leases = new JobRunLeases({ db: bench.db });
  const cpuBefore = await dbCpuSeconds(bench);
  const started = performance.now();
  const answer = await limited(bench, `cancel of the ${what} job`, () => cancel(bench, id)).catch((error: unknown) => {
    if (String(error).includes('JOB_ALREADY_FINISHED')) throw new PhaseStoppedError(`the ${what} job ended before its cancel`);
    throw error;
  });
  console.log(`  cancelJob (${what}): ${Math.round(answer.ms)} ms, answered ${answer.status}`);
  return limited(bench, `release of the cancelled ${what} run`, async () => {
    const final = await waitForJob(bench, id, (job) => FINAL_STATUSES.includes(job.status));
    for (;;) {
      const lease = await leases.latest(id);
      if (lease === null || lease.endedAt !== null) break;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
    const releasedMs = performance.now() - started;
    const finished = `${finishedOf(final)} of ${final.totalProperties} properties finished`;
    console.log(`  final (${final.status}, ${finished}) and run lease released after ${Math.round(releasedMs)} ms`);
    return {
      answer: { answerMs: answer.ms, cancelled: answer.status === 'CANCELLED' },
      releasedMs,
      dbCpuMs: await dbCpuSince(bench, cpuBefore),
    };
  });
}

/** Waits (under the phase limit) until the job is `IN_PROGRESS` and `listed` says whether its list must be written. */
async function waitForRun(bench: Bench, id: string, what: string, until: (job: JobState) => boolean): Promise<JobState> {
  const waited = await limited(bench, `waiting for the ${what} run`, () =>
    timedMs(() => waitForJob(bench, id, (j) => FINAL_STATUSES.includes(j.status) || (j.status === 'IN_PROGRESS' && until(j)))),
  );
  const job = waited.value;
  if (job.status !== 'IN_PROGRESS') throw new PhaseStoppedError(`the ${what} job was ${job.status} before its cancel could be timed`);
  const listed = job.propertiesListed ? `listed ${job.totalProperties}` : 'not listed yet';
  console.log(`  ${what}: in progress, ${listed}, ${finishedOf(job)} finished after ${Math.round(waited.ms)} ms`);
  return job;
}

async function measureSize(bench: Bench, size: number, sizeIndex: number, row: Figures): Promise<void> {
  const label = `bench-scale-${size}`;
  console.log(`\n${size.toLocaleString('en-US')} properties (load ${load()}):`);
  const imported = await limited(bench, 'catalog import', () =>
    timedMs(() => new PropertyCatalog({ db: bench.db }).importCsv(catalogCsv(size, sizeIndex), { label })),
  );
  console.log(`  catalog import: ${Math.round(imported.ms)} ms`);
  const pendingId = await enqueue(bench, { label });
  const pending = await limited(bench, 'cancel of the pending job', () => cancel(bench, pendingId));
  row.cancelPendingMs = pending.ms;
  console.log(`  cancelJob (pending, not listed yet): ${Math.round(pending.ms)} ms, answered ${pending.status}`);
  const listingId = await enqueue(bench, { label });
  const worker = await startWorker(bench, size);
  try {
    // The worker that takes a selection's job up reads the selection from the catalog before its first property.
    const listing = await waitForRun(bench, listingId, 'listing', () => true);
    const listingCancel = await timeRunningCancel(bench, listingId, listing.propertiesListed ? 'listed' : 'listing');
    row.cancelListing = { ...listingCancel.answer, releasedMs: listingCancel.releasedMs, listed: listing.propertiesListed };
    const runningId = await enqueue(bench, { label });
    await waitForRun(bench, runningId, 'running', (j) => j.propertiesListed && finishedOf(j) >= bench.settings.minFinished);
    // The cancel first: a small job's run (the made-up listings fail in milliseconds) would end during the queries.
    const running = await timeRunningCancel(bench, runningId, 'running');
    row.cancelRunning = running.answer;
    row.releasedMs = running.releasedMs;
    row.cancelDbCpuMs = running.dbCpuMs;
    // The idle worker's queue polls would count in FerretDB's CPU of the queries.
    await worker.stop();
    await timeQueries(bench, runningId, row);
  } finally {
    await worker.stop();
  }
}

function emptyRow(size: number): Figures {
  return {
    size,
    job: null,
    jobFields: null,
    jobs: null,
    failureGroups: null,
    cancelPendingMs: null,
    cancelListing: null,
    cancelRunning: null,
    releasedMs: null,
    cancelDbCpuMs: null,
  };
}

/** Runs the sizes in order; `stopped` when a phase passed its limit (the sizes after it are not run). */
async function runSizes(bench: Bench): Promise<{ rows: ApiScaleRow[]; stopped: boolean }> {
  const rows: Figures[] = [];
  for (const [index, size] of bench.settings.sizes.entries()) {
    const row = emptyRow(size);
    rows.push(row);
    try {
      await measureSize(bench, size, index, row);
    } catch (error) {
      if (!(error instanceof PhaseStoppedError)) throw error;
      console.log(`  stopped: ${error.message}; larger sizes are not run`);
      return { rows, stopped: true };
    }
  }
  return { rows, stopped: false };
}

async function main(): Promise<void> {
  const settings = parseApiScaleArgs(process.argv.slice(2));
  const uri = await resolveMongoUri();
  const mongo = await MongoClient.connect(uri);
  const db = mongo.db(`phx_bench_api_scale_${randomBytes(4).toString('hex')}`);
  const scratch = await createBenchScratch('phx-bench-api-scale-');
  let server: BenchGraphqlServer | null = null;
  let failed = true;
  const started = Date.now();
  // Ctrl-C: the server child, the database and the scratch folder go too.
  const forget = cleanUpOnInterrupt(async () => {
    await server?.service.stop();
    await dropAfterClosing(mongo, uri, db.databaseName);
    await scratch.dispose({ keepLogs: false });
  });
  try {
    const logs = await scratch.folder('logs');
    server = await startBenchGraphqlServer({ db, uri, logDir: logs, keyName: 'bench-api-scale' });
    const databasePid = await findFerretDbPid(Number(new URL(uri).port || 27017));
    const bench: Bench = { settings, server, db, uri, scratch, databasePid };
    console.log(
      `phx API-at-scale benchmark: sizes ${settings.sizes.join(', ')}, database ${db.databaseName}, ` +
        `${settings.otherJobs} other jobs, ${settings.calls} calls per query, load ${load()}`,
    );
    await makeOtherJobs(bench);
    const { rows, stopped } = await runSizes(bench);
    console.log(`\nAll times in ms, through GraphQL over HTTP on 127.0.0.1 (queries: median / max of ${settings.calls} calls):`);
    for (const line of formatApiScaleTable(rows)) console.log(line);
    const misses = targetMisses(rows);
    console.log(
      misses.length === 0
        ? `Every figure meets its target (queries ${API_SCALE_TARGETS.queryMs} ms, cancel ${API_SCALE_TARGETS.cancelMs} ms).`
        : `Targets missed:\n${misses.map((m) => `  ${m}`).join('\n')}`,
    );
    console.log(`Load average at the end: ${load()}; ${Math.round((Date.now() - started) / 1_000)} s in all.`);
    failed = stopped;
  } finally {
    forget();
    await server?.service.stop();
    await db.dropDatabase();
    await mongo.close();
    const kept = await scratch.dispose({ keepLogs: failed });
    if (kept !== null) console.log(`Logs kept: ${kept}`);
  }
}

runBench('bench:api-scale', main);

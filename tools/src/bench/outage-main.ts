#!/usr/bin/env node
/**
 * `npm run bench:outage`: a worker process through MongoDB outages. For each
 * outage length (default 5, 18, 35 and 120 s) and each repeat (default 2),
 * stops the benchmark's own FerretDB, waits, starts it again, enqueues a
 * one-property dry run and measures the time from the database's return to a
 * worker taking the job; also reads the worker's `/readyz` during and after
 * each outage. Prints one line per outage and a JSON summary. Bounded: each
 * wait for a job gives up after `--take-timeout-s` (default 120 s), and the
 * whole matrix stops starting new outages after `--max-minutes` (default 20).
 * A script, not a test: figures depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { loadPropertiesCsv } from '@phx/core';
import type { Property } from '@phx/core';
import { JobService, createAgenda } from '@phx/jobs';
import { startLocalMongo, stopLocalMongo } from '../db/local-mongo.js';
import { findWorkspaceRoot, localDataDir } from '../db/workspace-paths.js';
import { freePort, startChildService } from '../process/child-service.js';

const ROOT = findWorkspaceRoot();

/** One outage and what followed it. */
interface OutageFigure {
  readonly outageS: number;
  readonly readyDuringOutage: number;
  /** Ms from the database's return to the job taken, or `null` when not taken within the timeout. */
  readonly takenAfterMs: number | null;
  readonly readyAfter: number;
}

function readSettings(): { outagesS: number[]; repeats: number; takeTimeoutMs: number; maxMs: number } {
  const { values } = parseArgs({
    options: {
      outages: { type: 'string', default: '5,18,35,120' },
      repeats: { type: 'string', default: '2' },
      'take-timeout-s': { type: 'string', default: '120' },
      'max-minutes': { type: 'string', default: '20' },
    },
  });
  return {
    outagesS: values.outages.split(',').map(Number),
    repeats: Number(values.repeats),
    takeTimeoutMs: Number(values['take-timeout-s']) * 1000,
    maxMs: Number(values['max-minutes']) * 60_000,
  };
}

async function httpStatus(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(3_000) }).then(
    (r) => r.status,
    () => 0,
  );
}

/** Stops the database for `outageS`, starts it, enqueues a dry run and times its take-up. */
async function runOutage(o: {
  readonly db: Parameters<typeof stopLocalMongo>[0];
  readonly service: JobService;
  readonly property: Property;
  readonly readyz: string;
  readonly outageS: number;
  readonly takeTimeoutMs: number;
}): Promise<OutageFigure> {
  await stopLocalMongo(o.db);
  await sleep(o.outageS * 1000);
  const readyDuringOutage = await httpStatus(o.readyz);
  await startLocalMongo(o.db);
  const backAt = Date.now();
  const job = await o.service.enqueueExtraction({ properties: [o.property], dryRun: true });
  let takenAfterMs: number | null = null;
  while (takenAfterMs === null && Date.now() - backAt < o.takeTimeoutMs) {
    const now = await o.service.getJob(job.id).catch(() => null);
    if (now !== null && now.status !== 'pending') takenAfterMs = Date.now() - backAt;
    else await sleep(200);
  }
  // Two watchdog intervals and a ping deadline: /readyz has had its chance to turn 200 again.
  await sleep(6_000);
  return { outageS: o.outageS, readyDuringOutage, takenAfterMs, readyAfter: await httpStatus(o.readyz) };
}

async function main(): Promise<void> {
  const settings = readSettings();
  const db = {
    dataDir: await mkdtemp(join(tmpdir(), 'phx-bench-outage-db-')),
    binDir: join(localDataDir(), 'bin'),
    port: await freePort(),
  };
  const { uri } = await startLocalMongo(db);
  const dbName = `phx_bench_outage_${randomBytes(4).toString('hex')}`;
  const client = await MongoClient.connect(uri);
  const agenda = await createAgenda({ db: client.db(dbName) });
  const service = new JobService({ db: client.db(dbName), agenda });
  await service.ensureIndexes();
  const [property] = (await loadPropertiesCsv(join(ROOT, 'tools/data/sample-properties.csv'))).filter((p) => /Garwood/.test(p.address));
  const metricsPort = await freePort();
  const logDir = await mkdtemp(join(tmpdir(), 'phx-bench-outage-logs-'));
  const worker = await startChildService({
    name: 'worker',
    script: join(ROOT, 'apps/worker/dist/main.js'),
    env: {
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PHX_SCRAPER_MODE: 'replay',
      METRICS_PORT: String(metricsPort),
      WORKER_NAME: 'bench-outage',
      WATCHDOG_INTERVAL_MS: '2000',
      WATCHDOG_TIMEOUT_MS: '2000',
    },
    readyPattern: /worker ready/,
    logFile: join(logDir, 'worker.log'),
  });
  const readyz = `http://127.0.0.1:${metricsPort}/readyz`;
  const figures: OutageFigure[] = [];
  const startedAt = Date.now();
  try {
    for (let r = 0; r < settings.repeats; r += 1) {
      for (const outageS of settings.outagesS) {
        if (Date.now() - startedAt > settings.maxMs) break;
        const figure = await runOutage({ db, service, property: property!, readyz, outageS, takeTimeoutMs: settings.takeTimeoutMs });
        figures.push(figure);
        const { takenAfterMs } = figure;
        console.log(
          `outage ${outageS} s: /readyz during ${figure.readyDuringOutage}; job taken ${takenAfterMs === null ? 'NOT within the timeout' : `${takenAfterMs} ms`} after the database returned; /readyz after ${figure.readyAfter}`,
        );
      }
    }
  } finally {
    await worker.stop();
    await agenda.stop(false);
    await client
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await client.close();
    await stopLocalMongo(db);
    await rm(db.dataDir, { recursive: true, force: true });
  }
  const taken = figures.flatMap((f) => (f.takenAfterMs === null ? [] : [f.takenAfterMs]));
  console.log(
    JSON.stringify({
      outages: figures.length,
      notTaken: figures.length - taken.length,
      worstTakenMs: Math.max(0, ...taken),
      workerLog: join(logDir, 'worker.log'),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

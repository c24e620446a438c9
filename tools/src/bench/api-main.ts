#!/usr/bin/env node
/**
 * `npm run bench:api`: how fast job progress reaches GraphQL subscribers
 * across processes. A worker process runs real jobs on the replayed listings;
 * a GraphQL server process relays the job event log; this process holds 1,
 * then 100 graphql-ws subscriptions (one socket each) to `jobEvents` of each
 * job and measures, for every event, the time from the worker recording the
 * progress change (the event's `at`) to its arrival here: p50, p95, max.
 * Also the server's memory idle and with 100 subscriptions open. Everything
 * listens on 127.0.0.1 only; bounded by `--jobs` per phase and
 * `--timeout-seconds` per job. A script, not a test: figures depend on the machine.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient, type Client } from 'graphql-ws';
import { MongoClient } from 'mongodb';
import WebSocket from 'ws';
import { loadPropertiesCsv } from '@phx/core';
import type { Property } from '@phx/core';
import { ApiKeyRepository } from '@phx/jobs';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { freePort, startChildService, type ChildService } from '../process/child-service.js';
import { postGraphql } from './bench-graphql-server.js';
import { treeRssBytes } from './jobs-procfs.js';
import { mib, percentile } from './jobs-stats.js';

const ROOT = findWorkspaceRoot();
const WORKER_MAIN = join(ROOT, 'apps/worker/dist/main.js');
const GRAPHQL_MAIN = join(ROOT, 'apps/graphql/dist/main.js');
const EVENTS = `subscription($jobId: ID!) { jobEvents(filter: { jobIds: [$jobId] }) { id seq type at status } }`;

interface Settings {
  readonly jobs: number;
  readonly subscriptionCounts: readonly number[];
  readonly timeoutSeconds: number;
}

interface PhaseResult {
  readonly subscriptions: number;
  readonly samplesMs: number[];
  readonly events: number;
  readonly serverRssBytes: number;
}

function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string', default: '3' },
      subscriptions: { type: 'string', default: '1,100' },
      'timeout-seconds': { type: 'string', default: '180' },
    },
  });
  const settings = {
    jobs: Number(values.jobs),
    subscriptionCounts: values.subscriptions.split(',').map(Number),
    timeoutSeconds: Number(values['timeout-seconds']),
  };
  const bad = [settings.jobs, settings.timeoutSeconds, ...settings.subscriptionCounts].some(
    (n) => !Number.isInteger(n) || n < 1 || n > 1_000,
  );
  if (bad) throw new Error('--jobs, --subscriptions (comma-separated) and --timeout-seconds take whole numbers from 1 to 1000');
  return settings;
}

/**
 * Runs one job with `count` subscribers; latencies of the events recorded
 * after every subscriber had its first event (earlier ones are replayed from
 * the log, so their age is not a delivery time).
 */
async function measureJob(
  url: string,
  authorization: string,
  property: Property,
  count: number,
  timeoutMs: number,
  serverPid: number,
): Promise<PhaseResult> {
  const clients: Client[] = Array.from({ length: count }, () =>
    createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      connectionParams: { authorization },
    }),
  );
  try {
    const enqueue = 'mutation($a: [String!]) { enqueueExtraction(input: { addresses: $a, sources: ["zillow"] }) { id } }';
    const { enqueueExtraction } = await postGraphql<{ enqueueExtraction: { id: string } }>(url, authorization, enqueue, {
      a: [property.address],
    });
    const arrivals: { readonly atMs: number; readonly arrivedMs: number }[][] = clients.map(() => []);
    let allFirstAtMs = Number.POSITIVE_INFINITY;
    let firsts = 0;
    let rssBytes = 0;
    const done = clients.map(
      (client, i) =>
        new Promise<void>((resolve, reject) => {
          client.subscribe<{ jobEvents: { at: string } }>(
            { query: EVENTS, variables: { jobId: enqueueExtraction.id } },
            {
              next: (result) => {
                const arrivedMs = Date.now();
                const at = result.data?.jobEvents.at;
                if (at === undefined) return reject(new Error(JSON.stringify(result.errors)));
                const list = arrivals[i] as { atMs: number; arrivedMs: number }[];
                if (list.length === 0 && ++firsts === count) allFirstAtMs = arrivedMs;
                list.push({ atMs: Date.parse(at), arrivedMs });
              },
              error: reject,
              complete: resolve,
            },
          );
        }),
    );
    const sampler = setInterval(() => void treeRssBytes(serverPid).then((r) => (rssBytes = Math.max(rssBytes, r.ownBytes))), 200);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(done),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`job not finished within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    clearTimeout(timer);
    clearInterval(sampler);
    const samplesMs = arrivals.flatMap((list) => list.filter((a) => a.atMs > allFirstAtMs).map((a) => a.arrivedMs - a.atMs));
    return { subscriptions: count, samplesMs, events: arrivals[0]?.length ?? 0, serverRssBytes: rssBytes };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

async function main(): Promise<void> {
  const s = readSettings();
  const uri = await resolveMongoUri();
  const dbName = `phx_bench_api_${randomBytes(4).toString('hex')}`;
  const mongo = await MongoClient.connect(uri);
  const db = mongo.db(dbName);
  const logDir = await mkdtemp(join(tmpdir(), 'phx-bench-api-logs-'));
  const imagesDir = await mkdtemp(join(tmpdir(), 'phx-bench-api-images-'));
  const services: ChildService[] = [];
  console.log(`phx API benchmark: database ${dbName} on ${uri.replace(/\/\/[^@]*@/, '//***@')}, logs in ${logDir}`);
  try {
    const keys = new ApiKeyRepository({ db });
    await keys.ensureIndexes();
    const { key, record } = await keys.create({ name: 'bench-api', role: 'admin' });
    const authorization = `Bearer ${key}`;
    const env = { MONGODB_URI: uri, MONGODB_DB: dbName, PHX_IMAGES_DIR: imagesDir, LOG_LEVEL: 'warn' };
    services.push(
      await startChildService({
        name: 'worker',
        script: WORKER_MAIN,
        env: { ...env, LOG_LEVEL: 'info', PHX_SCRAPER_MODE: 'replay', METRICS_PORT: '0' },
        readyPattern: /worker ready/,
        logFile: join(logDir, 'worker.log'),
        readyTimeoutMs: 120_000,
      }),
    );
    const port = await freePort();
    const server = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port) },
      readyPattern: /graphql ready/,
      logFile: join(logDir, 'graphql.log'),
    });
    services.push(server);
    const url = `http://127.0.0.1:${port}/graphql`;
    const serverPid = server.child.pid ?? 0;
    const idleRss = (await treeRssBytes(serverPid)).ownBytes;
    const all = await loadPropertiesCsv(join(ROOT, 'tools/data/sample-properties.csv'));
    // Properties whose replayed listings have photos: events come as the worker stores them.
    const properties = all.filter((p) => p.listingUrls.zillow !== undefined);
    console.log(
      `\nWorker progress change (event recorded) to arrival at a jobEvents subscriber; ${s.jobs} one-property jobs (Zillow) per row, 1 worker, 1 server:`,
    );
    console.log('subscriptions  events/job  samples      p50      p95      max  server RSS');
    for (const count of s.subscriptionCounts) {
      const results: PhaseResult[] = [];
      for (let i = 0; i < s.jobs; i++) {
        const property = properties[i % properties.length] as Property;
        results.push(await measureJob(url, authorization, property, count, s.timeoutSeconds * 1_000, serverPid));
      }
      const samples = results.flatMap((r) => r.samplesMs).sort((a, b) => a - b);
      const events = Math.round(results.reduce((n, r) => n + r.events, 0) / results.length);
      const rss = Math.max(...results.map((r) => r.serverRssBytes));
      const ms = (v: number): string => `${Math.round(v)} ms`.padStart(8);
      console.log(
        `${String(count).padStart(13)}  ${String(events).padStart(10)}  ${String(samples.length).padStart(7)} ${ms(percentile(samples, 50))} ${ms(percentile(samples, 95))} ${ms(samples.at(-1) ?? Number.NaN)}  ${mib(rss)}`,
      );
    }
    console.log(`\nServer RSS idle (no subscription): ${mib(idleRss)}`);
    await keys.revoke(record.id);
  } finally {
    for (const service of services.reverse()) await service.stop();
    await db.dropDatabase();
    await mongo.close();
    await rm(imagesDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { freePort } from './support/free-port.js';
import { startFreezingProxy } from './support/freezing-proxy.js';
import type { FreezingProxy } from './support/freezing-proxy.js';
import { openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** The worker's readiness deadline for its database read (`READINESS_TIMEOUT_MS`), plus slack for a loaded 2-core machine. */
const READY_503_WITHIN_MS = 2_000 + 2_000;
/** Watchdog timings of these workers, in ms. */
const WATCHDOG = { intervalMs: 1_000, timeoutMs: 1_000 };
/** README's bound from the first unanswered read to the exit: `WATCHDOG_INTERVAL_MS + 6 × WATCHDOG_TIMEOUT_MS`; 5 s slack. */
const EXIT_WITHIN_MS = WATCHDOG.intervalMs + 6 * WATCHDOG.timeoutMs + 5_000;
/** `SHUTDOWN_GRACE_PERIOD` of the SIGTERM test, in s. */
const GRACE_S = 3;
/** README's bound for a stop: the grace period plus 20 s; 3 s slack. */
const STOP_WITHIN_MS = GRACE_S * 1_000 + 20_000 + 3_000;

/** Resolves with the exit code (or signal) and the time from `since`, or `'running'` after `timeoutMs`. */
async function exitWithin(
  exited: Promise<number | string>,
  since: number,
  timeoutMs: number,
): Promise<{ code: number | string; ms: number }> {
  let timer: NodeJS.Timeout | undefined;
  const running = new Promise<'running'>((resolve) => {
    timer = setTimeout(() => resolve('running'), timeoutMs);
  });
  const code = await Promise.race([exited, running]).finally(() => clearTimeout(timer));
  return { code, ms: performance.now() - since };
}

describe('a worker whose database takes connections and answers handshakes, but no query', () => {
  let suite: WorkerSuite;
  let proxy: FreezingProxy;
  let proxyUri: string;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('frozen');
    properties = await sampleProperties(/Garwood|Chicago|New York/);
  });
  afterEach(async () => {
    suite.killWorkers();
    await proxy?.close();
  });
  afterAll(async () => suite?.close());

  /** A fresh proxy to the suite's database for each test (a stall is for good). */
  async function newProxy(): Promise<void> {
    proxy = await startFreezingProxy(Number(new URL(suite.uri).port));
    proxyUri = `mongodb://127.0.0.1:${proxy.port}/`;
  }

  it(`answers /readyz 503 naming the database read within ${READY_503_WITHIN_MS} ms; /healthz stays 200`, async () => {
    await newProxy();
    const port = await freePort();
    // A long watchdog interval: readiness alone is under test.
    await suite.startWorker('frozen-ready', { MONGODB_URI: proxyUri, METRICS_PORT: String(port), WATCHDOG_INTERVAL_MS: '600000' });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).status === 200, 30_000);
    proxy.stallQueries();
    const startedAt = performance.now();
    const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(30_000) });
    const ms = performance.now() - startedAt;
    const body = (await response.json()) as { ok: boolean; reason?: string };
    process.stdout.write(`frozen database: worker /readyz ${response.status} in ${ms.toFixed(0)} ms: ${body.reason}\n`);
    expect(response.status).toBe(503);
    expect(body.reason).toMatch(/read of .* did not answer within 2000 ms/);
    expect(ms).toBeLessThan(READY_503_WITHIN_MS);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  }, 120_000);

  it(`exits 1 within WATCHDOG_INTERVAL_MS + 6 × WATCHDOG_TIMEOUT_MS (${EXIT_WITHIN_MS} ms with slack), not rebuilding forever`, async () => {
    await newProxy();
    const worker = await suite.startWorker('frozen-watchdog', {
      MONGODB_URI: proxyUri,
      WATCHDOG_INTERVAL_MS: String(WATCHDOG.intervalMs),
      WATCHDOG_TIMEOUT_MS: String(WATCHDOG.timeoutMs),
    });
    proxy.stallQueries();
    const { code, ms } = await exitWithin(worker.exited(), performance.now(), 120_000);
    const rebuilds = worker
      .output()
      .split('\n')
      .filter((line) => line.includes('database connection rebuilt')).length;
    process.stdout.write(`frozen database: worker exit ${code} after ${ms.toFixed(0)} ms, ${rebuilds} rebuilds\n`);
    expect(code, worker.output()).toBe(1);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(worker.output()).toContain('database connection past repair');
  }, 180_000);

  it(`on SIGTERM ends within SHUTDOWN_GRACE_PERIOD + 20 s (${STOP_WITHIN_MS} ms with slack), naming the job it could not hand back`, async () => {
    await newProxy();
    const worker = await suite.startWorker('frozen-stop', {
      MONGODB_URI: proxyUri,
      SHUTDOWN_GRACE_PERIOD: String(GRACE_S),
      PROPERTY_CONCURRENCY: '1',
      MAX_CONCURRENT_JOBS: '1',
      WATCHDOG_INTERVAL_MS: '600000',
    });
    const job = await suite.service.enqueueExtraction({ properties });
    await waitForJob(suite.service, job.id, (j) => j.status === 'in_progress', 60_000);
    proxy.stallQueries();
    const startedAt = performance.now();
    worker.child.kill('SIGTERM');
    const { code, ms } = await exitWithin(worker.exited(), startedAt, 120_000);
    const line = worker
      .output()
      .split('\n')
      .find((l) => l.includes('could not be handed back'));
    process.stdout.write(`frozen database: SIGTERM, exit ${code} after ${ms.toFixed(0)} ms; ${line}\n`);
    expect(code, worker.output()).toBe(1);
    expect(ms).toBeLessThan(STOP_WITHIN_MS);
    expect(line, worker.output()).toContain(job.id);
  }, 180_000);
});

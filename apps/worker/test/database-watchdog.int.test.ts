import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { freePort } from './support/free-port.js';
import { closeOnOwnFerretDb, ownFerretDbOptions, startLocalMongo, stopLocalMongo } from './support/own-ferretdb.js';
import type { LocalMongoOptions } from './support/own-ferretdb.js';
import { openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** Outages of this test, in ms (the full matrix of 5, 18, 35 and 120 s runs in `tools/src/bench/outage-main.ts`). */
const OUTAGES_MS = [5_000, 18_000, 5_000, 18_000];
/** The bound: a new job is taken within 30 s of the database returning; slack for a loaded 2-core machine. */
const TAKE_WITHIN_MS = 30_000 + 10_000;
const WATCHDOG_ENV = { WATCHDOG_INTERVAL_MS: '1000', WATCHDOG_TIMEOUT_MS: '2000' };

async function status(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
    return res.status;
  } catch {
    return 0;
  }
}

describe('a worker heals itself: watchdog, /healthz and /readyz on the metrics port', () => {
  let server: LocalMongoOptions;
  let suite: WorkerSuite;
  let property: Property;

  beforeAll(async () => {
    server = await ownFerretDbOptions('watchdog');
    const { uri } = await startLocalMongo(server);
    suite = await openWorkerSuite('watchdog', uri);
    property = (await sampleProperties(/Garwood/))[0]!;
  }, 120_000);
  afterAll(async () => closeOnOwnFerretDb(server, suite), 60_000);

  it('after outages of 5 and 18 s (twice each) takes a new job within 30 s of the database returning; /readyz follows the database', async () => {
    const port = await freePort();
    const worker = await suite.startWorker('watchdog-outages', { ...WATCHDOG_ENV, METRICS_PORT: String(port) });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await status(`${base}/readyz`)) === 200, 30_000);
    expect(await status(`${base}/healthz`)).toBe(200);
    const figures: number[] = [];
    for (const outageMs of OUTAGES_MS) {
      expect(await stopLocalMongo(server)).toBe(true);
      await waitFor(async () => (await status(`${base}/readyz`)) === 503, 15_000);
      expect(await status(`${base}/healthz`)).toBe(200);
      await sleep(outageMs);
      await startLocalMongo(server);
      const backAt = Date.now();
      const job = await suite.service.enqueueExtraction({ properties: [property], dryRun: true });
      await waitForJob(suite.service, job.id, (j) => j.status !== 'pending', TAKE_WITHIN_MS + 5_000);
      figures.push(Date.now() - backAt);
      await waitFor(async () => (await status(`${base}/readyz`)) === 200, 30_000);
    }
    process.stdout.write(
      `watchdog figures: ms from the database's return to the new job taken, per outage ${JSON.stringify(OUTAGES_MS)}: ${JSON.stringify(figures)}\n`,
    );
    for (const ms of figures) expect(ms).toBeLessThanOrEqual(TAKE_WITHIN_MS);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 600_000);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkerRegistry } from '@phx/jobs';
import { closeOnOwnFerretDb, ownFerretDbOptions, startLocalMongo, stopLocalMongo } from './support/own-ferretdb.js';
import type { LocalMongoOptions } from './support/own-ferretdb.js';
import { openWorkerSuite, waitFor } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** Longer than the driver's 30 s server selection timeout, so heartbeat writes fail rather than wait the outage out. */
const OUTAGE_MS = 35_000;
const HEARTBEAT_MS = 500;

describe('worker registry through a database outage (FerretDB stopped, then started again)', () => {
  let server: LocalMongoOptions;
  let suite: WorkerSuite;

  beforeAll(async () => {
    server = await ownFerretDbOptions('registry-outage');
    const { uri } = await startLocalMongo(server);
    suite = await openWorkerSuite('regoutage', uri);
  }, 120_000);
  afterAll(async () => closeOnOwnFerretDb(server, suite), 60_000);

  it('logs the failed heartbeats, keeps running, and heartbeats again once the database is back', async () => {
    const worker = await suite.startWorker('registry-outage', { WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    const registry = new WorkerRegistry({ db: suite.db });
    const pid = worker.child.pid;
    expect((await registry.list()).find((w) => w.pid === pid)?.alive).toBe(true);

    expect(await stopLocalMongo(server)).toBe(true);
    await sleep(OUTAGE_MS);
    expect(worker.child.exitCode).toBeNull();
    expect(worker.output()).toContain('worker heartbeat failed; retrying');
    await startLocalMongo(server);
    const back = Date.now();

    await waitFor(async () => {
      const self = (await registry.list().catch(() => [])).find((w) => w.pid === pid);
      return self !== undefined && self.alive && self.lastHeartbeatAt.getTime() > back;
    }, 60_000);
    expect(worker.child.exitCode).toBeNull();
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect((await registry.list()).find((w) => w.pid === pid)).toBeUndefined();
  }, 180_000);
});

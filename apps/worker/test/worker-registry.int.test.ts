import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { STALE_WORKER_AFTER_MS, WORKERS_COLLECTION, WorkerRegistry } from '@phx/jobs';
import type { WorkerView } from '@phx/jobs';
import { openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** A short heartbeat, so that a killed worker turns not alive (after 3 intervals) within the test. */
const HEARTBEAT_MS = 300;

describe('worker registry: each worker process registers, heartbeats its running jobs and leaves on SIGTERM', () => {
  let suite: WorkerSuite;
  let registry: WorkerRegistry;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('registry');
    registry = new WorkerRegistry({ db: suite.db });
    properties = await sampleProperties(/Garwood|Chicago|New York/);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  const workerWithPid = async (pid: number | undefined): Promise<WorkerView | undefined> =>
    (await registry.list()).find((w) => w.pid === pid);

  it('shows a worker alive with the job it runs; after kill -9 it turns not alive after 3 heartbeat intervals', async () => {
    const startedAt = Date.now();
    const worker = await suite.startWorker('registry-1', {
      WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS),
      MAX_CONCURRENT_JOBS: '2',
      PROPERTY_CONCURRENCY: '1',
    });
    const pid = worker.child.pid;
    const registered = await workerWithPid(pid);
    expect(registered).toMatchObject({ pid, concurrency: 2, heartbeatIntervalMs: HEARTBEAT_MS, alive: true, runningJobs: [] });
    expect(registered?.id).toMatch(new RegExp(`^[^:]+:${pid}:[0-9a-f]{6}$`));
    expect(registered?.startedAt.getTime()).toBeGreaterThanOrEqual(startedAt - 1_000);

    const job = await suite.service.enqueueExtraction({ properties });
    let seen: WorkerView | undefined;
    await waitFor(async () => {
      seen = await workerWithPid(pid);
      return seen?.runningJobs.some((r) => r.jobId === job.id) === true;
    }, 60_000);
    expect(seen?.alive).toBe(true);
    const since = seen?.runningJobs[0]?.since.getTime() ?? 0;
    const running = await suite.service.getJob(job.id);
    // Taken up by this worker (the queue handed it over just before the run started).
    expect(running.workerName).toBe('registry-1');
    expect(Math.abs(since - (running.startedAt?.getTime() ?? 0))).toBeLessThan(5_000);
    // The heartbeats go on while it runs.
    const before = seen?.lastHeartbeatAt.getTime() ?? 0;
    await waitFor(async () => ((await workerWithPid(pid))?.lastHeartbeatAt.getTime() ?? 0) > before, 5_000);

    await waitForJob(suite.service, job.id, (j) => j.status === 'completed', 120_000);
    await waitFor(async () => (await workerWithPid(pid))?.runningJobs.length === 0, 5_000);

    worker.child.kill('SIGKILL');
    expect(await worker.exited()).toBe('SIGKILL');
    const killedAt = Date.now();
    // Still alive within 3 intervals of its last heartbeat, then not alive, and still listed.
    await waitFor(async () => (await workerWithPid(pid))?.alive === false, 10_000);
    const dead = await workerWithPid(pid);
    expect(Date.now() - (dead?.lastHeartbeatAt.getTime() ?? 0)).toBeGreaterThan(3 * HEARTBEAT_MS);
    expect(dead?.lastHeartbeatAt.getTime()).toBeLessThanOrEqual(killedAt);
  }, 240_000);

  it('deletes its registration on SIGTERM; a registration 24 h past its last heartbeat is deleted when read', async () => {
    const worker = await suite.startWorker('registry-2', { WORKER_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    const pid = worker.child.pid;
    expect((await workerWithPid(pid))?.alive).toBe(true);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect(await workerWithPid(pid)).toBeUndefined();
    expect(await suite.db.collection(WORKERS_COLLECTION).countDocuments({ pid })).toBe(0);

    const lastHeartbeatAt = new Date(Date.now() - STALE_WORKER_AFTER_MS - 60_000);
    const old = { hostname: 'gone', pid: 1, startedAt: lastHeartbeatAt, lastHeartbeatAt, heartbeatIntervalMs: 10_000, concurrency: 1 };
    await registry.save({ id: 'gone:1:aaaaaa', ...old, runningJobs: [] });
    await registry.save({ id: 'gone:2:bbbbbb', ...old, pid: 2, lastHeartbeatAt: new Date(Date.now() - 60_000), runningJobs: [] });
    expect((await registry.list()).map((w) => [w.id, w.alive])).toContainEqual(['gone:2:bbbbbb', false]);
    expect(await suite.db.collection(WORKERS_COLLECTION).countDocuments({ _id: 'gone:1:aaaaaa' as never })).toBe(0);
  }, 120_000);
});

import { hostname } from 'node:os';
import { WorkerPresence, WorkerRegistry } from '@phx/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';

const WORKERS = `{ workers { id hostname pid startedAt lastHeartbeatAt alive concurrency runningJobs { jobId since } } }`;

interface Worker {
  readonly id: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly lastHeartbeatAt: string;
  readonly alive: boolean;
  readonly concurrency: number;
  readonly runningJobs: { jobId: string; since: string }[];
}

describe('workers over real HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;
  let presence: WorkerPresence;
  const since = new Date('2026-01-02T03:04:05.000Z');
  const jobId = '0b7c6a55-3f7e-4c8e-9a43-2f0b7a1d9c11';

  beforeAll(async () => {
    harness = await openGraphqlHarness('workers');
    url = await harness.server.start();
    presence = new WorkerPresence({
      db: harness.database.db,
      heartbeatIntervalMs: 200,
      concurrency: 3,
      runningJobs: () => [{ jobId, since }],
    });
    await presence.start();
    // A worker whose last heartbeat (1 minute ago) is older than 3 of its 10-second intervals.
    const minuteAgo = new Date(Date.now() - 60_000);
    await new WorkerRegistry({ db: harness.database.db }).save({
      id: 'other-host:7:abcdef',
      hostname: 'other-host',
      pid: 7,
      startedAt: new Date(Date.now() - 3_600_000),
      lastHeartbeatAt: minuteAgo,
      heartbeatIntervalMs: 10_000,
      concurrency: 1,
      runningJobs: [],
    });
  });
  afterAll(async () => {
    await presence?.stop();
    await harness?.close();
  });

  const workers = async (): Promise<Worker[]> => {
    const response = await postGraphql<{ workers: Worker[] }>(url, WORKERS, {}, harness.readKey.authorization);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.workers ?? [];
  };

  it('lists every registered worker, oldest start first, alive while it heartbeats, with its running jobs', async () => {
    const [other, self] = await workers();
    expect(other).toMatchObject({
      id: 'other-host:7:abcdef',
      hostname: 'other-host',
      pid: 7,
      alive: false,
      concurrency: 1,
      runningJobs: [],
    });
    expect(self).toMatchObject({
      id: presence.id,
      hostname: hostname(),
      pid: process.pid,
      alive: true,
      concurrency: 3,
      runningJobs: [{ jobId, since: since.toISOString() }],
    });
    // Its heartbeats go on: a later read shows a later one.
    const first = Date.parse(self?.lastHeartbeatAt ?? '');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [, later] = await workers();
    expect(Date.parse(later?.lastHeartbeatAt ?? '')).toBeGreaterThan(first);
    // Stopped (a clean shutdown): its registration is gone.
    await presence.stop();
    expect((await workers()).map((w) => w.id)).toEqual(['other-host:7:abcdef']);
  });
});

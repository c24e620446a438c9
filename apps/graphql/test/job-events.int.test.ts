import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPropertiesCsv } from '@phx/core';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertTestApiKey } from './support/api-keys.js';
import { startChildService, type ChildService } from './support/child-service.js';
import { postGraphql } from './support/http-graphql.js';
import { recordSubscription, within, type ExecutionResult } from './support/subscription-recorder.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_MAIN = join(WORKSPACE, 'apps/worker/dist/main.js');
const GRAPHQL_MAIN = join(WORKSPACE, 'apps/graphql/dist/main.js');
const SAMPLE_CSV = join(WORKSPACE, 'tools/data/sample-properties.csv');
const JOB_TIMEOUT_MS = 180_000;

const COUNTERS =
  'totalProperties completedProperties failedProperties totalImages newImages duplicateImages failedImages unchangedImages removedImages';
const EVENTS = `subscription($filter: JobEventFilter!, $after: [ID!]) {
  jobEvents(filter: $filter, afterEventId: $after) { id jobId seq type status propertyId address source sha256 isNew propertyStatus error { code } counters { ${COUNTERS} } }
}`;
const PROGRESS = `subscription($jobId: ID!) { jobProgress(jobId: $jobId) { id status ${COUNTERS} } }`;

interface EventView {
  readonly id: string;
  readonly jobId: string;
  readonly seq: number;
  readonly type: string;
  readonly status: string;
  readonly propertyId: string | null;
  readonly sha256: string | null;
  readonly isNew: boolean | null;
  readonly propertyStatus: string | null;
  readonly counters: Record<string, number>;
}
type Counters = Record<string, number>;

describe('jobEvents across processes: one worker, two API servers, reconnect with the last event id', () => {
  let database: TestDatabase;
  let imagesDir: string;
  let worker: ChildService | undefined;
  const servers: ChildService[] = [];
  const urls: string[] = [];
  const clients: Client[] = [];
  let authorization: string;

  const connect = (url: string): Client => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization },
    });
    clients.push(client);
    return client;
  };
  const eventsOf = (results: readonly ExecutionResult<{ jobEvents: EventView }>[]): EventView[] =>
    results.map((r) => {
      expect(r.errors).toBeUndefined();
      return r.data?.jobEvents as EventView;
    });

  beforeAll(async () => {
    for (const script of [WORKER_MAIN, GRAPHQL_MAIN]) {
      if (!existsSync(script)) throw new Error(`${script} is missing; build first (nx run-many -t build)`);
    }
    database = await openTestDatabase('events');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-events-images-'));
    authorization = (await insertTestApiKey(database.db, 'admin')).authorization;
    const env = { MONGODB_URI: database.uri, MONGODB_DB: database.name, LOG_LEVEL: 'warn' };
    worker = await startChildService({
      name: 'worker',
      script: WORKER_MAIN,
      env: { ...env, LOG_LEVEL: 'info', PHX_SCRAPER_MODE: 'replay', PHX_IMAGES_DIR: imagesDir, METRICS_PORT: '0' },
      readyPattern: /worker ready/,
      readyTimeoutMs: 120_000,
    });
    for (const name of ['graphql-a', 'graphql-b']) {
      const server = await startChildService({
        name,
        script: GRAPHQL_MAIN,
        env: { ...env, LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', PROPERTIES_CSV: SAMPLE_CSV, PHX_IMAGES_DIR: imagesDir },
        readyPattern: /graphql ready/,
        readyTimeoutMs: 60_000,
      });
      servers.push(server);
      urls.push((JSON.parse(server.readyLine) as { url: string }).url);
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(servers.map((s) => s.stop()));
    await worker?.stop();
    await database?.drop();
    if (imagesDir !== undefined) await rm(imagesDir, { recursive: true, force: true });
  }, 120_000);

  it(
    'both servers deliver every event once and in order; a client that drops its socket mid-job resumes on the other server with the last id',
    async () => {
      const [urlA, urlB] = urls as [string, string];
      const [property] = await loadPropertiesCsv(SAMPLE_CSV);
      if (property === undefined) throw new Error('empty sample catalog');
      const enqueue = `mutation($a: [String!]) { enqueueExtraction(input: { addresses: $a, sources: ["zillow"] }) { id status } }`;
      const enqueued = await postGraphql<{ enqueueExtraction: { id: string } }>(urlA, enqueue, { a: [property.address] }, authorization);
      const jobId = enqueued.body.data?.enqueueExtraction.id;
      expect(jobId, JSON.stringify(enqueued.body)).toBeDefined();
      if (jobId === undefined) return;
      const filter = { jobIds: [jobId] };

      const onA = recordSubscription<{ jobEvents: EventView }>(connect(urlA), EVENTS, { filter });
      const onB = recordSubscription<{ jobEvents: EventView }>(connect(urlB), EVENTS, { filter });
      const progressOnB = recordSubscription<{ jobProgress: Counters & { status: string } }>(connect(urlB), PROGRESS, { jobId });

      // The dropping client: on B, its socket closed as soon as the first photo is stored (mid-job).
      const dropping = connect(urlB);
      const beforeDrop = recordSubscription<{ jobEvents: EventView }>(dropping, EVENTS, { filter: { ...filter } });
      for (let count = 1; ; count += 1) {
        const result = await beforeDrop.waitForResult(count, JOB_TIMEOUT_MS);
        if (result.data?.jobEvents.type === 'PHOTO_STORED') break;
      }
      await dropping.dispose();
      const seenBeforeDrop = eventsOf(beforeDrop.results);
      const lastSeen = seenBeforeDrop.at(-1) as EventView;
      expect(lastSeen.status, 'the socket dropped while the job ran').toBe('IN_PROGRESS');

      const resumed = recordSubscription<{ jobEvents: EventView }>(connect(urlA), EVENTS, { filter, after: [lastSeen.id] });
      await within(
        Promise.all([onA.completed, onB.completed, resumed.completed, progressOnB.completed]),
        JOB_TIMEOUT_MS,
        'the job end on every subscription',
      );

      const all = eventsOf(onA.results);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      expect(eventsOf(onB.results)).toEqual(all);
      // None lost, none twice: what came before the drop and after the resume is the whole log.
      expect([...seenBeforeDrop, ...eventsOf(resumed.results)].map((e) => e.id)).toEqual(all.map((e) => e.id));

      const final = (
        await postGraphql<{ job: Counters & { status: string } }>(
          urlB,
          `query($id: ID!) { job(id: $id) { status ${COUNTERS} } }`,
          { id: jobId },
          authorization,
        )
      ).body.data?.job;
      expect(final?.status).toBe('COMPLETED');
      const { status: finalStatus, ...finalCounters } = final as Counters & { status: string };
      expect(all[0]).toMatchObject({ type: 'STATUS', status: 'IN_PROGRESS' });
      expect(all.at(-1)).toMatchObject({ type: 'STATUS', status: finalStatus, counters: finalCounters });
      const stored = all.filter((e) => e.type === 'PHOTO_STORED');
      expect(stored.length).toBe(finalCounters['totalImages']);
      expect(stored.filter((e) => e.isNew === true).length).toBe(finalCounters['newImages']);
      expect(all.filter((e) => e.type === 'PROPERTY_STARTED').map((e) => e.propertyId)).toEqual([property.id]);
      expect(all.filter((e) => e.type === 'PROPERTY_FINISHED').map((e) => [e.propertyId, e.propertyStatus])).toEqual([
        [property.id, 'COMPLETED'],
      ]);
      // Counters never go back, and each stored photo adds one to totalImages.
      for (const [i, event] of all.entries()) {
        const before = all[i - 1];
        if (before === undefined) continue;
        expect(event.counters['totalImages']).toBeGreaterThanOrEqual(before.counters['totalImages'] as number);
        if (event.type === 'PHOTO_STORED') expect(event.counters['totalImages']).toBe((before.counters['totalImages'] as number) + 1);
      }
      const progress = progressOnB.results.map((r) => r.data?.jobProgress);
      expect(progress.at(-1)).toMatchObject({ id: jobId, status: finalStatus, ...finalCounters });

      // A finished job: the whole log again and the end; after the last id, nothing and the end; jobProgress its final state and the end.
      const replay = recordSubscription<{ jobEvents: EventView }>(connect(urlB), EVENTS, { filter });
      const afterLast = recordSubscription<{ jobEvents: EventView }>(connect(urlA), EVENTS, {
        filter,
        after: [(all.at(-1) as EventView).id],
      });
      const onlyStatus = recordSubscription<{ jobEvents: EventView }>(connect(urlA), EVENTS, { filter: { ...filter, types: ['STATUS'] } });
      const finalProgress = recordSubscription<{ jobProgress: Counters }>(connect(urlA), PROGRESS, { jobId });
      await within(
        Promise.all([replay.completed, afterLast.completed, onlyStatus.completed, finalProgress.completed]),
        30_000,
        'subscriptions to the finished job',
      );
      expect(eventsOf(replay.results)).toEqual(all);
      expect(afterLast.results).toEqual([]);
      expect(eventsOf(onlyStatus.results).map((e) => e.status)).toEqual(['IN_PROGRESS', 'COMPLETED']);
      expect(finalProgress.results.map((r) => r.data?.jobProgress)).toEqual([{ id: jobId, status: finalStatus, ...finalCounters }]);
    },
    JOB_TIMEOUT_MS + 60_000,
  );

  it('answers NOT_FOUND for an unknown job and BAD_USER_INPUT for a malformed or foreign event id, over the socket', async () => {
    const client = connect(urls[0] as string);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const errorOf = async (variables: Record<string, unknown>): Promise<unknown> => {
      const recorder = recordSubscription<{ jobEvents: EventView }>(client, EVENTS, variables);
      await within(recorder.completed, 10_000, 'the refusal');
      expect(recorder.results).toHaveLength(1);
      return recorder.results[0]?.errors?.[0];
    };
    expect(await errorOf({ filter: { jobIds: [unknown] } })).toMatchObject({
      extensions: { code: 'NOT_FOUND', entity: 'job', id: unknown },
    });
    expect(await errorOf({ filter: { jobIds: [unknown] }, after: ['not-an-event-id'] })).toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'afterEventId', message: '"not-an-event-id" is not a job event id (use the id of an event you received)' }],
      },
    });
    const foreign = Buffer.from('11111111-1111-4111-8111-111111111111:3').toString('base64url');
    expect(await errorOf({ filter: { jobIds: [unknown] }, after: [foreign] })).toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        issues: [
          {
            path: 'afterEventId',
            message: 'the event id is of job 11111111-1111-4111-8111-111111111111, which is not among the jobs followed',
          },
        ],
      },
    });
    expect(await errorOf({ filter: { jobIds: [] } })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'jobIds', message: 'give at least one job id' }] },
    });
    expect(await errorOf({ filter: { jobIds: ['nope'] } })).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

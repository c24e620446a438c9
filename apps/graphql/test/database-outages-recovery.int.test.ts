import { loadPropertiesCsv } from '@phx/core';
import { statusEventBody, toJobEventCounters, JobEventLog } from '@phx/jobs';
import { createClient, type Client } from 'graphql-ws';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SAMPLE_CSV, startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { postGraphql } from './support/http-graphql.js';
import { startOwnFerretDb, type OwnFerretDb } from './support/own-ferretdb.js';
import { recordSubscription, type SubscriptionRecorder } from './support/subscription-recorder.js';

/** How long the database stays down in each outage, in ms (the user waited 9-14 s); the user's server recovered from the first and stayed on 503 after the second. */
const OUTAGES_MS = [9_000, 14_000, 11_000] as const;
const OUTAGES = OUTAGES_MS.length;
/** After a restart, a keyed request, `/readyz` and the subscriber must be served again within this, in ms. */
const RECOVERY_BOUND_MS = 20_000;
/** Pause between two tries while waiting for the recovery, in ms. */
const RETRY_MS = 250;

const EVENTS = `subscription($filter: JobEventFilter!) { jobEvents(filter: $filter) { id jobId seq type status } }`;
const ENQUEUE = `mutation($a: [String!]) { enqueueExtraction(input: { addresses: $a, sources: ["zillow"] }) { id status } }`;

interface EventView {
  readonly id: string;
  readonly seq: number;
  readonly status: string;
}

/** POSTs a keyed query with a deadline; resolves with its HTTP status (0 when it did not answer). */
async function keyedStatus(server: GraphqlProcess): Promise<number> {
  try {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
      body: JSON.stringify({ query: '{ schedules { id } }' }),
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** GETs `/readyz` with a deadline; resolves with its HTTP status (0 when it did not answer). */
async function readyzStatus(server: GraphqlProcess): Promise<number> {
  try {
    const response = await fetch(`${server.origin}/readyz`, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** Retries `probe` until it holds; resolves with the ms it took, or `null` past `boundMs`. */
async function msUntil(probe: () => Promise<boolean>, boundMs: number): Promise<number | null> {
  const startedAt = performance.now();
  while (performance.now() - startedAt < boundMs) {
    if (await probe()) return performance.now() - startedAt;
    await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
  }
  return null;
}

/** Appends one `in_progress` status event to a job's log on a connection of its own (the test's client may be the broken one). */
async function appendEvent(uri: string, dbName: string, jobId: string): Promise<void> {
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    await new JobEventLog({ db: client.db(dbName) }).append(jobId, [statusEventBody('in_progress', toJobEventCounters({}), null)]);
  } finally {
    await client.close();
  }
}

describe('MongoDB down and up again, several times: the server serves again after each restart', () => {
  let database: OwnFerretDb;
  let server: GraphqlProcess;
  let client: Client;
  let events: SubscriptionRecorder<{ jobEvents: EventView }>;
  let jobId: string;

  beforeAll(async () => {
    database = await startOwnFerretDb();
    server = await startGraphqlProcess('outages', {}, database.uri);
    const [property] = await loadPropertiesCsv(SAMPLE_CSV);
    if (property === undefined) throw new Error('empty sample catalog');
    const enqueued = await postGraphql<{ enqueueExtraction: { id: string } }>(
      server.url,
      ENQUEUE,
      { a: [property.address] },
      server.adminKey.authorization,
    );
    const id = enqueued.body.data?.enqueueExtraction.id;
    if (id === undefined) throw new Error(`enqueue failed: ${JSON.stringify(enqueued.body)}`);
    jobId = id;
    client = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: server.readKey.authorization },
    });
    events = recordSubscription<{ jobEvents: EventView }>(client, EVENTS, { filter: { jobIds: [jobId] } });
    await appendEvent(database.uri, server.database.name, jobId);
    await events.waitForResult(1, RECOVERY_BOUND_MS);
  }, 120_000);
  afterAll(async () => {
    await client?.dispose();
    await database?.start();
    await server?.close();
    await database?.remove();
  }, 120_000);

  it(
    `after each of ${OUTAGES} outages of 9-14 s: a keyed request and /readyz answer 200, and the subscriber gets the next event, within ${RECOVERY_BOUND_MS / 1000} s`,
    async () => {
      const figures: string[] = [];
      for (let outage = 1; outage <= OUTAGES; outage += 1) {
        await database.stop();
        // Requests during the outage, as the user sent them; the open subscription polls meanwhile.
        const downUntil = performance.now() + (OUTAGES_MS[outage - 1] ?? 0);
        while (performance.now() < downUntil) {
          expect(await keyedStatus(server)).not.toBe(200);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        await database.start();
        const httpMs = await msUntil(async () => (await keyedStatus(server)) === 200, RECOVERY_BOUND_MS);
        const readyMs = await msUntil(async () => (await readyzStatus(server)) === 200, RECOVERY_BOUND_MS);
        const seen = events.results.length;
        const startedAt = performance.now();
        await appendEvent(database.uri, server.database.name, jobId);
        const delivered = await events.waitForResult(seen + 1, RECOVERY_BOUND_MS).then(
          () => performance.now() - startedAt,
          () => null,
        );
        const line = `outage ${outage}: keyed 200 after ${httpMs?.toFixed(0) ?? 'never'} ms, /readyz 200 after ${readyMs?.toFixed(0) ?? 'never'} ms, event delivered after ${delivered?.toFixed(0) ?? 'never'} ms`;
        figures.push(line);
        process.stdout.write(`${line}\n`);
        expect({ outage, httpMs, readyMs, delivered }).toEqual({
          outage,
          httpMs: expect.any(Number),
          readyMs: expect.any(Number),
          delivered: expect.any(Number),
        });
      }
      expect(events.results.every((result) => result.errors === undefined)).toBe(true);
      expect(events.results.map((result) => result.data?.jobEvents.seq)).toEqual(events.results.map((_, index) => index + 1));
    },
    OUTAGES * (14_000 + 3 * RECOVERY_BOUND_MS + 20_000),
  );
});

import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql as postGraphqlWithKey } from './support/http-graphql.js';
import { workerProgress } from './support/job-progress.js';
import { DAVIS_ADDRESS, EXAMPLE_ADDRESS } from './support/sample-properties.js';
import { recordSubscription, within } from './support/subscription-recorder.js';

const PROGRESS = `subscription Progress($jobId: ID!) {
  jobProgress(jobId: $jobId) { id status totalProperties completedProperties failedProperties totalImages newImages duplicateImages failedImages completedAt }
}`;
const ENQUEUE = `mutation Enqueue($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status totalProperties } }`;

interface ProgressView {
  readonly id: string;
  readonly status: string;
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly totalImages: number;
  readonly newImages: number;
  readonly duplicateImages: number;
  readonly completedAt: string | null;
}

const progress = (done: number, images: number) => workerProgress(2, done, images);

describe('GraphQL over real HTTP and graphql-ws on one port', () => {
  let harness: GraphqlHarness;
  let url: string;
  const clients: Client[] = [];
  // Every request here carries the harness's admin key; access.int.test.ts covers the key rules.
  const postGraphql = <T>(endpoint: string, query: string, variables: Record<string, unknown> = {}) =>
    postGraphqlWithKey<T>(endpoint, query, variables, harness.adminKey.authorization);

  const wsClient = (): Client => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      connectionParams: { authorization: harness.adminKey.authorization },
    });
    clients.push(client);
    return client;
  };
  const enqueue = async (input: Record<string, unknown>): Promise<{ id: string; status: string }> => {
    const response = await postGraphql<{ enqueueExtraction: { id: string; status: string } }>(url, ENQUEUE, { input });
    expect(response.status).toBe(200);
    const job = response.body.data?.enqueueExtraction;
    if (job === undefined) throw new Error(`enqueue failed: ${JSON.stringify(response.body)}`);
    return job;
  };

  beforeAll(async () => {
    harness = await openGraphqlHarness('wire');
    url = await harness.server.start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers /healthz and /readyz', async () => {
    const base = new URL(url).origin;
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('enqueues over HTTP and pushes each change over the WebSocket until the job completes', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS, EXAMPLE_ADDRESS] });
    expect(job.status).toBe('PENDING');
    const sub = recordSubscription<{ jobProgress: ProgressView }>(wsClient(), PROGRESS, { jobId: job.id });
    const first = await sub.waitForResult(1);
    expect(first.data?.jobProgress).toMatchObject({ id: job.id, status: 'PENDING', completedProperties: 0 });

    // Play the worker, one change at a time, each awaited on the subscription.
    const run = 1;
    await harness.repository.startRun(job.id, { runNumber: run, workerName: 'wire-test', now: new Date() });
    expect((await sub.waitForResult(2)).data?.jobProgress).toMatchObject({ status: 'IN_PROGRESS', totalImages: 0 });
    await harness.repository.saveProgress(job.id, run, progress(1, 12), new Date());
    expect((await sub.waitForResult(3)).data?.jobProgress).toMatchObject({
      status: 'IN_PROGRESS',
      completedProperties: 1,
      totalImages: 12,
      newImages: 12,
    });
    await harness.repository.endRun(
      job.id,
      run,
      { status: 'completed', errorMessage: null, cancelRequestedAt: null, progress: progress(2, 20) },
      new Date(),
    );
    await within(sub.completed, 10_000, 'subscription completion');
    const last = sub.results.at(-1)?.data?.jobProgress;
    expect(last).toMatchObject({ status: 'COMPLETED', completedProperties: 2, totalImages: 20 });
    expect(last?.completedAt).not.toBeNull();
    expect(sub.results).toHaveLength(4);
    expect(sub.results.every((r) => r.errors === undefined)).toBe(true);
  });

  it('sends the final state of a finished job and completes', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS] });
    await postGraphql(url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: job.id });
    const sub = recordSubscription<{ jobProgress: ProgressView }>(wsClient(), PROGRESS, { jobId: job.id });
    await within(sub.completed, 10_000, 'subscription completion');
    expect(sub.results.map((r) => r.data?.jobProgress.status)).toEqual(['CANCELLED']);
  });

  it('ends jobEvents of a pending job cancelled with no worker with its CANCELLED status event', async () => {
    const job = await enqueue({ addresses: [EXAMPLE_ADDRESS], dryRun: true, sources: ['zillow'] });
    const sub = recordSubscription<{
      jobEvents: { seq: number; type: string; status: string; error: { code: string; message: string } | null };
    }>(wsClient(), 'subscription($jobIds: [ID!]!) { jobEvents(filter: { jobIds: $jobIds }) { seq type status error { code message } } }', {
      jobIds: [job.id],
    });
    await postGraphql(url, 'mutation($id: ID!) { cancelJob(id: $id) { id } }', { id: job.id });
    await within(sub.completed, 15_000, 'subscription completion');
    expect(sub.results.map((r) => r.data?.jobEvents)).toEqual([
      { seq: 1, type: 'STATUS', status: 'CANCELLED', error: { code: 'CANCELLED', message: 'cancelled by user before it started' } },
    ]);
  });

  it('answers a subscription to an unknown job with NOT_FOUND', async () => {
    const jobId = randomUUID();
    const sub = recordSubscription<{ jobProgress: ProgressView }>(wsClient(), PROGRESS, { jobId });
    await within(sub.completed, 10_000, 'subscription end');
    expect(sub.results).toHaveLength(1);
    expect(sub.results[0]?.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND', id: jobId } });
    expect(harness.progressFeed.watcherCount).toBe(0);
  });

  it('stops watching MongoDB as soon as a client unsubscribes', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS] });
    const sub = recordSubscription<{ jobProgress: ProgressView }>(wsClient(), PROGRESS, { jobId: job.id });
    await sub.waitForResult(1);
    expect(harness.progressFeed.watcherCount).toBe(1);
    sub.unsubscribe();
    await within(
      waitUntil(() => harness.progressFeed.watcherCount === 0),
      5_000,
      'feed release',
    );
  });

  it('maps errors the same way over HTTP (NOT_FOUND, BAD_USER_INPUT naming the value)', async () => {
    const unknown = randomUUID();
    const notFound = await postGraphql(url, 'query($id: ID!) { job(id: $id) { id } }', { id: unknown });
    expect(notFound.status).toBe(200);
    expect(notFound.body.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(notFound.body.errors?.[0]?.message).toContain(unknown);
    const badSource = await postGraphql(url, ENQUEUE, { input: { all: true, sources: ['craigslist'] } });
    expect(badSource.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(badSource.body.errors?.[0]?.message).toContain('"craigslist"');
  });

  it('rejects operations nested deeper than the limit, over HTTP and WebSocket', async () => {
    const deep = `{ job(id: "${randomUUID()}") { propertyOutcomes { failures { code } } properties(first: 1) { totalCount } } }`;
    expect((await postGraphql(url, deep)).status).toBe(200);
    const { server, adminKey } = await openGraphqlHarness('depth', { config: { maxQueryDepth: 3 } }).then((h) => {
      tidy.push(() => h.close());
      return h;
    });
    const shallowKey = adminKey.authorization;
    const shallowUrl = await server.start();
    const rejected = await postGraphqlWithKey(shallowUrl, deep, {}, shallowKey);
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(rejected.body.errors?.[0]?.message).toMatch(/Query depth limit of 3 exceeded, found 4/);

    const client = createClient({
      url: shallowUrl.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: shallowKey },
    });
    clients.push(client);
    const sub = recordSubscription(
      client,
      `subscription($id: ID!) { jobProgress(jobId: $id) { propertyOutcomes { failures { code } } } }`,
      {
        id: randomUUID(),
      },
    );
    const error = await sub.completed.then(
      () => null,
      (e: unknown) => e,
    );
    expect(JSON.stringify(error)).toMatch(/Query depth limit of 3 exceeded, found 4/);
  });

  it('refuses an operation with more aliases than the limit (many aliased job lists overload the database)', async () => {
    const aliased = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: jobs(first: 100) { pageInfo { hasNextPage } }`).join(' ')} }`;
    expect((await postGraphql(url, aliased(5))).status).toBe(200);
    const rejected = await postGraphql(url, aliased(6));
    expect(rejected.status).toBe(400);
    expect(rejected.body.errors?.[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(rejected.body.errors?.[0]?.message).toMatch(/aliases/i);
  });

  it('refuses a body over the size limit with a JSON 413', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: harness.adminKey.authorization },
      body: JSON.stringify({ query: `{ properties { edges { cursor } } }`, variables: { pad: 'x'.repeat(20_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Request body is larger than the server accepts', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
  });

  it('keeps CSRF prevention on: a simple (non-JSON) request is refused', async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent('{ properties { edges { cursor } } }')}`, {
      headers: { authorization: harness.adminKey.authorization },
    });
    expect(response.status).toBe(400);
  });

  const tidy: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of tidy) await close();
  });
});

describe('readiness and shutdown', () => {
  it('answers /readyz with 503 while the database check fails', async () => {
    const harness = await openGraphqlHarness('notready', {
      checkReadiness: async () => {
        throw new Error('database unreachable');
      },
    });
    try {
      const url = await harness.server.start();
      const ready = await fetch(`${new URL(url).origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    } finally {
      await harness.close();
    }
  });

  it('stop() closes open subscriptions and releases the port', async () => {
    const harness = await openGraphqlHarness('stop');
    try {
      const url = await harness.server.start();
      const job = await postGraphqlWithKey<{ enqueueExtraction: { id: string } }>(
        url,
        ENQUEUE,
        { input: { addresses: [DAVIS_ADDRESS] } },
        harness.adminKey.authorization,
      );
      const jobId = job.body.data?.enqueueExtraction.id;
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: harness.adminKey.authorization },
      });
      const sub = recordSubscription(client, PROGRESS, { jobId });
      await sub.waitForResult(1);
      await within(harness.server.stop(), 5_000, 'server stop');
      const ended = await within(
        sub.completed.then(
          () => 'completed',
          () => 'closed',
        ),
        5_000,
        'subscription end',
      );
      expect(['completed', 'closed']).toContain(ended);
      expect(harness.progressFeed.watcherCount).toBe(0);
      await expect(fetch(`${new URL(url).origin}/healthz`)).rejects.toThrow();
      await client.dispose();
    } finally {
      await harness.close();
    }
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { insertTestApiKey, revokeTestApiKey } from './support/api-keys.js';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { createRecordingLogger } from './support/recording-logger.js';
import { DAVIS_ADDRESS } from './support/sample-properties.js';
import { endOf, recordSubscription, within } from './support/subscription-recorder.js';

const ENQUEUE = `mutation Enqueue($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id status } }`;
const PROPERTIES = '{ properties { edges { node { address } } } }';
const PROGRESS = 'subscription($jobId: ID!) { jobProgress(jobId: $jobId) { id status } }';
const REQUIRED_MESSAGE =
  'An API key is required: send "Authorization: Bearer <key>" (over graphql-ws: connection_init payload { authorization: "Bearer <key>" }); create one with `npm run apikey -- create`';

/** What a refused WebSocket reported: the close code and reason. */
interface Closed {
  readonly code: number;
  readonly reason: string;
}

describe('API keys over HTTP and graphql-ws', () => {
  let harness: GraphqlHarness;
  let url: string;
  let origin: string;
  const clients: Client[] = [];

  const wsClient = (connectionParams: Record<string, unknown> | undefined): Client => {
    const client = createClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: true,
      ...(connectionParams === undefined ? {} : { connectionParams }),
    });
    clients.push(client);
    return client;
  };
  const enqueue = async (): Promise<string> => {
    const response = await postGraphql<{ enqueueExtraction: { id: string } }>(
      url,
      ENQUEUE,
      { input: { addresses: [DAVIS_ADDRESS] } },
      harness.adminKey.authorization,
    );
    const id = response.body.data?.enqueueExtraction.id;
    if (id === undefined) throw new Error(JSON.stringify(response.body));
    return id;
  };
  const jobCount = () => harness.database.db.collection('extraction_jobs').countDocuments();
  const closedBy = async (client: Client, query: string, variables: Record<string, unknown> = {}): Promise<Closed> => {
    const sub = recordSubscription(client, query, variables);
    const error = await endOf(sub, 10_000, 'socket close');
    const { code, reason } = (error ?? {}) as Partial<Closed>;
    return { code: code ?? -1, reason: reason ?? '' };
  };

  beforeAll(async () => {
    harness = await openGraphqlHarness('access');
    url = await harness.server.start();
    origin = new URL(url).origin;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('answers only /healthz and /readyz without a key; the rest is 401 UNAUTHENTICATED', async () => {
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/readyz`)).status).toBe(200);

    const graphql = await postGraphql(url, PROPERTIES);
    expect(graphql.status).toBe(401);
    expect(graphql.body).toEqual({
      errors: [{ message: REQUIRED_MESSAGE, extensions: { code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' } }],
    });

    for (const path of ['/metrics', '/images/4732-w-davis-rd-glendale-az-85306/' + 'a'.repeat(64) + '.jpg']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate'), path).toBe('Bearer');
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code, path).toBe(
        'UNAUTHENTICATED',
      );
    }
    expect(await jobCount()).toBe(0);
  });

  it('refuses a malformed Authorization value, an unknown key and a revoked key', async () => {
    const malformed = await postGraphql(url, PROPERTIES, {}, `Basic ${Buffer.from('a:b').toString('base64')}`);
    expect(malformed.status).toBe(401);
    expect(malformed.body.errors?.[0]).toMatchObject({
      message: 'The Authorization value is not "Bearer <key>"',
      extensions: { code: 'UNAUTHENTICATED' },
    });

    const unknown = await postGraphql(url, PROPERTIES, {}, 'Bearer phx_not-a-key-anyone-made');
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors?.[0]).toMatchObject({
      message: 'The API key is not known to this server',
      extensions: { code: 'UNAUTHENTICATED' },
    });

    const revoked = await insertTestApiKey(harness.database.db, 'admin', 'soon-revoked');
    expect((await postGraphql(url, PROPERTIES, {}, revoked.authorization)).status).toBe(200);
    await revokeTestApiKey(harness.database.db, revoked.doc.id);
    const refused = await postGraphql(url, PROPERTIES, {}, revoked.authorization);
    expect(refused.status).toBe(401);
    expect(refused.body.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    expect(refused.body.errors?.[0]?.message).toMatch(new RegExp(`^API key ${revoked.doc.id} was revoked at \\d{4}-`));
  });

  it('lets a read key query but not mutate (403 FORBIDDEN, nothing written); an admin key mutates', async () => {
    const read = await postGraphql<{ properties: { edges: { node: { address: string } }[] } }>(
      url,
      PROPERTIES,
      {},
      harness.readKey.authorization,
    );
    expect(read.status).toBe(200);
    expect(read.body.data?.properties.edges.map((e) => e.node.address)).toContain(DAVIS_ADDRESS);

    const before = await jobCount();
    const forbidden = await postGraphql(url, ENQUEUE, { input: { all: true } }, harness.readKey.authorization);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.data).toBeUndefined();
    expect(forbidden.body.errors).toHaveLength(1);
    expect(forbidden.body.errors?.[0]).toMatchObject({
      message: `API key ${harness.readKey.doc.id} (test-read) has role "read"; a mutation needs an "admin" key`,
      extensions: { code: 'FORBIDDEN' },
    });
    expect(await jobCount()).toBe(before);

    const admin = await postGraphql<{ enqueueExtraction: { status: string } }>(
      url,
      ENQUEUE,
      { input: { all: true } },
      harness.adminKey.authorization,
    );
    expect(admin.status).toBe(200);
    expect(admin.body.data?.enqueueExtraction.status).toBe('PENDING');
    expect(await jobCount()).toBe(before + 1);
  });

  it('checks the in-process door too: no key is UNAUTHENTICATED, a read key cannot mutate', async () => {
    await expect(harness.server.executeOperation({ query: PROPERTIES })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    const response = await harness.server.executeOperation(
      { query: ENQUEUE, variables: { input: { all: true } } },
      harness.readKey.authorization,
    );
    expect(response.http.status).toBe(403);
  });

  it('closes a WebSocket whose connection_init has no key, a bad key or a revoked key (4401)', async () => {
    expect(await closedBy(wsClient(undefined), PROGRESS, { jobId: randomUUID() })).toEqual({ code: 4401, reason: 'API key required' });
    expect(await closedBy(wsClient({ authorization: 'Bearer phx_nope' }), PROGRESS, { jobId: randomUUID() })).toEqual({
      code: 4401,
      reason: 'API key unknown',
    });
    const revoked = await insertTestApiKey(harness.database.db, 'read', 'revoked-before');
    await revokeTestApiKey(harness.database.db, revoked.doc.id);
    expect(await closedBy(wsClient({ apiKey: revoked.key }), PROGRESS, { jobId: randomUUID() })).toEqual({
      code: 4401,
      reason: 'API key revoked',
    });
  });

  it('closes a WebSocket that subscribes without connection_init (4401), or sends nothing (4408)', async () => {
    const wsUrl = url.replace(/^http/, 'ws');
    const eager = new WebSocket(wsUrl, 'graphql-transport-ws');
    await once(eager, 'open');
    eager.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: PROPERTIES } }));
    const [code, reason] = (await within(once(eager, 'close'), 10_000, 'close')) as [number, Buffer];
    expect([code, reason.toString()]).toEqual([4401, 'Unauthorized']);

    const silent = new WebSocket(wsUrl, 'graphql-transport-ws');
    const [silentCode, silentReason] = (await within(once(silent, 'close'), 10_000, 'close')) as [number, Buffer];
    expect([silentCode, silentReason.toString()]).toEqual([4408, 'Connection initialisation timeout']);
  });

  it('lets a read key subscribe (authorization or apiKey in connection_init) but not mutate over the socket', async () => {
    const jobId = await enqueue();
    for (const params of [{ authorization: harness.readKey.authorization }, { apiKey: harness.readKey.key }]) {
      const sub = recordSubscription<{ jobProgress: { id: string; status: string } }>(wsClient(params), PROGRESS, { jobId });
      expect((await sub.waitForResult(1)).data?.jobProgress).toEqual({ id: jobId, status: 'PENDING' });
      sub.unsubscribe();
    }
    const before = await jobCount();
    const mutation = recordSubscription(wsClient({ apiKey: harness.readKey.key }), ENQUEUE, { input: { all: true } });
    // graphql-ws answers a refused operation with an `error` message: the client's sink gets the errors.
    const errors = await within(
      mutation.completed.then(
        () => [],
        (e: unknown) => e as { message: string; extensions?: Record<string, unknown> }[],
      ),
      10_000,
      'mutation refusal',
    );
    expect(mutation.results).toEqual([]);
    expect(await jobCount()).toBe(before);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: `API key ${harness.readKey.doc.id} (test-read) has role "read"; a mutation needs an "admin" key`,
      extensions: { code: 'FORBIDDEN' },
    });
  });

  it('closes an open subscription once its key is revoked, and keeps the others', async () => {
    const jobId = await enqueue();
    const doomed = await insertTestApiKey(harness.database.db, 'read', 'doomed');
    const doomedSub = recordSubscription(wsClient({ authorization: doomed.authorization }), PROGRESS, { jobId });
    const keptSub = recordSubscription(wsClient({ authorization: harness.readKey.authorization }), PROGRESS, { jobId });
    await doomedSub.waitForResult(1);
    await keptSub.waitForResult(1);

    await revokeTestApiKey(harness.database.db, doomed.doc.id);
    const error = await endOf(doomedSub, 10_000, 'close after revocation');
    expect(error).toMatchObject({ code: 4401, reason: 'API key revoked' });

    // The other connection still gets changes.
    await harness.repository.startRun(jobId as never, { runNumber: 1, workerName: 'access-test', now: new Date() });
    expect((await keptSub.waitForResult(2)).data).toEqual({ jobProgress: { id: jobId, status: 'IN_PROGRESS' } });
  });
});

describe('dev mode (PHX_API_DEV_MODE=1)', () => {
  it('lets requests without a key in as admin and says so loudly at start', async () => {
    const logger = createRecordingLogger();
    const harness = await openGraphqlHarness('devmode', { config: { devMode: true }, logger });
    try {
      const url = await harness.server.start();
      const warning = logger.lines.find((l) => l.level === 'warn' && l.message.includes('DEV MODE'));
      expect(warning?.message).toBe(
        'graphql DEV MODE (PHX_API_DEV_MODE): requests WITHOUT an API key are let in AS ADMIN; never run it like this where others can reach it',
      );
      const enqueued = await postGraphql<{ enqueueExtraction: { status: string } }>(url, ENQUEUE, { input: { all: true } });
      expect(enqueued.status).toBe(200);
      expect(enqueued.body.data?.enqueueExtraction.status).toBe('PENDING');
      // A key that is sent is still checked.
      expect((await postGraphql(url, PROPERTIES, {}, 'Bearer phx_unknown')).status).toBe(401);
    } finally {
      await harness.close();
    }
  });

  it('logs no warning when dev mode is off', async () => {
    const logger = createRecordingLogger();
    const harness = await openGraphqlHarness('nodevmode', { logger });
    try {
      await harness.server.start();
      expect(logger.lines.filter((l) => l.message.includes('DEV MODE'))).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

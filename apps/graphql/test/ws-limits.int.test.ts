import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';

/** Limits the server process runs with here (small, so the test is quick; the defaults are 100 and 200). */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 10;
const MAX_SOCKETS_PER_API_KEY = 3;
/** graphql-ws's close code for too many requests ("Too many initialisation requests" uses it too). */
const TOO_MANY_CLOSE_CODE = 4429;
/** Init-then-terminate cycles of the leak scenario, and how many run at once. */
const CYCLES = 300;
const CYCLES_AT_ONCE = 10;

/** A raw graphql-transport-ws socket: every message it got, and its close. */
interface RawSocket {
  readonly socket: WebSocket;
  readonly messages: { type: string; id?: string }[];
  /** Resolves with the close code and reason (a socket still open after `ms`: code 0). */
  closedWithin(ms: number): Promise<{ code: number; reason: string }>;
  /** Resolves `true` once `connection_ack` arrives, `false` when the socket closes first. */
  readonly acknowledged: Promise<boolean>;
}

/** Opens a socket and sends `connection_init` with the key. */
async function connect(url: string, authorization: string): Promise<RawSocket> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const messages: { type: string; id?: string }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const acknowledged = new Promise<boolean>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; id?: string };
      messages.push(message);
      if (message.type === 'connection_ack') resolve(true);
    });
    void closed.then(() => resolve(false));
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  return {
    socket,
    messages,
    acknowledged,
    closedWithin: (ms) =>
      Promise.race([
        closed,
        new Promise<{ code: number; reason: string }>((resolve) => setTimeout(() => resolve({ code: 0, reason: 'still open' }), ms)),
      ]),
  };
}

/** Reads one sample of the server's `/metrics`. */
async function metric(server: GraphqlProcess, name: string): Promise<number> {
  const text = await (await fetch(`${server.origin}/metrics`, { headers: { authorization: server.readKey.authorization } })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.split(' ')[1]);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('WebSocket limits of the built server process: subscriptions per socket, sockets per key, no leak on early close', () => {
  let server: GraphqlProcess;
  let jobId: string;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    server = await startGraphqlProcess('ws_limits', {
      MAX_SUBSCRIPTIONS_PER_SOCKET: String(MAX_SUBSCRIPTIONS_PER_SOCKET),
      MAX_SOCKETS_PER_API_KEY: String(MAX_SOCKETS_PER_API_KEY),
    });
    const enqueued = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.adminKey.authorization },
      body: JSON.stringify({ query: 'mutation { enqueueExtraction(input: { all: true, dryRun: true }) { id } }' }),
    });
    jobId = ((await enqueued.json()) as { data: { enqueueExtraction: { id: string } } }).data.enqueueExtraction.id;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server?.close();
  });

  it(`closes a socket that opens more than ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions with ${TOO_MANY_CLOSE_CODE}`, async () => {
    const raw = await connect(server.url, server.readKey.authorization);
    sockets.push(raw.socket);
    expect(await raw.acknowledged).toBe(true);
    const query = 'subscription($id: ID!) { jobProgress(jobId: $id) { id status } }';
    const subscribe = (i: number): void =>
      raw.socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query, variables: { id: jobId } } }));
    const answered = (): Set<string | undefined> => new Set(raw.messages.filter((m) => m.type === 'next').map((m) => m.id));
    for (let i = 1; i <= MAX_SUBSCRIPTIONS_PER_SOCKET; i += 1) subscribe(i);
    // Up to the limit every subscription runs (each sends the job's state first).
    await waitFor(() => answered().size === MAX_SUBSCRIPTIONS_PER_SOCKET, 10_000);
    expect(answered().size).toBe(MAX_SUBSCRIPTIONS_PER_SOCKET);
    subscribe(MAX_SUBSCRIPTIONS_PER_SOCKET + 1);
    const closed = await raw.closedWithin(10_000);
    process.stdout.write(
      `${MAX_SUBSCRIPTIONS_PER_SOCKET + 1} subscriptions on one socket: close ${closed.code} (${closed.reason}); ${answered().size} answered\n`,
    );
    expect(closed.code).toBe(TOO_MANY_CLOSE_CODE);
    expect(closed.reason).toMatch(/subscriptions/);
  });

  it(`refuses a key's socket beyond ${MAX_SOCKETS_PER_API_KEY} with ${TOO_MANY_CLOSE_CODE}, counts each key apart, and frees a slot when a socket closes`, async () => {
    const open = await Promise.all(
      Array.from({ length: MAX_SOCKETS_PER_API_KEY }, () => connect(server.url, server.readKey.authorization)),
    );
    sockets.push(...open.map((r) => r.socket));
    expect(await Promise.all(open.map((r) => r.acknowledged))).toEqual(open.map(() => true));
    const extra = await connect(server.url, server.readKey.authorization);
    sockets.push(extra.socket);
    const refused = await extra.closedWithin(10_000);
    process.stdout.write(`socket ${MAX_SOCKETS_PER_API_KEY + 1} of one key: close ${refused.code} (${refused.reason})\n`);
    expect(refused.code).toBe(TOO_MANY_CLOSE_CODE);
    const admin = await connect(server.url, server.adminKey.authorization);
    sockets.push(admin.socket);
    expect(await admin.acknowledged).toBe(true);
    open[0]?.socket.close(1000);
    await open[0]?.closedWithin(5_000);
    const again = await connect(server.url, server.readKey.authorization);
    sockets.push(again.socket);
    expect(await again.acknowledged).toBe(true);
    for (const raw of [...open, admin, again]) raw.socket.close(1000);
    await Promise.all([...open, admin, again].map((r) => r.closedWithin(5_000)));
  });

  it(`keeps nothing of ${CYCLES} sockets closed while their key is checked: the open-connection count is back at baseline (heap reported)`, async () => {
    await waitFor(() => false, 500);
    const baselineConnections = await metric(server, 'graphql_ws_connections_open');
    const baselineHeap = await metric(server, 'nodejs_heap_size_used_bytes');
    for (let done = 0; done < CYCLES; done += CYCLES_AT_ONCE) {
      await Promise.all(
        Array.from({ length: CYCLES_AT_ONCE }, async () => {
          const raw = await connect(server.url, server.readKey.authorization);
          raw.socket.terminate();
          await raw.closedWithin(5_000);
        }),
      );
    }
    // Key checks still in flight finish; give them time, then count.
    await waitFor(() => false, 1_000);
    const connections = await metric(server, 'graphql_ws_connections_open');
    const heap = await metric(server, 'nodejs_heap_size_used_bytes');
    process.stdout.write(
      `${CYCLES} init-then-terminate cycles: open connections ${baselineConnections} -> ${connections}; heap used ${(baselineHeap / 2 ** 20).toFixed(1)} -> ${(heap / 2 ** 20).toFixed(1)} MiB\n`,
    );
    expect(baselineConnections).toBe(0);
    expect(connections).toBe(baselineConnections);
    // The socket slots of the key are free too: a new socket is accepted.
    const after = await connect(server.url, server.readKey.authorization);
    sockets.push(after.socket);
    expect(await after.acknowledged).toBe(true);
  });
});

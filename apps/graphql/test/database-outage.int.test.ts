import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { startOwnFerretDb, type OwnFerretDb } from './support/own-ferretdb.js';

/**
 * The bound is 2 s (set by the driver's timeouts); asserted with 1 s
 * of slack for a loaded 2-core machine. Before the fix the answer took the
 * driver's 10 s server selection timeout.
 */
const ANSWER_BOUND_MS = 3_000;
/** A request is given up after this. */
const ABORT_AFTER_MS = 30_000;

/** Sends `connection_init` with the key and resolves with the close code and the time it took, in ms. */
async function wsInitClose(url: string, authorization: string): Promise<{ code: number; reason: string; ms: number }> {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const startedAt = performance.now();
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization } }));
  return await new Promise((resolve) => {
    const timer = setTimeout(() => {
      socket.terminate();
      resolve({ code: 0, reason: 'no close', ms: Number.POSITIVE_INFINITY });
    }, ABORT_AFTER_MS);
    socket.once('message', () => {
      clearTimeout(timer);
      socket.terminate();
      resolve({ code: 0, reason: 'acknowledged', ms: performance.now() - startedAt });
    });
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString(), ms: performance.now() - startedAt });
    });
  });
}

describe('MongoDB down: keyed requests answer SERVICE_UNAVAILABLE (503, socket close 1013) fast', () => {
  let database: OwnFerretDb;
  let server: GraphqlProcess;
  /** A server in dev mode: no key lookup, so the outage reaches the resolvers. */
  let devServer: GraphqlProcess;

  beforeAll(async () => {
    database = await startOwnFerretDb();
    server = await startGraphqlProcess('outage', {}, database.uri);
    devServer = await startGraphqlProcess('outage_dev', { PHX_API_DEV_MODE: '1' }, database.uri);
    const before = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
      body: JSON.stringify({ query: '{ schedules { id } }' }),
    });
    expect(before.status).toBe(200);
    await database.stop();
  }, 120_000);
  afterAll(async () => {
    await database?.start();
    await server?.close();
    await devServer?.close();
    await database?.remove();
  }, 120_000);

  it(`answers a keyed HTTP request 503 SERVICE_UNAVAILABLE within ${ANSWER_BOUND_MS} ms, every time`, async () => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const startedAt = performance.now();
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
        body: JSON.stringify({ query: '{ schedules { id } }' }),
        signal: AbortSignal.timeout(ABORT_AFTER_MS),
      });
      const ms = performance.now() - startedAt;
      const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
      process.stdout.write(
        `outage, HTTP attempt ${attempt}: ${response.status} ${body.errors?.[0]?.extensions?.code} in ${ms.toFixed(0)} ms\n`,
      );
      expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
      expect(response.headers.get('retry-after')).toBe('1');
      expect(ms).toBeLessThan(ANSWER_BOUND_MS);
    }
  });

  it(`closes a graphql-ws connection whose key cannot be checked with 1013 within ${ANSWER_BOUND_MS} ms`, async () => {
    const closed = await wsInitClose(server.url, server.readKey.authorization);
    process.stdout.write(`outage, graphql-ws: close ${closed.code} (${closed.reason}) in ${closed.ms.toFixed(0)} ms\n`);
    expect(closed.code).toBe(1013);
    expect(closed.ms).toBeLessThan(ANSWER_BOUND_MS);
  });

  it(`answers 503 SERVICE_UNAVAILABLE within ${ANSWER_BOUND_MS} ms when the outage reaches a resolver (dev mode: no key lookup first)`, async () => {
    const startedAt = performance.now();
    const response = await fetch(devServer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ schedules { id } }' }),
      signal: AbortSignal.timeout(ABORT_AFTER_MS),
    });
    const ms = performance.now() - startedAt;
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
    process.stdout.write(`outage, resolver (dev mode): ${response.status} ${body.errors?.[0]?.extensions?.code} in ${ms.toFixed(0)} ms\n`);
    expect({ status: response.status, code: body.errors?.[0]?.extensions?.code }).toEqual({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(response.headers.get('retry-after')).toBe('1');
    expect(ms).toBeLessThan(ANSWER_BOUND_MS);
  });

  it('answers /readyz 503 and /healthz 200 meanwhile', async () => {
    expect((await fetch(`${server.origin}/readyz`)).status).toBe(503);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  });
});

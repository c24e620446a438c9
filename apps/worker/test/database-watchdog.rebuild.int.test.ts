import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopLogger } from '@phx/core';
import { DatabaseWatchdog } from '@phx/jobs';
import { startFreezingProxy } from './support/freezing-proxy.js';
import type { FreezingProxy } from './support/freezing-proxy.js';

/** Pings on `client`, `'answered'` or `'hung'` when there is no answer within `timeoutMs`. */
async function ping(client: MongoClient, timeoutMs: number): Promise<'answered' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => resolve('hung'), timeoutMs);
  });
  const answered = client
    .db('admin')
    .command({ ping: 1 })
    .then(() => 'answered' as const);
  answered.catch(() => undefined);
  try {
    return await Promise.race([answered, hung]);
  } finally {
    clearTimeout(timer);
  }
}

describe('DatabaseWatchdog on real sockets: a connection that hangs while the database answers new ones', () => {
  const target = new URL(process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/');
  let proxy: FreezingProxy;
  let client: MongoClient;

  beforeAll(async () => {
    proxy = await startFreezingProxy(Number(target.port));
    // One pooled socket, as a driver left with a stuck pool after an outage keeps reusing its dead ones.
    client = await MongoClient.connect(`mongodb://127.0.0.1:${proxy.port}/`, { maxPoolSize: 1 });
  });
  afterAll(async () => {
    await client.close(true);
    await proxy.close();
  });

  it('finds the client stuck, rebuilds it, and the same client answers again', async () => {
    expect(await ping(client, 5_000)).toBe('answered');
    proxy.freeze();
    // The defect: every call on the worker's client hangs although the database answers.
    expect(await ping(client, 3_000)).toBe('hung');
    let fatal: string | null = null;
    const watchdog = new DatabaseWatchdog({
      client,
      mongoUri: `mongodb://127.0.0.1:${proxy.port}/`,
      dbName: 'phx_test_watchdog_rebuild',
      intervalMs: 60_000,
      timeoutMs: 2_000,
      onFatal: (reason) => {
        fatal = reason;
      },
      logger: noopLogger,
    });
    await watchdog.check();
    expect(fatal).toBeNull();
    expect(watchdog.state.rebuilds).toBe(1);
    expect(await ping(client, 5_000)).toBe('answered');
  }, 60_000);
});

describe('DatabaseWatchdog on real sockets: a database that shakes hands but answers no query', () => {
  const target = new URL(process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/');
  let proxy: FreezingProxy;
  let client: MongoClient;

  beforeAll(async () => {
    proxy = await startFreezingProxy(Number(target.port));
    client = await MongoClient.connect(`mongodb://127.0.0.1:${proxy.port}/`);
  });
  afterAll(async () => {
    await client.close(true);
    await proxy.close();
  });

  it('does not take an answered ping for a repair: the rebuild fails and it calls onFatal once, within 6 × timeoutMs of the probe', async () => {
    const timeoutMs = 1_000;
    const fatal: string[] = [];
    const watchdog = new DatabaseWatchdog({
      client,
      mongoUri: `mongodb://127.0.0.1:${proxy.port}/`,
      dbName: 'phx_test_watchdog_stalled',
      intervalMs: 60_000,
      timeoutMs,
      onFatal: (reason) => fatal.push(reason),
      logger: noopLogger,
    });
    await watchdog.check();
    expect(fatal).toEqual([]);
    proxy.stallQueries();
    expect(await ping(client, 3_000), 'handshake-level commands still answer').toBe('answered');
    const startedAt = performance.now();
    await watchdog.check();
    const ms = performance.now() - startedAt;
    process.stdout.write(`stalled database: onFatal after ${ms.toFixed(0)} ms: ${fatal.join('; ')}\n`);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatch(/could not be rebuilt: .*did not answer within 1000 ms/);
    expect(watchdog.state.rebuilds).toBe(0);
    expect(ms).toBeLessThan(6 * timeoutMs + 2_000);
  }, 60_000);
});

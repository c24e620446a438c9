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

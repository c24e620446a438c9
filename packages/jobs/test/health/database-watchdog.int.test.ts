import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noopLogger } from '@phx/core';
import { DatabaseWatchdog, databaseAnswers } from '../../src/health/database-watchdog.js';

/** Waits until `condition` holds, checking every 20 ms; rejects past `timeoutMs`. */
async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const startedAt = Date.now();
  while (!condition()) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('DatabaseWatchdog.checkSoon and databaseAnswers on the test FerretDB', () => {
  const uri = process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/';
  let client: MongoClient;

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
  });
  afterAll(async () => {
    await client.close();
  });

  it('probes at once when asked, not at its interval; a second request while one waits adds no probe', async () => {
    const watchdog = new DatabaseWatchdog({
      client,
      mongoUri: uri,
      dbName: 'phx_test_watchdog',
      intervalMs: 600_000,
      timeoutMs: 5_000,
      onFatal: () => undefined,
      logger: noopLogger,
    });
    watchdog.checkSoon();
    expect(watchdog.state.lastOkAt, 'not started: no probe').toBeNull();
    watchdog.start();
    await until(() => watchdog.state.lastOkAt !== null, 10_000);
    const first = watchdog.state.lastOkAt as Date;
    await new Promise((resolve) => setTimeout(resolve, 5));
    watchdog.checkSoon();
    watchdog.checkSoon();
    await until(() => (watchdog.state.lastOkAt as Date).getTime() > first.getTime(), 10_000);
    await watchdog.stop();
    expect(watchdog.state.rebuilds).toBe(0);
    expect(databaseAnswers(watchdog.state, { intervalMs: 600_000, timeoutMs: 5_000 }, Date.now()).ok).toBe(true);
  });

  it('databaseAnswers: no answer yet, a failure since the last answer, or an answer too old is not an answer', () => {
    const timings = { intervalMs: 1_000, timeoutMs: 500 };
    const at = (ms: number): Date => new Date(ms);
    expect(databaseAnswers({ lastOkAt: null, lastFailedAt: null, rebuilds: 0 }, timings, 10_000)).toEqual({ ok: false, ageMs: null });
    expect(databaseAnswers({ lastOkAt: at(9_000), lastFailedAt: at(9_500), rebuilds: 0 }, timings, 10_000).ok).toBe(false);
    expect(databaseAnswers({ lastOkAt: at(9_000), lastFailedAt: at(8_000), rebuilds: 1 }, timings, 10_000)).toEqual({
      ok: true,
      ageMs: 1_000,
    });
    expect(databaseAnswers({ lastOkAt: at(7_500), lastFailedAt: null, rebuilds: 0 }, timings, 10_000).ok).toBe(true);
    expect(databaseAnswers({ lastOkAt: at(7_499), lastFailedAt: null, rebuilds: 0 }, timings, 10_000).ok).toBe(false);
  });
});

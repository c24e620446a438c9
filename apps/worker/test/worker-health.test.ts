import { describe, expect, it } from 'vitest';
import { createWorkerHealth } from '../src/worker-health.js';
import type { DatabaseWatchdogState } from '@phx/jobs';

const INTERVAL_MS = 10_000;
const TIMEOUT_MS = 5_000;

function healthAt(
  nowMs: number,
  watchdog: DatabaseWatchdogState,
  readDatabase: (timeoutMs: number) => Promise<void> = async () => undefined,
) {
  return createWorkerHealth({
    watchdog: () => watchdog,
    readDatabase,
    lastQueuePollAt: () => new Date(nowMs - 1_000),
    runningJobs: () => 0,
    maxConcurrentJobs: 3,
    watchdogIntervalMs: INTERVAL_MS,
    watchdogTimeoutMs: TIMEOUT_MS,
    nowMs: () => nowMs,
  });
}

describe('worker readiness (/readyz) from a database read and the watchdog', () => {
  it('is ready while the last probe answered and the read answers', async () => {
    const now = 1_000_000;
    const verdict = await healthAt(now, { lastOkAt: new Date(now - 3_000), lastFailedAt: null, rebuilds: 0 }).ready();
    expect(verdict.ok).toBe(true);
  });

  it('is not ready as soon as a probe failed after the last answer, even while that answer is recent', async () => {
    const now = 1_000_000;
    const verdict = await healthAt(now, { lastOkAt: new Date(now - 12_000), lastFailedAt: new Date(now - 1_000), rebuilds: 0 }).ready();
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatchObject({ databaseOk: false });
  });

  it('is ready again once a probe answers after the failure', async () => {
    const now = 1_000_000;
    const verdict = await healthAt(now, { lastOkAt: new Date(now - 500), lastFailedAt: new Date(now - 9_000), rebuilds: 1 }).ready();
    expect(verdict.ok).toBe(true);
  });

  it('is not ready when no probe answered within two intervals plus the deadline (a probe that hangs)', async () => {
    const now = 1_000_000;
    const verdict = await healthAt(now, {
      lastOkAt: new Date(now - (2 * INTERVAL_MS + TIMEOUT_MS + 1)),
      lastFailedAt: null,
      rebuilds: 0,
    }).ready();
    expect(verdict.ok).toBe(false);
  });
});

describe('worker readiness: the database read', () => {
  it('is not ready when the read fails, however recent the watchdog’s answer, and names why; it reads with the 2 s deadline', async () => {
    const now = 1_000_000;
    const deadlines: number[] = [];
    const verdict = await healthAt(now, { lastOkAt: new Date(now - 100), lastFailedAt: null, rebuilds: 0 }, async (timeoutMs) => {
      deadlines.push(timeoutMs);
      throw new Error('a read of phx.extraction_jobs did not answer within 2000 ms');
    }).ready();
    expect(deadlines).toEqual([2_000]);
    expect(verdict).toMatchObject({
      ok: false,
      detail: { databaseRead: false, databaseOk: true, reason: 'a read of phx.extraction_jobs did not answer within 2000 ms' },
    });
  });
});

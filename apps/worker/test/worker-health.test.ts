import { describe, expect, it } from 'vitest';
import { createWorkerHealth } from '../src/worker-health.js';
import type { DatabaseWatchdogState } from '@phx/jobs';

const INTERVAL_MS = 10_000;
const TIMEOUT_MS = 5_000;

function healthAt(nowMs: number, watchdog: DatabaseWatchdogState) {
  return createWorkerHealth({
    watchdog: () => watchdog,
    lastQueuePollAt: () => new Date(nowMs - 1_000),
    runningJobs: () => 0,
    maxConcurrentJobs: 3,
    watchdogIntervalMs: INTERVAL_MS,
    watchdogTimeoutMs: TIMEOUT_MS,
    nowMs: () => nowMs,
  });
}

describe('worker readiness (/readyz) from the watchdog', () => {
  it('is ready while the last ping answered', () => {
    const now = 1_000_000;
    const verdict = healthAt(now, { lastOkAt: new Date(now - 3_000), lastFailedAt: null, rebuilds: 0 }).ready();
    expect(verdict.ok).toBe(true);
  });

  it('is not ready as soon as a ping failed after the last answer, even while that answer is recent', () => {
    const now = 1_000_000;
    const verdict = healthAt(now, { lastOkAt: new Date(now - 12_000), lastFailedAt: new Date(now - 1_000), rebuilds: 0 }).ready();
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toMatchObject({ databaseOk: false });
  });

  it('is ready again once a ping answers after the failure', () => {
    const now = 1_000_000;
    const verdict = healthAt(now, { lastOkAt: new Date(now - 500), lastFailedAt: new Date(now - 9_000), rebuilds: 1 }).ready();
    expect(verdict.ok).toBe(true);
  });

  it('is not ready when no ping answered within two intervals plus the deadline (a probe that hangs)', () => {
    const now = 1_000_000;
    const verdict = healthAt(now, {
      lastOkAt: new Date(now - (2 * INTERVAL_MS + TIMEOUT_MS + 1)),
      lastFailedAt: null,
      rebuilds: 0,
    }).ready();
    expect(verdict.ok).toBe(false);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunTimeoutReason } from '../../src/worker/run-stopped-error.js';
import { RunStoppedError } from '../../src/worker/run-stopped-error.js';
import { RunTimeouts } from '../../src/worker/run-timeouts.js';

const clock = { now: () => new Date() };

/** Starts the rules of a run; `fired` collects what stopped it. */
function watch(progressTimeoutMs: number, jobLimitMs: number | null = null, startedAt = new Date()) {
  const fired: RunTimeoutReason[] = [];
  const timeouts = new RunTimeouts({ progressTimeoutMs, jobLimitMs, startedAt, clock, onTimeout: (r) => fired.push(r) });
  const disarm = timeouts.start();
  return { timeouts, fired, disarm };
}

describe('the JOB_TIMEOUT rules of a run', () => {
  it('stops a run with no finished property for JOB_TIMEOUT, saying since when', async () => {
    const { fired, disarm } = watch(100);
    await sleep(250);
    disarm();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ rule: 'no-progress', timeoutMs: 100, since: 'run-start' });
    expect((fired[0] as { idleMs: number }).idleMs).toBeGreaterThanOrEqual(100);
    expect(new RunStoppedError('j', fired[0]!).message).toMatch(
      /^stopped by JOB_TIMEOUT: no property finished for 0\.1 s since the run started \(JOB_TIMEOUT allows 0\.1 s without progress\)/,
    );
  });

  it('never stops a run that keeps finishing properties, however long it runs, and stops it once they stop', async () => {
    const { timeouts, fired, disarm } = watch(150);
    for (let i = 0; i < 10; i += 1) {
      await sleep(50);
      timeouts.progressed();
    }
    // 500 ms in all, over three times JOB_TIMEOUT.
    expect(fired).toEqual([]);
    await sleep(300);
    disarm();
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ rule: 'no-progress', since: 'property' });
    expect(new RunStoppedError('j', fired[0]!).message).toMatch(/no property finished for 0\.[12] s since the last one finished/);
  });

  it('says the properties were listed, not that one finished, when the last progress was the listing of a selection', async () => {
    const { timeouts, fired, disarm } = watch(100);
    timeouts.progressed('listing');
    await sleep(250);
    disarm();
    expect(fired[0]).toMatchObject({ rule: 'no-progress', since: 'listing' });
    expect(new RunStoppedError('j', fired[0]!).message).toMatch(
      /no property finished for 0\.[1-9]\d* s since the job's properties were listed/,
    );
  });

  it("stops a run at the job's own limit counted from the job's first start, at once when that has passed", async () => {
    const startedAt = new Date(Date.now() - 10 * 60_000);
    const { fired, disarm } = watch(60_000, 60_000, startedAt);
    disarm();
    expect(fired).toEqual([{ kind: 'timeout', rule: 'job-limit', limitMs: 60_000, startedAt }]);
    expect(new RunStoppedError('j', fired[0]!).message).toBe(
      `stopped by JOB_TIMEOUT: the job's own time limit of 60 s (timeoutSeconds) passed, counted from its first start at ` +
        `${startedAt.toISOString()}; its unfinished properties can be retried`,
    );

    const fresh = watch(60_000, 200);
    await sleep(100);
    expect(fresh.fired).toEqual([]);
    await sleep(250);
    fresh.disarm();
    expect(fresh.fired).toMatchObject([{ rule: 'job-limit', limitMs: 200 }]);
  });

  it('waits out a limit longer than one timer can (30 days) instead of firing at once', async () => {
    const { fired, disarm } = watch(7 * 24 * 3_600_000, 30 * 24 * 3_600_000);
    await sleep(50);
    disarm();
    expect(fired).toEqual([]);
  });

  it('fires nothing once disarmed', async () => {
    const { fired, disarm } = watch(50, 50);
    disarm();
    await sleep(150);
    expect(fired).toEqual([]);
  });
});

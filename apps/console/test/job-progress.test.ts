import { describe, expect, it } from 'vitest';
import { appendEvent, MAX_TIMELINE_EVENTS } from '../src/lib/event-log.js';
import { firstOutcomeTab, isFinalJobStatus, jobDataVersion, jobProgress, newerJobState, refreshDelayMs } from '../src/lib/job-progress.js';

const counters = (over: Partial<Parameters<typeof jobProgress>[0]>) => ({
  totalProperties: 10,
  completedProperties: 0,
  failedProperties: 0,
  partialProperties: 0,
  deferredProperties: 0,
  ...over,
});

describe('jobProgress', () => {
  it('counts every finished property, whatever its outcome', () => {
    expect(jobProgress(counters({ completedProperties: 3, failedProperties: 1, partialProperties: 1, deferredProperties: 1 }))).toEqual({
      finished: 6,
      total: 10,
      percent: 60,
    });
  });

  it('rounds down so 100 % means done, and an empty job is at 0 %', () => {
    expect(jobProgress(counters({ totalProperties: 3, completedProperties: 2 })).percent).toBe(66);
    expect(jobProgress(counters({ totalProperties: 3, completedProperties: 3 })).percent).toBe(100);
    expect(jobProgress(counters({ totalProperties: 0 }))).toEqual({ finished: 0, total: 0, percent: 0 });
  });

  it('never shows more finished than total', () => {
    expect(jobProgress(counters({ totalProperties: 2, completedProperties: 3 }))).toEqual({ finished: 3, total: 3, percent: 100 });
  });

  it('opens a job on its failures first, then partial, deferred, completed', () => {
    expect(firstOutcomeTab(counters({ failedProperties: 1, partialProperties: 1 }))).toBe('FAILED');
    expect(firstOutcomeTab(counters({ partialProperties: 1, deferredProperties: 1 }))).toBe('PARTIAL');
    expect(firstOutcomeTab(counters({ deferredProperties: 2, completedProperties: 1 }))).toBe('DEFERRED');
    expect(firstOutcomeTab(counters({}))).toBe('COMPLETED');
  });

  it('knows the final statuses', () => {
    expect(['PENDING', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED'].map(isFinalJobStatus)).toEqual([false, false, true, true, true]);
  });
});

describe('appendEvent', () => {
  const event = (seq: number) => ({ id: `e${seq}`, seq });

  it('keeps events in seq order, each id once', () => {
    let log = appendEvent([], event(2));
    log = appendEvent(log, event(1));
    log = appendEvent(log, event(2));
    expect(log.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('keeps only the newest 200', () => {
    let log: { id: string; seq: number }[] = [];
    for (let seq = 1; seq <= 250; seq += 1) log = appendEvent(log, event(seq));
    expect(log).toHaveLength(MAX_TIMELINE_EVENTS);
    expect(log[0]?.seq).toBe(51);
    expect(log.at(-1)?.seq).toBe(250);
  });
});

describe('jobDataVersion and refreshDelayMs (a running job page reads its data again as the job goes on)', () => {
  it('changes when another property finishes or the status changes, not otherwise', () => {
    const running = jobDataVersion('IN_PROGRESS', counters({ completedProperties: 1 }));
    expect(jobDataVersion('IN_PROGRESS', counters({ completedProperties: 1 }))).toBe(running);
    expect(jobDataVersion('IN_PROGRESS', counters({ completedProperties: 1, failedProperties: 1 }))).not.toBe(running);
    expect(jobDataVersion('COMPLETED', counters({ completedProperties: 1 }))).not.toBe(running);
  });

  it('reads at once the first time and after the interval, else at the interval’s end', () => {
    expect(refreshDelayMs(null, 10_000, 1_500)).toBe(0);
    expect(refreshDelayMs(10_000, 11_500, 1_500)).toBe(0);
    expect(refreshDelayMs(10_000, 12_000, 1_500)).toBe(0);
    expect(refreshDelayMs(10_000, 10_400, 1_500)).toBe(1_100);
  });
});

describe('newerJobState (a query that read the job final wins over a live message from before the end)', () => {
  it('keeps the final read over an older live state, and the live state while the read is not final', () => {
    const live = { status: 'IN_PROGRESS', n: 2 };
    expect(newerJobState({ status: 'COMPLETED', n: 3 }, live)).toEqual({ status: 'COMPLETED', n: 3 });
    expect(newerJobState({ status: 'IN_PROGRESS', n: 1 }, live)).toBe(live);
    expect(newerJobState({ status: 'PENDING', n: 0 }, null)).toEqual({ status: 'PENDING', n: 0 });
  });
});

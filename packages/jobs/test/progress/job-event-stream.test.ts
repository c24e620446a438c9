import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS } from '@phx/core';
import { JobEventStream } from '../../src/progress/job-event-stream.js';
import { encodeJobEventId, statusEventBody, toJobEventCounters } from '../../src/progress/job-event.js';
import type { JobEvent } from '../../src/progress/job-event.js';

const event = (jobId: string, seq: number, status: JobEvent['status'] = 'in_progress'): JobEvent => ({
  ...statusEventBody(status, toJobEventCounters(ZERO_COUNTERS), null),
  kind: seq === 1 || status !== 'in_progress' ? 'status' : 'counters',
  id: encodeJobEventId(jobId, seq),
  jobId,
  seq,
  at: new Date(0),
});

/** Reads the stream in the background; `take()` returns what arrived since the last call. */
function reader(stream: JobEventStream): { take: () => Promise<number[]> } {
  const seen: number[] = [];
  void (async () => {
    for await (const e of stream) seen.push(e.seq);
  })();
  return {
    async take() {
      await new Promise((resolve) => setImmediate(resolve));
      return seen.splice(0, seen.length);
    },
  };
}

describe('JobEventStream', () => {
  it('fail(): a waiting reader gets the error; a later reader gets what was buffered, then the error; the stream ends once', async () => {
    const ended: JobEventStream[] = [];
    const waiting = new JobEventStream({ positions: new Map([['a', 0]]), finished: new Set(), kinds: null, gapTimeoutMs: 1_000 }, (s) =>
      ended.push(s),
    );
    const next = waiting.next();
    waiting.fail(new Error('database gone'));
    await expect(next).rejects.toThrow('database gone');
    expect(waiting.isEnded).toBe(true);

    const buffered = new JobEventStream({ positions: new Map([['a', 0]]), finished: new Set(), kinds: null, gapTimeoutMs: 1_000 }, (s) =>
      ended.push(s),
    );
    buffered.offer('a', [event('a', 1)], 0);
    buffered.fail(new Error('database gone'));
    buffered.fail(new Error('ignored: already ended'));
    expect(await buffered.next()).toMatchObject({ done: false, value: { seq: 1 } });
    await expect(buffered.next()).rejects.toThrow('database gone');
    expect(ended).toEqual([waiting, buffered]);
  });

  it('takes each place once and in order, waits at a hole until it fills, then skips it once it is older than the gap timeout', async () => {
    const stream = new JobEventStream(
      { positions: new Map([['a', 0]]), finished: new Set(), kinds: null, gapTimeoutMs: 1_000 },
      () => undefined,
    );
    const { take } = reader(stream);
    stream.offer('a', [event('a', 1), event('a', 2), event('a', 4)], 0);
    expect(await take()).toEqual([1, 2]);
    stream.offer('a', [event('a', 1), event('a', 4)], 500);
    expect(await take()).toEqual([]);
    stream.offer('a', [event('a', 3), event('a', 4)], 600);
    expect(await take()).toEqual([3, 4]);
    stream.offer('a', [event('a', 6)], 700);
    stream.offer('a', [event('a', 6)], 1_600);
    expect(await take()).toEqual([]);
    stream.offer('a', [event('a', 6), event('a', 7, 'completed'), event('a', 8)], 1_700);
    expect(await take()).toEqual([6, 7]);
    expect(stream.isEnded).toBe(true);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('ends once every job is past its final status, and at once when all are already', async () => {
    let ended = 0;
    const stream = new JobEventStream(
      {
        positions: new Map([
          ['a', 0],
          ['b', 5],
        ]),
        finished: new Set(),
        kinds: new Set(['counters']),
        gapTimeoutMs: 0,
      },
      () => (ended += 1),
    );
    const { take } = reader(stream);
    stream.offer('a', [event('a', 1), event('a', 2), event('a', 3, 'failed')], 0);
    expect(stream.isEnded).toBe(false);
    stream.offer('b', [event('b', 6), event('b', 7, 'cancelled')], 0);
    expect(stream.isEnded).toBe(true);
    expect(await take()).toEqual([2, 6]);
    expect(ended).toBe(1);
    const done = new JobEventStream(
      { positions: new Map([['a', 3]]), finished: new Set(['a']), kinds: null, gapTimeoutMs: 0 },
      () => (ended += 1),
    );
    expect(done.isEnded).toBe(true);
    expect(ended).toBe(2);
  });
});

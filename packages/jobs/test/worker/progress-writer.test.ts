import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MongoServerError } from 'mongodb';
import { ProgressWriter } from '../../src/worker/progress-writer.js';

/** The error MongoDB answers a document over 16 MiB with, as the driver builds it from the server's reply. */
function tooLargeError(): MongoServerError {
  return new MongoServerError({
    ok: 0,
    code: 10334,
    codeName: 'BSONObjectTooLarge',
    errmsg: 'BSONObj size: 17825792 (0x1100000) is invalid. Size must be between 0 and 16793600(16MB)',
  });
}

function recorder(writeMs = 5) {
  let state = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const written: number[] = [];
  const write = async (): Promise<boolean> => {
    const value = state;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await sleep(writeMs);
    inFlight -= 1;
    written.push(value);
    return true;
  };
  return {
    set: (v: number) => {
      state = v;
    },
    written,
    maxInFlight: () => maxInFlight,
    write,
  };
}

describe('ProgressWriter', () => {
  it('coalesces changes: at most one write per interval, never two at once, and the last state is written', async () => {
    const r = recorder();
    const writer = new ProgressWriter({ write: r.write, minIntervalMs: 50, onRefused: () => undefined, onError: () => undefined });
    for (let i = 1; i <= 20; i += 1) {
      r.set(i);
      writer.request();
      await sleep(10);
    }
    await writer.flush();
    await writer.close();
    expect(r.written.at(-1)).toBe(20);
    expect(r.written.length).toBeGreaterThanOrEqual(3);
    expect(r.written.length).toBeLessThanOrEqual(7);
    expect(r.maxInFlight()).toBe(1);
  });

  it('flush writes at once and waits for the write', async () => {
    const r = recorder(20);
    const writer = new ProgressWriter({ write: r.write, minIntervalMs: 10_000, onRefused: () => undefined, onError: () => undefined });
    r.set(1);
    writer.request();
    r.set(2);
    writer.request();
    await writer.flush();
    expect(r.written.at(-1)).toBe(2);
    await writer.close();
  });

  it('writes nothing when nothing changed, and nothing after close', async () => {
    const r = recorder();
    const writer = new ProgressWriter({ write: r.write, minIntervalMs: 0, onRefused: () => undefined, onError: () => undefined });
    await writer.flush();
    await writer.close();
    writer.request();
    await sleep(20);
    expect(r.written).toEqual([]);
  });

  it('retries after a failed write and reports refused writes', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    let refused = 0;
    const writer = new ProgressWriter({
      write: async () => {
        calls += 1;
        if (calls === 1) throw new Error('connection reset');
        return calls < 3;
      },
      minIntervalMs: 10,
      onRefused: () => {
        refused += 1;
      },
      onError: (e) => errors.push(e),
    });
    writer.request();
    await sleep(60);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    writer.request();
    await writer.flush();
    expect(refused).toBe(1);
    await writer.close();
  });

  it('does not retry a write MongoDB refuses for its size: one attempt, one permanent error, no write after', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const permanent: unknown[] = [];
    const writer = new ProgressWriter({
      write: async () => {
        calls += 1;
        throw tooLargeError();
      },
      minIntervalMs: 0,
      onRefused: () => undefined,
      onError: (e) => errors.push(e),
      onPermanentError: (e) => permanent.push(e),
    });
    writer.request();
    await sleep(50);
    for (let i = 0; i < 5; i += 1) writer.request();
    await writer.flush();
    await sleep(50);
    expect(calls).toBe(1);
    expect(errors).toEqual([]);
    expect(permanent).toHaveLength(1);
    expect(writer.permanentError).toBe(permanent[0]);
    await writer.close();
  });

  it('keeps retrying a write that failed for another reason (the connection)', async () => {
    let calls = 0;
    const permanent: unknown[] = [];
    const writer = new ProgressWriter({
      write: async () => {
        calls += 1;
        if (calls < 4) throw new MongoServerError({ ok: 0, code: 91, codeName: 'ShutdownInProgress', errmsg: 'shutting down' });
        return true;
      },
      minIntervalMs: 5,
      onRefused: () => undefined,
      onError: () => undefined,
      onPermanentError: (e) => permanent.push(e),
    });
    writer.request();
    await sleep(100);
    expect(calls).toBe(4);
    expect(permanent).toEqual([]);
    await writer.close();
  });
});

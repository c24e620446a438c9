import { describe, expect, it } from 'vitest';
import { closeEndsSession, shouldRetrySocket, socketRetryWaitMs } from '../src/lib/socket-retry.js';

const closed = (code: number): { code: number; reason: string } => ({ code, reason: '' });

describe('shouldRetrySocket', () => {
  it('retries a server restart (1001, 1006, 1012), other close codes and network errors', () => {
    for (const code of [1001, 1006, 1011, 1012, 1013, 4499]) expect(shouldRetrySocket(closed(code))).toBe(true);
    expect(shouldRetrySocket(new Error('connect ECONNREFUSED'))).toBe(true);
    expect(shouldRetrySocket({ type: 'error' })).toBe(true);
  });

  it('does not retry 4401 (session ended, key revoked) or 4403 (forbidden)', () => {
    expect(shouldRetrySocket(closed(4401))).toBe(false);
    expect(shouldRetrySocket(closed(4403))).toBe(false);
  });
});

describe('closeEndsSession', () => {
  it('is true for a close with 4401 or 4403 only', () => {
    expect(closeEndsSession(closed(4401))).toBe(true);
    expect(closeEndsSession(closed(4403))).toBe(true);
    expect(closeEndsSession(closed(1006))).toBe(false);
    expect(closeEndsSession(closed(1000))).toBe(false);
    expect(closeEndsSession(new Error('4401'))).toBe(false);
  });
});

describe('socketRetryWaitMs', () => {
  it('doubles from 1 s up to 30 s, plus up to 1 s of jitter', () => {
    expect(socketRetryWaitMs(0, () => 0)).toBe(1_000);
    expect(socketRetryWaitMs(1, () => 0)).toBe(2_000);
    expect(socketRetryWaitMs(3, () => 0.5)).toBe(8_500);
    expect(socketRetryWaitMs(10, () => 0)).toBe(30_000);
    expect(socketRetryWaitMs(10_000, () => 0.999)).toBe(30_999);
  });
});

import { CancelledError, retryAfterMsOf } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { HostRateLimiter, createRetryAfterBackoff } from '../../src/politeness/index.js';
import { NavigationError } from '../../src/errors/index.js';
import { parseRetryAfterMs } from '../../src/download/index.js';

const ZILLOW = 'https://www.zillow.com/homedetails/x/1_zpid/';
const REDFIN = 'https://www.redfin.com/AZ/Phoenix/x/home/1';

describe('HostRateLimiter', () => {
  it('spaces requests to one host and keeps hosts independent', async () => {
    const limiter = new HostRateLimiter({ requestsPerSecond: 10, jitterMs: 0 });
    const started = Date.now();
    await Promise.all([1, 2, 3, 4].map(() => limiter.acquire(ZILLOW)));
    const zillowMs = Date.now() - started; // 4 requests at 10/s: the last goes ≥ 300 ms after the first
    expect(zillowMs).toBeGreaterThanOrEqual(280);
    const redfinStarted = Date.now();
    await limiter.acquire(REDFIN);
    expect(Date.now() - redfinStarted).toBeLessThan(zillowMs);
  });

  it('adds a jitter drawn from 0..jitterMs', async () => {
    const limiter = new HostRateLimiter({ requestsPerSecond: null, jitterMs: 400, random: () => 0.75 });
    const started = Date.now();
    await limiter.acquire(ZILLOW);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('keeps the jitter inside the slot: consecutive requests to a host are never closer than 1/requestsPerSecond', async () => {
    // 10 req/s (100 ms slots), jitter 0..80 ms drawn alternately 72 ms and 0 ms: a jitter after the slot
    // let the next request go 28 ms after a jittered one (at 0.5 req/s and 1 s jitter: 1 s apart).
    const draws = [0.9, 0];
    let n = 0;
    const limiter = new HostRateLimiter({ requestsPerSecond: 10, jitterMs: 80, random: () => draws[n++ % draws.length]! });
    const started = performance.now();
    const times = await Promise.all([1, 2, 3, 4, 5].map(() => limiter.acquire(ZILLOW).then(() => performance.now())));
    times.sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(times[0]! - started).toBeGreaterThanOrEqual(71); // the first request's own jitter, 72 ms (1 ms for timer rounding)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(99); // 100 ms (1 ms for timer rounding)
  });

  it('gives up waiting when the signal aborts', async () => {
    const limiter = new HostRateLimiter({ requestsPerSecond: 0.01, jitterMs: 0 });
    await limiter.acquire(ZILLOW);
    const controller = new AbortController();
    const waiting = limiter.acquire(ZILLOW, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('Retry-After', () => {
  it('is read in seconds or as an HTTP date', () => {
    const now = Date.parse('Sun, 29 Nov 2026 18:00:00 GMT');
    expect(parseRetryAfterMs('7', now)).toBe(7_000);
    expect(parseRetryAfterMs('Sun, 29 Nov 2026 18:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Sun, 29 Nov 2026 17:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
  });

  it('sets the backoff delay when the error carries it; otherwise the delay grows exponentially within bounds', () => {
    const backoff = createRetryAfterBackoff({ initialBackoffMs: 100, maxBackoffMs: 10_000, jitterMs: 50, random: () => 0.5 });
    const signal = new AbortController().signal;
    const asked = new NavigationError(ZILLOW, 'zillow', { message: 'HTTP 429', status: 429, retryAfterMs: 3_000 });
    expect(retryAfterMsOf(asked)).toBe(3_000);
    const first = backoff.next({ attempt: 1, signal, result: { error: asked } });
    expect(first.duration).toBe(3_025);
    let b = first.next({ attempt: 2, signal, result: { error: new Error('reset') } });
    const durations: number[] = [];
    for (let attempt = 3; attempt < 10; attempt += 1) {
      durations.push(b.duration);
      b = b.next({ attempt, signal, result: { error: new Error('reset') } });
    }
    expect(durations.every((d) => d >= 0 && d <= 10_000)).toBe(true);
    expect(Math.max(...durations)).toBeGreaterThan(100);
  });
});

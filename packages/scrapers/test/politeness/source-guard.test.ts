import { CancelledError, InvalidInputError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { BotWallError, DownloadError, ListingRemovedError, NavigationError, SourceBlockedError } from '../../src/errors/index.js';
import { SourceGuard } from '../../src/politeness/index.js';
import type { SourceGuardOptions } from '../../src/politeness/index.js';

const URL_A = 'https://www.zillow.com/homedetails/1-A-St-Phoenix-AZ-85001/1_zpid/';

function guard(overrides: Partial<SourceGuardOptions> = {}): SourceGuard {
  return new SourceGuard({
    source: 'zillow',
    concurrency: 4,
    maxRetries: 3,
    initialBackoffMs: 10,
    maxBackoffMs: 5_000,
    jitterMs: 20,
    blocksToOpenCircuit: 3,
    circuitOpenMs: 60_000,
    ...overrides,
  });
}

const transient = (retryAfterMs: number | null = null): NavigationError =>
  new NavigationError(URL_A, 'zillow', { message: 'HTTP 429', status: 429, retryAfterMs });
const wall = (): BotWallError => new BotWallError(URL_A, 'zillow', { vendor: 'perimeterx', status: 403, markers: ['px-captcha'] });

describe('SourceGuard retries', () => {
  it('retries a transient failure and waits what Retry-After asks', async () => {
    const times: number[] = [];
    const result = await guard().run(URL_A, undefined, async (attempt) => {
      times.push(Date.now());
      if (attempt === 0) throw transient(400);
      return 'page';
    });
    expect(result).toBe('page');
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(390);
  });

  it('backs off exponentially up to maxRetries, then throws the last transient error', async () => {
    let calls = 0;
    const error = await guard({ maxRetries: 2 })
      .run(URL_A, undefined, () => {
        calls += 1;
        return Promise.reject(
          new DownloadError('https://photos.zillowstatic.com/fp/x.jpg', 'zillow', { message: 'HTTP 503', status: 503 }),
        );
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(calls).toBe(3);
  });

  it('does not retry permanent failures, bot walls, or a Retry-After longer than maxBackoffMs', async () => {
    for (const failure of [new ListingRemovedError(URL_A, 'zillow', 404, 'HTTP 404'), wall(), transient(60_000)]) {
      let calls = 0;
      const error = await guard({ blocksToOpenCircuit: null })
        .run(URL_A, undefined, () => {
          calls += 1;
          return Promise.reject(failure);
        })
        .catch((e: unknown) => e);
      expect(error).toBe(failure);
      expect(calls).toBe(1);
    }
  });

  it('stops a long backoff promptly when the signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = guard().run(URL_A, controller.signal, () => Promise.reject(transient(4_000)));
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('leaves no backoff timer and makes no further attempt once the signal aborts', async () => {
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const controller = new AbortController();
    let attempts = 0;
    let failed: () => void = () => undefined;
    const firstFailure = new Promise<void>((resolve) => {
      failed = resolve;
    });
    const run = guard({ maxBackoffMs: 3_600_000 })
      .run(URL_A, controller.signal, () => {
        attempts += 1;
        failed();
        return Promise.reject(transient(600_000));
      })
      .catch((e: unknown) => e);
    await firstFailure;
    await new Promise((resolve) => setTimeout(resolve, 10)); // after cockatiel's 0 ms step: the 600 s backoff has begun
    controller.abort(new Error('pool closed'));
    const error = await run;
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe('pool closed');
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBe(before);
    expect(attempts).toBe(1);
  });
});

describe('SourceGuard signal argument', () => {
  it('rejects a signal that is not an AbortSignal with InvalidInputError naming it, synchronously', () => {
    for (const bad of [{}, 'abort', 42]) {
      let thrown: unknown = null;
      try {
        void guard().run(URL_A, bad as never, () => Promise.resolve('x'));
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(InvalidInputError);
      expect((thrown as InvalidInputError).issues.map((i) => i.path)).toEqual(['signal']);
    }
  });
});

describe('SourceGuard concurrency', () => {
  it('runs at most `concurrency` calls at once', async () => {
    const g = guard({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        g.run(URL_A, undefined, async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setTimeout(resolve, 30));
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });
});

describe('SourceGuard circuit breaker', () => {
  it('opens after repeated bot walls, refuses further calls without running them, and leaves other sources alone', async () => {
    const zillow = guard({ blocksToOpenCircuit: 3 });
    const redfin = guard({ source: 'redfin', blocksToOpenCircuit: 3 });
    let calls = 0;
    const blocked = (): Promise<never> => {
      calls += 1;
      return Promise.reject(wall());
    };
    for (let i = 0; i < 3; i += 1) await expect(zillow.run(URL_A, undefined, blocked)).rejects.toBeInstanceOf(BotWallError);
    expect(zillow.circuitState).toBe('open');
    const refused = await zillow.run(URL_A, undefined, blocked).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceBlockedError);
    expect((refused as SourceBlockedError).kind).toBe('blocked');
    expect((refused as SourceBlockedError).source).toBe('zillow');
    expect((refused as SourceBlockedError).reopensAt!.getTime()).toBeGreaterThan(Date.now());
    expect(calls).toBe(3);
    await expect(redfin.run(URL_A, undefined, () => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(redfin.circuitState).toBe('closed');
  });

  it('lets one trial through after circuitOpenMs and closes again when it succeeds', async () => {
    const g = guard({ blocksToOpenCircuit: 1, circuitOpenMs: 1_000 });
    await expect(g.run(URL_A, undefined, () => Promise.reject(wall()))).rejects.toBeInstanceOf(BotWallError);
    await expect(g.run(URL_A, undefined, () => Promise.resolve('x'))).rejects.toBeInstanceOf(SourceBlockedError);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await expect(g.run(URL_A, undefined, () => Promise.resolve('trial'))).resolves.toBe('trial');
    expect(g.circuitState).toBe('closed');
  });

  it('does not count successes between walls as blocks', async () => {
    const g = guard({ blocksToOpenCircuit: 2 });
    await expect(g.run(URL_A, undefined, () => Promise.reject(wall()))).rejects.toBeInstanceOf(BotWallError);
    await g.run(URL_A, undefined, () => Promise.resolve('ok'));
    await expect(g.run(URL_A, undefined, () => Promise.reject(wall()))).rejects.toBeInstanceOf(BotWallError);
    expect(g.circuitState).toBe('closed');
  });
});

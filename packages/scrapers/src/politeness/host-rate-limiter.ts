import { parseInput, throwIfCancelled } from '@phx/core';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { z } from 'zod';
import { abortable, sleep } from './abortable.js';

/** Options of {@link HostRateLimiter}. */
export interface HostRateLimiterOptions {
  /** Requests per second allowed to one host (> 0), or `null` for no limit. */
  readonly requestsPerSecond: number | null;
  /** Random extra delay before each request, uniform in 0..jitterMs, in ms (≥ 0); inside the host's slot. */
  readonly jitterMs: number;
  /** Random source in [0, 1); default `Math.random` (tests pin it). */
  readonly random?: () => number;
}

const optionsSchema = z.object({
  requestsPerSecond: z.number().positive().max(1_000).nullable(),
  jitterMs: z.number().int().min(0),
  random: z.custom<() => number>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
});

/** The pacing of one host: one request's turn at a time, and when the last one went (`performance.now()` ms). */
interface HostPace {
  readonly turn: LimitFunction;
  lastAt: number | null;
}

/**
 * Spaces requests to each host evenly (`requestsPerSecond`, one host
 * independent of the others) and adds a random jitter so that the request
 * pattern is not machine-regular. The jitter lies inside a host's slot: a
 * request goes `1/requestsPerSecond` after the previous one to its host plus
 * its own jitter, so two requests to one host are never closer than
 * `1000 / requestsPerSecond` ms. Turns are taken one at a time per host
 * (`p-limit`).
 *
 * Concurrency: `acquire` may be called by many callers at once; each waits
 * for its own turn on its host.
 *
 * @example
 * ```ts
 * declare const signal: AbortSignal;
 * const limiter = new HostRateLimiter({ requestsPerSecond: 0.5, jitterMs: 500 });
 * await limiter.acquire('https://www.zillow.com/homedetails/…', signal); // then load the page
 * ```
 */
export class HostRateLimiter {
  private readonly hosts = new Map<string, HostPace>();
  private readonly options: HostRateLimiterOptions;
  private readonly random: () => number;

  /**
   * @param options - rate per host and jitter
   * @throws `InvalidInputError` (core) listing every bad option
   */
  constructor(options: HostRateLimiterOptions) {
    parseInput(optionsSchema, options, 'HostRateLimiter options');
    this.options = options;
    this.random = options.random ?? Math.random;
  }

  /**
   * Waits until a request to the URL's host may go out: at least
   * `1000 / requestsPerSecond` ms after the previous one to that host, plus
   * a jitter in 0..jitterMs ms.
   *
   * @param url - the URL about to be requested (its host is the key)
   * @param signal - aborts the wait (a cancelled wait takes no slot)
   * @returns resolves when the request may be sent
   * @throws `CancelledError` (core) when `signal` aborts
   */
  async acquire(url: string, signal?: AbortSignal): Promise<void> {
    const { requestsPerSecond } = this.options;
    if (requestsPerSecond === null) {
      await this.jitter(signal);
      return;
    }
    const intervalMs = 1000 / requestsPerSecond;
    const pace = this.paceOf(new URL(url).hostname.toLowerCase());
    await abortable(
      pace.turn(async () => {
        throwIfCancelled(signal);
        const due = (pace.lastAt ?? -Infinity) + intervalMs;
        // A timer may fire a fraction of a ms early on performance.now()'s clock: wait until it is really due.
        for (let now = performance.now(); now < due; now = performance.now()) await sleep(Math.ceil(due - now), signal);
        await this.jitter(signal);
        pace.lastAt = performance.now();
      }),
      signal,
    );
  }

  private jitter(signal: AbortSignal | undefined): Promise<void> {
    const { jitterMs } = this.options;
    return jitterMs > 0 ? sleep(Math.floor(this.random() * jitterMs), signal) : Promise.resolve();
  }

  private paceOf(host: string): HostPace {
    let pace = this.hosts.get(host);
    if (pace === undefined) {
      pace = { turn: pLimit(1), lastAt: null };
      this.hosts.set(host, pace);
    }
    return pace;
  }
}

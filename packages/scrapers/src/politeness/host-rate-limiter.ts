import { parseInput } from '@phx/core';
import pThrottle from 'p-throttle';
import { z } from 'zod';
import { abortable, sleep } from './abortable.js';

/** Options of {@link HostRateLimiter}. */
export interface HostRateLimiterOptions {
  /** Requests per second allowed to one host (> 0), or `null` for no limit. */
  readonly requestsPerSecond: number | null;
  /** Random extra delay before each request, uniform in 0..jitterMs, in ms (≥ 0). */
  readonly jitterMs: number;
  /** Random source in [0, 1); default `Math.random` (tests pin it). */
  readonly random?: () => number;
}

const optionsSchema = z.object({
  requestsPerSecond: z.number().positive().max(1_000).nullable(),
  jitterMs: z.number().int().min(0),
  random: z.custom<() => number>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
});

/**
 * Spaces requests to each host evenly (`requestsPerSecond`, one host
 * independent of the others) and adds a random jitter so that the request
 * pattern is not machine-regular. Built on `p-throttle` in strict mode.
 *
 * Concurrency: `acquire` may be called by many callers at once; each waits
 * for its own turn on its host.
 *
 * @example
 * ```ts
 * const limiter = new HostRateLimiter({ requestsPerSecond: 0.5, jitterMs: 500 });
 * await limiter.acquire('https://www.zillow.com/homedetails/…', signal); // then load the page
 * ```
 */
export class HostRateLimiter {
  private readonly throttles = new Map<string, () => Promise<void>>();
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
   * Waits until a request to the URL's host may go out.
   *
   * @param url - the URL about to be requested (its host is the key)
   * @param signal - aborts the wait
   * @returns resolves when the request may be sent
   * @throws `CancelledError` (core) when `signal` aborts
   */
  async acquire(url: string, signal?: AbortSignal): Promise<void> {
    const { requestsPerSecond, jitterMs } = this.options;
    if (requestsPerSecond !== null) await abortable(this.throttleOf(new URL(url).hostname.toLowerCase())(), signal);
    if (jitterMs > 0) await sleep(Math.floor(this.random() * jitterMs), signal);
  }

  private throttleOf(host: string): () => Promise<void> {
    let throttle = this.throttles.get(host);
    if (throttle === undefined) {
      const intervalMs = Math.max(1, Math.round(1000 / (this.options.requestsPerSecond ?? 1)));
      throttle = pThrottle({ limit: 1, interval: intervalMs, strict: true })(() => Promise.resolve());
      this.throttles.set(host, throttle);
    }
    return throttle;
  }
}

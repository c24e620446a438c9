import { retryAfterMsOf } from '@phx/core';
import { ExponentialBackoff } from 'cockatiel';
import type { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';

/** Options of {@link createRetryAfterBackoff}. */
export interface RetryAfterBackoffOptions {
  /** First delay, in ms; doubles per retry (decorrelated jitter). */
  readonly initialBackoffMs: number;
  /** Longest exponential delay, in ms. */
  readonly maxBackoffMs: number;
  /** Random extra delay added to a `Retry-After` delay, in 0..jitterMs ms. */
  readonly jitterMs: number;
  /** Random source in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

type RetryContext = IRetryBackoffContext<unknown>;

function next(inner: IBackoffFactory<RetryContext>, context: RetryContext, options: RetryAfterBackoffOptions): IBackoff<RetryContext> {
  const innerBackoff = inner.next(context);
  const asked = 'error' in context.result ? retryAfterMsOf(context.result.error) : null;
  const random = options.random ?? Math.random;
  const duration = asked === null ? innerBackoff.duration : asked + Math.floor(random() * options.jitterMs);
  return { duration, next: (c: RetryContext) => next(innerBackoff, c, options) };
}

/**
 * A cockatiel backoff: exponential with decorrelated jitter (cockatiel's
 * `ExponentialBackoff`), except that a failure carrying a `Retry-After`
 * delay waits that long plus a little jitter.
 *
 * @param options - initial and maximal delay, jitter
 * @returns the backoff factory for `retry(..., { backoff })`
 */
export function createRetryAfterBackoff(options: RetryAfterBackoffOptions): IBackoffFactory<RetryContext> {
  const exponential = new ExponentialBackoff({
    initialDelay: Math.max(1, options.initialBackoffMs),
    maxDelay: Math.max(1, options.maxBackoffMs),
  });
  return { next: (context: RetryContext) => next(exponential, context, options) };
}

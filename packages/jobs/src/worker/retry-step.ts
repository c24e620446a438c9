import type { PropertyOutcome } from '@phx/core';

/**
 * What to do after an attempt at a property failed transiently: wait
 * `delayMs` and try again within the job, or defer the property to a later
 * run, no earlier than `retryAt`.
 */
export type RetryStep = { readonly kind: 'wait'; readonly delayMs: number } | { readonly kind: 'defer'; readonly retryAt: Date };

/**
 * The longest wait the sources of a failed attempt asked for: the largest
 * `retryAfterMs` of its failures (from `Retry-After` headers), in ms.
 *
 * @param outcome - the attempt's outcome
 * @returns the wait in ms, or `null` when no failure carries one
 */
export function requestedWaitMs(outcome: PropertyOutcome): number | null {
  const asked = outcome.failures.map((f) => f.retryAfterMs ?? 0).filter((ms) => ms > 0);
  return asked.length === 0 ? null : Math.max(...asked);
}

/**
 * Chooses the delay before the next attempt at a property that failed
 * transiently: the backoff's delay, or the wait its sources asked for when
 * longer (never earlier than `Retry-After`); a wait longer than
 * `maxDeferMs` is not waited within the job, the property is deferred to
 * `now` plus that wait.
 *
 * @param outcome - the failed attempt's outcome (its failures' `retryAfterMs`)
 * @param backoffMs - the delay the backoff gives for this retry, in ms
 * @param maxDeferMs - the longest wait within the job (`PROPERTY_MAX_DEFER_MS`), in ms
 * @param now - when the attempt ended
 * @returns `wait` with the delay in ms, or `defer` with the earliest time of the next attempt
 */
export function chooseRetryStep(outcome: PropertyOutcome, backoffMs: number, maxDeferMs: number, now: Date): RetryStep {
  const asked = requestedWaitMs(outcome);
  if (asked !== null && asked > maxDeferMs) return { kind: 'defer', retryAt: new Date(now.getTime() + asked) };
  return { kind: 'wait', delayMs: Math.max(backoffMs, asked ?? 0) };
}

import { anySignal } from 'any-signal';
import type { ClearableSignal } from 'any-signal';
import { CancelledError, describeValue, parseInput, throwIfCancelled } from '@phx/core';
import { z } from 'zod';

/**
 * Settles like `work`, or rejects with `CancelledError` as soon as `signal`
 * aborts, whichever comes first. The work itself is not stopped: callers
 * pass the same signal into it so that it stops on its own.
 *
 * @param work - the promise to wait for
 * @param signal - aborts the wait; `undefined` waits for `work`
 * @returns what `work` resolves to
 * @throws `CancelledError` (core) when `signal` aborts first
 */
export function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  throwIfCancelled(signal);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      const reason: unknown = signal.reason;
      reject(new CancelledError(reason instanceof Error ? reason.message : String(reason ?? 'operation was cancelled'), { cause: reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Waits `delayMs`, or rejects with `CancelledError` as soon as `signal` aborts.
 *
 * @param delayMs - how long to wait, in ms (≤ 0 resolves on the next tick)
 * @param signal - aborts the wait
 * @returns resolves after the delay
 * @throws `CancelledError` (core) when `signal` aborts
 */
export function sleep(delayMs: number, signal?: AbortSignal): Promise<void> {
  throwIfCancelled(signal); // before the timer exists, or an aborted wait would leave it running
  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, delayMs));
  });
  return abortable(wait, signal).finally(() => clearTimeout(timer));
}

/**
 * Run-time schema of a caller's `signal` option: an `AbortSignal`; the
 * message names what was given instead (`got a string`).
 */
export const abortSignalSchema = z.custom<AbortSignal>((v) => v instanceof AbortSignal, {
  error: (issue) => `must be an AbortSignal (e.g. from an AbortController) or left out; got ${describeValue(issue.input)}`,
});

const signalOptionSchema = z.object({ signal: abortSignalSchema.optional() });

/**
 * Checks a caller's `signal` option at run time (plain JavaScript callers
 * can pass anything), so that a wrong value fails at once with a typed
 * error instead of as a `TypeError` deep inside, or an unhandled rejection.
 *
 * @param signal - the value given as `signal`
 * @param what - name of the input for the error, e.g. `withPage options`
 * @returns the signal, or `undefined` when none was given
 * @throws `InvalidInputError` (core) naming the `signal` field when it is not an `AbortSignal`
 */
export function checkSignal(signal: unknown, what: string): AbortSignal | undefined {
  return parseInput(signalOptionSchema, { signal }, what).signal;
}

/**
 * A signal joined from others that lets go of them: `clear()` removes its
 * listeners from its sources. Call it when the call that owns the signal
 * has ended, or a long-lived source keeps something of every call.
 */
export type JoinedSignal = ClearableSignal;

/**
 * Combines a caller's optional signal with an owner's (e.g. a pool's
 * "closed" signal): aborted as soon as either is, with that one's reason.
 * Always a new signal of the call's own, also without a caller signal:
 * the call's waits add their abort listeners to it, never to the shared
 * owner signal, where 11 calls at once would trip Node's
 * `MaxListenersExceededWarning`. Built on `any-signal` rather than
 * `AbortSignal.any`, whose composite leaves about 1.2 KiB behind in each
 * long-lived source per call on Node 20 (nodejs/node#54614): the caller
 * calls `clear()` when its call has ended.
 *
 * @param caller - the caller's signal, or `undefined`
 * @param owner - the owner's signal
 * @returns one signal for both, owned by this call; `clear()` it when the call ends
 */
export function eitherSignal(caller: AbortSignal | undefined, owner: AbortSignal): JoinedSignal {
  return anySignal(caller === undefined ? [owner] : [caller, owner]);
}

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
 * A signal joined from others that lets go of them: `clear()` drops it from
 * its sources. Call it when the call that owns the signal has ended, or a
 * long-lived source keeps something of every call.
 */
export interface JoinedSignal extends AbortSignal {
  /** Drops this signal from its sources; it aborts no more when they do. Idempotent. */
  clear(): void;
}

/**
 * Per source signal, the joined signals that follow it, behind one abort
 * listener whatever their number: a source shared by many calls at once (a
 * job's signal, a pool's "closed" signal) never gets one listener per call,
 * which would trip Node's `MaxListenersExceededWarning` past 10.
 */
const followers = new WeakMap<AbortSignal, Set<AbortController>>();

function follow(source: AbortSignal, controller: AbortController): void {
  let set = followers.get(source);
  if (set === undefined) {
    const live = new Set<AbortController>();
    set = live;
    followers.set(source, live);
    source.addEventListener(
      'abort',
      () => {
        followers.delete(source);
        for (const c of live) c.abort(source.reason);
      },
      { once: true },
    );
  }
  set.add(controller);
}

function unfollow(source: AbortSignal, controller: AbortController): void {
  followers.get(source)?.delete(controller);
}

/**
 * Combines a caller's optional signal with an owner's (e.g. a pool's
 * "closed" signal): aborted as soon as either is, with that one's reason.
 * Always a new signal of the call's own, also without a caller signal:
 * the call's waits add their abort listeners to it, never to the shared
 * signals. Each source signal has one listener however many calls are
 * joined to it, and `clear()` drops the call from them; unlike
 * `AbortSignal.any`, which on Node 20 keeps about 1.2 KiB per call in each
 * long-lived source until that aborts (nodejs/node#54614).
 *
 * @param caller - the caller's signal, or `undefined`
 * @param owner - the owner's signal, or `undefined`
 * @returns one signal for both, owned by this call; `clear()` it when the call ends
 */
export function eitherSignal(caller: AbortSignal | undefined, owner: AbortSignal | undefined): JoinedSignal {
  const controller = new AbortController();
  const sources = [caller, owner].filter((s): s is AbortSignal => s !== undefined);
  const aborted = sources.find((s) => s.aborted);
  if (aborted !== undefined) controller.abort(aborted.reason);
  else for (const source of sources) follow(source, controller);
  return Object.assign(controller.signal, {
    clear: (): void => {
      for (const source of sources) unfollow(source, controller);
    },
  });
}

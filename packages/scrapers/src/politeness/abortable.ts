import { CancelledError, throwIfCancelled } from '@phx/core';

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
  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, delayMs));
  });
  return abortable(wait, signal).finally(() => clearTimeout(timer));
}

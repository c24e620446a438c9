import type { Client, FormattedExecutionResult } from 'graphql-ws';

/** One `next` payload of a subscription. */
export type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;

/** What a graphql-ws subscription delivered so far, and waiters on what comes next. */
export interface SubscriptionRecorder<T> {
  /** Every `next` payload, in order. */
  readonly results: ExecutionResult<T>[];
  /** Resolves when the server completes the subscription; rejects on a transport error. */
  readonly completed: Promise<void>;
  /**
   * Waits until at least `count` results arrived.
   *
   * @param count - how many results to wait for
   * @param timeoutMs - how long to wait
   * @returns the `count`-th result
   */
  waitForResult(count: number, timeoutMs?: number): Promise<ExecutionResult<T>>;
  /** Unsubscribes (sends `complete`). */
  unsubscribe(): void;
}

/**
 * Subscribes and records what arrives. Registered at once, so call it before
 * triggering the changes the test waits for.
 *
 * @param client - a graphql-ws client
 * @param query - the subscription
 * @param variables - its variables
 * @returns the recorder
 */
export function recordSubscription<T>(client: Client, query: string, variables: Record<string, unknown>): SubscriptionRecorder<T> {
  const results: ExecutionResult<T>[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let resolveCompleted!: () => void;
  let rejectCompleted!: (error: unknown) => void;
  const completed = new Promise<void>((resolve, reject) => {
    resolveCompleted = resolve;
    rejectCompleted = reject;
  });
  completed.catch(() => undefined);
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        results.push(result);
        for (const waiter of waiters.filter((w) => results.length >= w.count)) waiter.resolve();
      },
      error: (error) => rejectCompleted(error),
      complete: () => resolveCompleted(),
    },
  );
  return {
    results,
    completed,
    async waitForResult(count, timeoutMs = 10_000) {
      if (results.length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`only ${results.length} of ${count} subscription results after ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiters.push({
            count,
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          });
        });
      }
      const result = results[count - 1];
      if (result === undefined) throw new Error(`no result ${count}`);
      return result;
    },
    unsubscribe,
  };
}

/**
 * Fails after `timeoutMs` unless `promise` settles first.
 *
 * @param promise - what to wait for
 * @param timeoutMs - how long
 * @param what - named in the timeout error
 * @returns the promise's value
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits for a subscription to end and tells how: `null` when the server
 * completed it, else what it failed with (for a closed socket, the close
 * event with `code` and `reason`).
 *
 * @param sub - the recorder
 * @param timeoutMs - how long to wait
 * @param what - what is awaited, for the timeout message
 * @returns `null` or the failure
 * @throws Error when it does not end in time
 */
export function endOf(sub: SubscriptionRecorder<unknown>, timeoutMs: number, what: string): Promise<unknown> {
  return within(
    sub.completed.then(
      () => null,
      (e: unknown) => e,
    ),
    timeoutMs,
    what,
  );
}

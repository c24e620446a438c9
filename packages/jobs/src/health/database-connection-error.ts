import { MongoError, MongoNetworkError, MongoServerSelectionError } from 'mongodb';

/** Causes followed down from a thrown error (a wrapper's `cause`) when looking for the driver's error. */
const MAX_CAUSE_DEPTH = 5;

/**
 * Tells whether an error (or one of its `cause`s) is the MongoDB driver
 * saying the server could not be reached: no server to select
 * (`MongoServerSelectionError`, e.g. `connect ECONNREFUSED` while MongoDB is
 * down), a lost or timed-out connection (`MongoNetworkError`,
 * `MongoNetworkTimeoutError`), or a write the driver labels
 * `RetryableWriteError` (a server shutting down, a primary stepping down).
 * Such a failure is transient: the same call may succeed once the database
 * answers. A closed client (`MongoTopologyClosedError`) is not one: the
 * process is stopping.
 *
 * @param error - anything thrown
 * @returns `true` for a driver connection or server-selection error
 * @example
 * ```ts
 * import { MongoNetworkError } from 'mongodb';
 * isDatabaseConnectionError(new MongoNetworkError('connection 4 to 127.0.0.1:27017 closed')); // true
 * isDatabaseConnectionError(new TypeError('x is undefined')); // false
 * ```
 */
export function isDatabaseConnectionError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSE_DEPTH && current instanceof Error; depth += 1) {
    if (current instanceof MongoServerSelectionError || current instanceof MongoNetworkError) return true;
    if (current instanceof MongoError && current.hasErrorLabel('RetryableWriteError')) return true;
    current = current.cause;
  }
  return false;
}

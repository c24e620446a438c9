/** graphql-ws close codes that mean the session is over: 4401 Unauthorized (session ended, key revoked), 4403 Forbidden. */
const SESSION_END_CODES: readonly number[] = Object.freeze([4401, 4403]);

/** The longest wait between two connection attempts, in ms. */
const MAX_WAIT_MS = 30_000;

function closeCodeOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null || !('code' in value) || !('reason' in value)) return null;
  return typeof value.code === 'number' ? value.code : null;
}

/**
 * Whether a graphql-ws socket closed because the session is over (4401 or 4403): the console then goes to sign-in.
 *
 * @param event - what graphql-ws reported on close (a CloseEvent-like `{code, reason}`, or an error)
 * @returns true for close code 4401 or 4403
 */
export function closeEndsSession(event: unknown): boolean {
  const code = closeCodeOf(event);
  return code !== null && SESSION_END_CODES.includes(code);
}

/**
 * graphql-ws `shouldRetry`: reconnect after any close (a server restart closes with 1001/1006/1012) and any network
 * error, except a close that ends the session ({@link closeEndsSession}). Used with `retryAttempts: Infinity`.
 *
 * @param errOrCloseEvent - the close event or error graphql-ws got
 * @returns true to connect again
 */
export function shouldRetrySocket(errOrCloseEvent: unknown): boolean {
  return !closeEndsSession(errOrCloseEvent);
}

/**
 * graphql-ws `retryWait`: exponential backoff from 1 s, doubling per failed attempt, at most 30 s, plus up to 1 s of
 * random jitter so that many tabs do not reconnect at the same instant.
 *
 * @param retries - failed attempts so far (0 for the first retry)
 * @param random - a number in [0, 1) (Math.random)
 * @returns the wait in ms
 */
export function socketRetryWaitMs(retries: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_WAIT_MS, 1_000 * 2 ** Math.min(retries, 16));
  return base + Math.floor(random() * 1_000);
}

import type { Db } from 'mongodb';
import { JOBS_COLLECTION } from '../repository/job-repository.js';

/**
 * Longest a readiness check (`/readyz` of the worker and of the GraphQL
 * server) waits for its database read, in ms: past it, the app answers 503.
 */
export const READINESS_TIMEOUT_MS = 2_000;

/** A database read that did not answer within its deadline: the server may still shake hands, but answers no query. */
export class DatabaseProbeTimeoutError extends Error {
  /**
   * @param what - what was read, e.g. `a read of phx.extraction_jobs`
   * @param timeoutMs - the deadline, in ms
   */
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = 'DatabaseProbeTimeoutError';
  }
}

/**
 * Reads one `_id` of the jobs collection (`extraction_jobs`) of `db`, with
 * the server told to give up after `timeoutMs` (`maxTimeMS`) and the caller
 * released at `timeoutMs` whatever the server does. Unlike `ping` or `hello`,
 * which a database stuck below its wire layer still answers, this needs a
 * query to run: what the apps' readiness checks and the database watchdog
 * probe with.
 *
 * @param db - the database to read (the app's client, or a fresh one)
 * @param timeoutMs - deadline, in ms
 * @throws {@link DatabaseProbeTimeoutError} when no answer came in time
 * @throws the driver's error when the read failed (server down, no rights)
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * import { probeDatabase, READINESS_TIMEOUT_MS } from '@phx/jobs';
 * declare const db: Db;
 * await probeDatabase(db, READINESS_TIMEOUT_MS);
 * ```
 */
export async function probeDatabase(db: Db, timeoutMs: number): Promise<void> {
  const read = db.collection(JOBS_COLLECTION).findOne({}, { projection: { _id: 1 }, maxTimeMS: timeoutMs });
  await withDeadline(read, timeoutMs, `a read of ${db.databaseName}.${JOBS_COLLECTION}`);
}

/**
 * Settles as `promise` does, or rejects with {@link DatabaseProbeTimeoutError}
 * after `timeoutMs` (a late rejection of `promise` is then ignored).
 *
 * @param promise - what is waited for
 * @param timeoutMs - deadline, in ms
 * @param what - what the error names
 * @returns what `promise` resolves to
 * @throws {@link DatabaseProbeTimeoutError} past the deadline, or what `promise` rejects with
 */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseProbeTimeoutError(what, timeoutMs)), timeoutMs);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

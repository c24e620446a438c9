import type { PropertyId } from '@phx/core';
import { describeError } from './describe-error.js';
import { JobError } from './job-error.js';

/**
 * A MongoDB call of a property's extraction threw because the database did
 * not answer (a lost connection, no server to select), and the property
 * could not be redone: MongoDB stayed unreachable through the whole outage
 * wait (`waitedMs`), or it answered again at once (`waitedMs` `null`) and the
 * property's attempts ran out. Kept as the property's failure, code
 * `DATABASE_UNAVAILABLE`, kind `transient`: `retryJob` takes the property
 * again.
 */
export class DatabaseOutageError extends JobError {
  /** The property whose extraction met it. */
  readonly propertyId: PropertyId;
  /** How long the run waited for MongoDB to answer again, in ms; `null` when it answered at once. */
  readonly waitedMs: number | null;

  /**
   * @param propertyId - the property
   * @param waitedMs - the outage wait that ran out, in ms, or `null` when MongoDB answered at once
   * @param cause - what the driver threw
   * @param jobId - the job, or `null` for a run without one
   */
  constructor(propertyId: PropertyId, waitedMs: number | null, cause: unknown, jobId: string | null) {
    const what = `a MongoDB call for property "${propertyId}" failed (${describeError(cause)})`;
    super(
      'DATABASE_UNAVAILABLE',
      waitedMs === null
        ? `${what}; retry the job (retryJob) if the database answers now`
        : `${what} and MongoDB did not answer within the ${waitedMs} ms outage wait; retry the job (retryJob) once it answers`,
      jobId,
      'transient',
      { cause },
    );
    this.propertyId = propertyId;
    this.waitedMs = waitedMs;
  }
}

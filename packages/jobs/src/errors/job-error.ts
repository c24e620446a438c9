import type { JobScraperMode } from '../repository/job-document.js';
import { CoreError } from '@phx/core';
import type { CoreErrorOptions, FailureKind, JobStatus } from '@phx/core';

/**
 * Base class of every error thrown by `@phx/jobs`. Extends core's
 * {@link CoreError}, so one `instanceof CoreError` check and one `code` switch
 * cover the whole system.
 */
export class JobError extends CoreError {
  /** Id of the job involved, or `null` when the error is not tied to one job. */
  readonly jobId: string | null;

  /**
   * @param code - stable machine-readable code, e.g. `JOB_ALREADY_FINISHED`
   * @param message - human-readable message naming the job and the fix
   * @param jobId - the job involved, or `null`
   * @param kind - what the runtime should do (default `permanent`)
   * @param options - `cause`: the original error
   */
  constructor(code: string, message: string, jobId: string | null, kind: FailureKind = 'permanent', options: CoreErrorOptions = {}) {
    super(code, message, kind, options);
    this.jobId = jobId;
  }
}

/**
 * The job is already in a final status (`completed`, `failed`, `cancelled`), so
 * it cannot be cancelled (or otherwise changed) any more. Code
 * `JOB_ALREADY_FINISHED`.
 */
export class JobAlreadyFinishedError extends JobError {
  /** The job's final status. */
  readonly status: JobStatus;

  /**
   * @param jobId - the job
   * @param status - its final status
   */
  constructor(jobId: string, status: JobStatus) {
    super('JOB_ALREADY_FINISHED', `Job "${jobId}" is already ${status}; only pending or in-progress jobs can be cancelled`, jobId);
    this.status = status;
  }
}

/**
 * The job document was written but the Agenda job that runs it could not be
 * scheduled (MongoDB unreachable, for one). The job is marked `failed`.
 * Transient: enqueueing again may succeed. Code `JOB_QUEUE_FAILED`.
 */
export class JobQueueError extends JobError {
  /**
   * @param jobId - the job that could not be queued
   * @param options - `cause`: the driver's error
   */
  constructor(jobId: string, options: CoreErrorOptions = {}) {
    super('JOB_QUEUE_FAILED', `Job "${jobId}" could not be queued for a worker; enqueue it again`, jobId, 'transient', options);
  }
}

/**
 * The job was written by a run in a CLI's own process (`phx-extract` without
 * `--async`) that read the sites in another scraper mode than this worker's:
 * a replayed run's job is never run against the live sites, nor a live run's
 * against the saved fixtures. The worker that took it over after that process
 * died fails it with this error; `retryJob` enqueues its properties for any
 * worker. Code `SCRAPER_MODE_MISMATCH`.
 */
export class ScraperModeMismatchError extends JobError {
  /** The mode of the run that wrote the job. */
  readonly jobMode: JobScraperMode;
  /** This worker's mode. */
  readonly workerMode: JobScraperMode;

  /**
   * @param jobId - the job
   * @param jobMode - the mode of the run that wrote it
   * @param workerMode - the mode of the worker that took it over
   */
  constructor(jobId: string, jobMode: JobScraperMode, workerMode: JobScraperMode) {
    super(
      'SCRAPER_MODE_MISMATCH',
      `Job "${jobId}" was started by an in-process ${jobMode} run and this worker runs in ${workerMode} mode: ` +
        `not taken over (SCRAPER_MODE_MISMATCH); retry it to run its properties on any worker`,
      jobId,
    );
    this.jobMode = jobMode;
    this.workerMode = workerMode;
  }
}

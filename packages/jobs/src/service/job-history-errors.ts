import type { JobStatus } from '@phx/core';
import { JobError } from '../errors/job-error.js';

/** A job that has not finished cannot be retried. Code `JOB_NOT_FINISHED`. */
export class JobNotFinishedError extends JobError {
  /** The job's status now (`pending` or `in_progress`). */
  readonly status: JobStatus;

  /**
   * @param jobId - the job
   * @param status - its status now
   */
  constructor(jobId: string, status: JobStatus) {
    super('JOB_NOT_FINISHED', `Job "${jobId}" is ${status}; only a finished job can be retried (wait for it, or cancel it first)`, jobId);
    this.status = status;
  }
}

/** A finished job without failed, deferred or unfinished properties has nothing to retry. Code `NO_FAILED_PROPERTIES`. */
export class NoFailedPropertiesError extends JobError {
  /**
   * @param jobId - the job
   * @param status - its final status
   */
  constructor(jobId: string, status: JobStatus) {
    super('NO_FAILED_PROPERTIES', `Job "${jobId}" (${status}) has no failed, deferred or unfinished property to retry`, jobId);
  }
}

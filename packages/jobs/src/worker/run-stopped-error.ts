import { JobError } from '../errors/index.js';

/**
 * Why a run was stopped before its properties were done:
 * `cancel` a user cancelled the job (it ends `cancelled`);
 * `shutdown` the worker is stopping (the job is handed back `pending`);
 * `timeout` the run exceeded `JOB_TIMEOUT` (it ends `failed`);
 * `lease-lost` another worker took the job over (this run writes nothing more).
 */
export type RunStopReason =
  | { readonly kind: 'cancel'; readonly requestedAt: Date }
  | { readonly kind: 'shutdown'; readonly detail: string }
  | { readonly kind: 'timeout'; readonly timeoutMs: number }
  | { readonly kind: 'lease-lost' };

function messageOf(reason: RunStopReason): string {
  switch (reason.kind) {
    case 'cancel':
      return 'cancelled by user';
    case 'shutdown':
      return `worker shutting down (${reason.detail}); job handed back for another worker to resume`;
    case 'timeout':
      return `timed out after ${Math.round(reason.timeoutMs / 1000)} s (JOB_TIMEOUT)`;
    case 'lease-lost':
      return 'another worker took the job over';
  }
}

/**
 * The abort reason of a stopped run, carried by its `AbortSignal` to the
 * scrapers and downloads (core turns it into a `CancelledError` with this
 * message). Code `JOB_RUN_STOPPED`.
 */
export class RunStoppedError extends JobError {
  /** Why the run stopped. */
  readonly reason: RunStopReason;

  /**
   * @param jobId - the job whose run stopped
   * @param reason - why
   */
  constructor(jobId: string, reason: RunStopReason) {
    super('JOB_RUN_STOPPED', messageOf(reason), jobId);
    this.reason = reason;
  }
}

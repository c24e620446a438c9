import { JobError } from '../errors/index.js';

/** What counts as a run's progress for `JOB_TIMEOUT`: a finished property, or a chunk of its property list written. */
export type RunProgressKind = 'property' | 'listing';

/**
 * Why `JOB_TIMEOUT` stopped a run (it ends `failed`):
 * `no-progress` no property finished (any outcome) for `timeoutMs`, the worker's `JOB_TIMEOUT`: the run is stuck
 * (a hung page, a dead browser); `idleMs` is how long it had been, `since` what the last progress was: the run's
 * start (`run-start`), the listing of its catalog selection (`listing`) or a finished property (`property`);
 * `job-limit` the job's own wall-time limit (`timeoutMs` of the job, `limitMs`) passed, counted from its first start
 * (`startedAt`).
 */
export type RunTimeoutReason =
  | {
      readonly kind: 'timeout';
      readonly rule: 'no-progress';
      readonly timeoutMs: number;
      readonly idleMs: number;
      readonly since: RunProgressKind | 'run-start';
    }
  | { readonly kind: 'timeout'; readonly rule: 'job-limit'; readonly limitMs: number; readonly startedAt: Date };

/**
 * Why a run was stopped before its properties were done:
 * `cancel` a user cancelled the job (it ends `cancelled`);
 * `shutdown` the worker is stopping (the job is handed back `pending`);
 * `timeout` `JOB_TIMEOUT` stopped it (see {@link RunTimeoutReason}; it ends `failed`);
 * `lease-lost` another worker took the job over (this run writes nothing more).
 */
export type RunStopReason =
  | { readonly kind: 'cancel'; readonly requestedAt: Date }
  | { readonly kind: 'shutdown'; readonly detail: string }
  | RunTimeoutReason
  | { readonly kind: 'lease-lost' };

/**
 * A duration for a message, in seconds: whole seconds from 10 s, one decimal below (the tests' limits are fractions of one).
 *
 * @param ms - the duration, in ms
 * @returns e.g. `3600 s`, `1.5 s`
 */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}

function timeoutMessage(reason: RunTimeoutReason): string {
  if (reason.rule === 'job-limit') {
    return (
      `stopped by JOB_TIMEOUT: the job's own time limit of ${formatSeconds(reason.limitMs)} (timeoutSeconds) passed, ` +
      `counted from its first start at ${reason.startedAt.toISOString()}; its unfinished properties can be retried`
    );
  }
  const since = {
    'run-start': 'since the run started',
    listing: "since the job's properties were listed",
    property: 'since the last one finished',
  }[reason.since];
  return (
    `stopped by JOB_TIMEOUT: no property finished for ${formatSeconds(reason.idleMs)} ${since} ` +
    `(JOB_TIMEOUT allows ${formatSeconds(reason.timeoutMs)} without progress); its unfinished properties can be retried`
  );
}

function messageOf(reason: RunStopReason): string {
  switch (reason.kind) {
    case 'cancel':
      return 'cancelled by user';
    case 'shutdown':
      return `worker shutting down (${reason.detail}); job handed back for another worker to resume`;
    case 'timeout':
      return timeoutMessage(reason);
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

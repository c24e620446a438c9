/** The property counters of a job (Job or JobCounters fields of the same names). */
export interface PropertyCounters {
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly failedProperties: number;
  readonly partialProperties: number;
  readonly deferredProperties: number;
}

/** How far a job is: properties finished (in any way) out of its total. */
export interface JobProgressValue {
  /** Properties with an outcome: completed, partial, deferred or failed. */
  readonly finished: number;
  /** Properties the job will process (at least `finished`). */
  readonly total: number;
  /** 0..100, rounded down, so 100 means every property is finished; 0 for an empty job. */
  readonly percent: number;
}

/** Statuses after which a job changes no more. */
export const FINAL_JOB_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);

/**
 * Reads a job's progress from its counters.
 *
 * @param counters - the job's property counters
 * @returns finished, total and a whole percentage (see {@link JobProgressValue})
 */
export function jobProgress(counters: PropertyCounters): JobProgressValue {
  const finished = counters.completedProperties + counters.failedProperties + counters.partialProperties + counters.deferredProperties;
  const total = Math.max(counters.totalProperties, finished);
  const percent = total === 0 ? 0 : Math.floor((finished * 100) / total);
  return { finished, total, percent };
}

/**
 * Whether a job status is final (COMPLETED, FAILED or CANCELLED).
 *
 * @param status - a JobStatus value
 * @returns true for a final status
 */
export function isFinalJobStatus(status: string): boolean {
  return FINAL_JOB_STATUSES.has(status);
}

/**
 * The outcome tab a job page opens on: the first of failed, partial, deferred and completed that has properties.
 *
 * @param counters - the job's property counters
 * @returns "FAILED", "PARTIAL", "DEFERRED" or "COMPLETED" (also when none has any)
 */
export function firstOutcomeTab(counters: PropertyCounters): 'FAILED' | 'PARTIAL' | 'DEFERRED' | 'COMPLETED' {
  if (counters.failedProperties > 0) return 'FAILED';
  if (counters.partialProperties > 0) return 'PARTIAL';
  if (counters.deferredProperties > 0) return 'DEFERRED';
  return 'COMPLETED';
}

/**
 * The version of a job's page data: it changes when the status changes or another property finishes, which is
 * when the job's start time, failure groups and outcome lists may have changed on the server.
 *
 * @param status - the job's current JobStatus value
 * @param counters - its current property counters
 * @returns a string such as `IN_PROGRESS:4` (status and finished properties)
 */
export function jobDataVersion(status: string, counters: PropertyCounters): string {
  return `${status}:${jobProgress(counters).finished}`;
}

/**
 * How long to wait before reading a page's data again, so that a fast job is read at most once per interval
 * and its last change is still read (trailing read).
 *
 * @param lastReadAtMs - when it was last read (epoch ms), or null when never
 * @param nowMs - now (epoch ms)
 * @param minIntervalMs - the least time between two reads, in ms
 * @returns the delay in ms (0: read now)
 */
export function refreshDelayMs(lastReadAtMs: number | null, nowMs: number, minIntervalMs: number): number {
  if (lastReadAtMs === null) return 0;
  return Math.max(0, lastReadAtMs + minIntervalMs - nowMs);
}

/**
 * The newer of a job's state as last read by a query and as last pushed by its progress subscription. A final
 * state never changes, so a query that read the job final wins over a live message from before the end (the
 * subscription is paused once the query shows the job final and its last message may not have come).
 *
 * @param read - the job as the page's query read it
 * @param live - the last jobProgress message, or undefined/null before the first
 * @returns `read` when it is final or nothing came live, else `live`
 */
export function newerJobState<T extends { readonly status: string }>(read: T, live: T | null | undefined): T {
  return isFinalJobStatus(read.status) || live === null || live === undefined ? read : live;
}

/**
 * The queue settings of the original design (`JobQueueConfig`), in
 * milliseconds: `MAX_CONCURRENT_JOBS` 3 jobs per worker, `JOB_TIMEOUT` 3600 s,
 * `JOB_RESULT_TTL` 604800 s (7 days), and 3 properties at once within a job.
 */
export const DEFAULT_QUEUE_SETTINGS = Object.freeze({
  /** Jobs one worker runs at once (`MAX_CONCURRENT_JOBS`). */
  maxConcurrentJobs: 3,
  /** Longest a job may run before it is stopped and failed (`JOB_TIMEOUT`), in ms. */
  jobTimeoutMs: 3_600_000,
  /** How long finished jobs are kept (`JOB_RESULT_TTL`), in ms. */
  jobResultTtlMs: 604_800_000,
  /** Properties extracted at once within one job. */
  propertyConcurrency: 3,
  /** How often a worker looks for due jobs, in ms (Agenda's `processEvery`). */
  processEveryMs: 1_000,
  /**
   * How long a job stays locked to its worker without a heartbeat, in ms
   * (Agenda's lock lifetime, also the run lease). Running jobs heartbeat at a
   * quarter of it; after a crash the job is taken up again once it expires.
   */
  lockLifetimeMs: 60_000,
});

import { z } from 'zod';

/**
 * The queue settings of the original design (`JobQueueConfig`), in
 * milliseconds, each with its range and default: the one place they are
 * written. The apps parse their environment variables with these fields.
 */
export const queueSettingsSchema = z.object({
  /** Jobs one worker runs at once (`MAX_CONCURRENT_JOBS`), 1-64; default 3. */
  maxConcurrentJobs: z.number().int().min(1).max(64).default(3),
  /**
   * Longest a run may go without progress (`JOB_TIMEOUT`), in ms, 1 ms-7 days; default 3 600 000 (1 h): when no
   * property finished (any outcome; while a catalog selection is listed, no chunk of its list was written) for that
   * long, the run is stuck (a hung page, a dead browser) and is stopped, the job failed saying so; its unfinished
   * properties stay retriable (`retryJob`). A run that keeps finishing properties is never stopped by it, whatever
   * the job's size. (The seed's `job_timeout` was the job's whole wall time: a city-sized job could never finish.)
   * A job's own wall-time limit is its `timeoutMs`, set at enqueue.
   */
  jobTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3_600_000)
    .default(3_600_000),
  /** How long finished jobs are kept (`JOB_RESULT_TTL`), in ms, 1 ms-10 years; default 604 800 000 (7 days). */
  jobResultTtlMs: z
    .number()
    .int()
    .min(1)
    .max(10 * 365 * 24 * 3_600_000)
    .default(604_800_000),
  /** How often a worker looks for due jobs, in ms (Agenda's `processEvery`), at least 50; default 1000. */
  processEveryMs: z.number().int().min(50).default(1_000),
  /**
   * How long a job stays locked to its worker without a heartbeat
   * (`JOB_LOCK_LIFETIME`), in ms, 1000-3 600 000; default 60 000 (Agenda's
   * lock lifetime, also the run lease). Running jobs heartbeat at a quarter
   * of it; after a crash the job is taken up again once it expires.
   */
  lockLifetimeMs: z.number().int().min(1_000).max(3_600_000).default(60_000),
});

/** The queue settings, resolved: see {@link queueSettingsSchema}. */
export type QueueSettings = z.output<typeof queueSettingsSchema>;

/** The defaults of {@link queueSettingsSchema}, read from it. */
export const DEFAULT_QUEUE_SETTINGS: Readonly<QueueSettings> = Object.freeze(queueSettingsSchema.parse({}));

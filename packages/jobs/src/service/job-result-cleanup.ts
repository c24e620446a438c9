import { JobPropertyStore } from '../repository/job-property-store.js';
import type { Db } from 'mongodb';
import { FINAL_JOB_STATUSES, noopLogger, systemClock } from '@phx/core';
import type { Clock, Logger } from '@phx/core';
import { AGENDA_COLLECTION } from '../agenda/create-agenda.js';
import { DEFAULT_QUEUE_SETTINGS } from '../agenda/queue-settings.js';
import { CANCELS_COLLECTION } from '../repository/cancel-requests.js';
import { JOBS_COLLECTION } from '../repository/job-repository.js';
import { RUNS_COLLECTION } from '../repository/job-run-leases.js';
import { DEDUPE_COLLECTION } from './pending-job-dedupe.js';
import { JOB_EVENTS_COLLECTION } from '../progress/job-event.js';

/** Options of {@link JobResultCleanup}. */
export interface JobResultCleanupOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** How long a finished job is kept after its `completedAt` (`JOB_RESULT_TTL`), in ms, at least 0; default 604 800 000 (7 days). */
  readonly resultTtlMs?: number;
  /** Jobs deleted per sweep at most, 1-10 000; default 1000 (the next sweep takes the rest). */
  readonly batchSize?: number;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Deletes finished jobs (`completed`, `failed`, `cancelled`) whose
 * `completedAt` is older than the result TTL, with what only they use: their
 * run claims, cancel request, dedupe claim, event log (`job_events`), property list and outcomes (`JobPropertyStore`) and any
 * leftover queue entry. The
 * stored photos and their files stay: they belong to the properties, not to
 * the job. Idempotent and safe to run from several workers at once (each
 * delete is by id).
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const cleanup = new JobResultCleanup({ db, resultTtlMs: 7 * 24 * 3600 * 1000 });
 * const { jobs } = await cleanup.sweep();
 * ```
 */
export class JobResultCleanup {
  private readonly db: Db;
  private readonly resultTtlMs: number;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private readonly clock: Clock;

  /**
   * @param options - database, TTL, batch size, logger, clock
   */
  constructor(options: JobResultCleanupOptions) {
    this.db = options.db;
    this.resultTtlMs = Math.max(0, options.resultTtlMs ?? DEFAULT_QUEUE_SETTINGS.jobResultTtlMs);
    this.batchSize = Math.min(Math.max(options.batchSize ?? 1_000, 1), 10_000);
    this.logger = (options.logger ?? noopLogger).child({ component: 'job-result-cleanup' });
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Deletes one batch of expired jobs and their documents.
   *
   * @returns how many jobs were deleted
   * @throws the driver's error when MongoDB cannot be reached (nothing is half-deleted that a later sweep would miss)
   */
  async sweep(): Promise<{ readonly jobs: number }> {
    const cutoff = new Date(this.clock.now().getTime() - this.resultTtlMs);
    const expired = await this.db
      .collection<{ _id: string }>(JOBS_COLLECTION)
      .find({ status: { $in: [...FINAL_JOB_STATUSES] }, completedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
      .limit(this.batchSize)
      .toArray();
    const ids = expired.map((d) => d._id);
    if (ids.length === 0) return { jobs: 0 };
    // The job document goes last: a sweep that fails half-way finds the job again next time.
    await this.db.collection(RUNS_COLLECTION).deleteMany({ jobId: { $in: ids } });
    await this.db.collection<{ _id: string }>(CANCELS_COLLECTION).deleteMany({ _id: { $in: ids } });
    await this.db.collection(DEDUPE_COLLECTION).deleteMany({ jobId: { $in: ids } });
    await this.db.collection(AGENDA_COLLECTION).deleteMany({ 'data.jobId': { $in: ids } });
    await this.db.collection(JOB_EVENTS_COLLECTION).deleteMany({ jobId: { $in: ids } });
    await new JobPropertyStore({ db: this.db }).deleteForJobs(ids);
    const { deletedCount } = await this.db.collection<{ _id: string }>(JOBS_COLLECTION).deleteMany({ _id: { $in: ids } });
    this.logger.info({ jobs: deletedCount, olderThan: cutoff }, 'expired job results deleted');
    return { jobs: deletedCount };
  }
}

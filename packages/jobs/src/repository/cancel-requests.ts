import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';

/** Name of the collection of cancel requests. */
export const CANCELS_COLLECTION = 'extraction_job_cancels';

interface CancelDocument {
  /** The job id. */
  readonly _id: string;
  /** When the first cancel was asked for. */
  readonly requestedAt: Date;
}

/** Options of {@link CancelRequests}. */
export interface CancelRequestsOptions {
  /** Database holding the collection. Borrowed. */
  readonly db: Db;
  /** Collection name; default {@link CANCELS_COLLECTION}. */
  readonly collectionName?: string;
}

/**
 * Cancel requests, one insert-only document per job. The API process records
 * the request here instead of writing the running job's document: the worker
 * is the only writer of a running job, which keeps its counters and `version`
 * exact even on servers without atomic updates (FerretDB 1.x on SQLite rewrites
 * whole documents, so two writers lose each other's fields). The worker polls
 * this collection and copies the time into the job's `cancelRequestedAt`.
 */
export class CancelRequests {
  private readonly collection: Collection<CancelDocument>;

  /**
   * @param options - database and collection name
   */
  constructor(options: CancelRequestsOptions) {
    this.collection = options.db.collection<CancelDocument>(options.collectionName ?? CANCELS_COLLECTION);
  }

  /**
   * Records a cancel request. Idempotent: a second request keeps the first time.
   *
   * @param jobId - the job
   * @param now - the request time
   * @returns the time of the first request
   */
  async request(jobId: string, now: Date): Promise<Date> {
    try {
      await this.collection.insertOne({ _id: jobId, requestedAt: now });
      return now;
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      return (await this.get(jobId)) ?? now;
    }
  }

  /**
   * Reads the cancel request of a job.
   *
   * @param jobId - the job
   * @returns when a cancel was requested, or `null` when none was
   */
  async get(jobId: string): Promise<Date | null> {
    const doc = await this.collection.findOne({ _id: jobId });
    return doc?.requestedAt ?? null;
  }
}

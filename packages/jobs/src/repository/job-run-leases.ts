import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';

/** Name of the collection of run claims. */
export const RUNS_COLLECTION = 'extraction_job_runs';

/** One run of a job by one worker: who holds it, since when, last sign of life. */
export interface JobRunLease {
  /** The job. */
  readonly jobId: string;
  /** 1 for the first run, 2 for the run that resumed it, ... */
  readonly runNumber: number;
  /** The worker holding the run. */
  readonly workerName: string;
  /** When the run was claimed. */
  readonly startedAt: Date;
  /** Last heartbeat of the holder. */
  readonly heartbeatAt: Date;
  /** When the holder let go (finished or handed back), else `null`. */
  readonly endedAt: Date | null;
}

interface RunDocument extends JobRunLease {
  readonly _id: string;
}

/** Options of {@link JobRunLeases}. */
export interface JobRunLeasesOptions {
  /** Database holding the collection. Borrowed. */
  readonly db: Db;
  /** Collection name; default {@link RUNS_COLLECTION}. */
  readonly collectionName?: string;
}

/**
 * Claims runs of jobs so that one job is run by one worker at a time, on any
 * MongoDB-compatible server. A claim is the insert of a document whose `_id` is
 * `<jobId>#<runNumber>`: of several workers claiming the same run number at once,
 * the unique `_id` lets exactly one win. This does not rely on atomic
 * read-modify-write (`findOneAndUpdate`), which FerretDB 1.x on SQLite does not
 * provide: there, Agenda's own lock can hand one job to several workers.
 *
 * The holder heartbeats its claim; a claim whose heartbeat is older than the
 * lease lifetime is dead, and the next worker claims the next run number and
 * resumes the job.
 */
export class JobRunLeases {
  private readonly collection: Collection<RunDocument>;

  /**
   * @param options - database and collection name
   */
  constructor(options: JobRunLeasesOptions) {
    this.collection = options.db.collection<RunDocument>(options.collectionName ?? RUNS_COLLECTION);
  }

  /** Creates the `(jobId, runNumber)` index `latest` uses. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ jobId: 1, runNumber: -1 }, { name: 'jobId_runNumber_desc' });
  }

  /**
   * Reads the latest run of a job.
   *
   * @param jobId - the job
   * @returns its run with the highest number, or `null` when it never ran
   */
  async latest(jobId: string): Promise<JobRunLease | null> {
    const docs = await this.collection.find({ jobId }).sort({ runNumber: -1 }).limit(1).toArray();
    const doc = docs[0];
    if (doc === undefined) return null;
    return {
      jobId: doc.jobId,
      runNumber: doc.runNumber,
      workerName: doc.workerName,
      startedAt: doc.startedAt,
      heartbeatAt: doc.heartbeatAt,
      endedAt: doc.endedAt,
    };
  }

  /**
   * Claims run `runNumber` of a job.
   *
   * @param jobId - the job
   * @param runNumber - one more than the latest run's number
   * @param workerName - the claiming worker
   * @param now - claim time, also the first heartbeat
   * @returns `true` when this call won the run, `false` when another worker holds that number
   */
  async claim(jobId: string, runNumber: number, workerName: string, now: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({
        _id: `${jobId}#${runNumber}`,
        jobId,
        runNumber,
        workerName,
        startedAt: now,
        heartbeatAt: now,
        endedAt: null,
      });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /**
   * Records a sign of life of the holder.
   *
   * @param jobId - the job
   * @param runNumber - the holder's run
   * @param now - the heartbeat time
   */
  async heartbeat(jobId: string, runNumber: number, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: `${jobId}#${runNumber}` }, { $set: { heartbeatAt: now } });
  }

  /**
   * Lets go of a run (the job finished or was handed back). Idempotent.
   *
   * @param jobId - the job
   * @param runNumber - the holder's run
   * @param now - the end time
   */
  async release(jobId: string, runNumber: number, now: Date): Promise<void> {
    await this.collection.updateOne({ _id: `${jobId}#${runNumber}` }, { $set: { endedAt: now, heartbeatAt: now } });
  }
}

/**
 * Tells whether a run is still held: not released and heartbeated within the lease lifetime.
 *
 * @param lease - a run, or `null`
 * @param now - the current time
 * @param leaseLifetimeMs - how long a run stays held without a heartbeat, in ms
 * @returns `true` when another worker must not take the job up
 */
export function isLeaseHeld(lease: JobRunLease | null, now: Date, leaseLifetimeMs: number): boolean {
  return lease !== null && lease.endedAt === null && lease.heartbeatAt.getTime() + leaseLifetimeMs > now.getTime();
}

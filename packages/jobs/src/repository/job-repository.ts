import type { Collection, Db, Filter, UpdateFilter } from 'mongodb';
import { FAILED_PROPERTIES_LIST_LIMIT, MAX_ADDRESS_LENGTH, pickCounters, truncateStoredText } from '@phx/core';
import type { ExtractionCounters, ExtractionJob, JobId, JobStatus, Property, PropertyOutcome } from '@phx/core';
import { fromJobDocument, toNewJobDocument } from './job-document.js';
import { JobPropertyStore } from './job-property-store.js';
import type { CatalogSelection, ExtractionJobDocument, StoredExtractionJob } from './job-document.js';

/** Options of {@link JobRepository}. */
export interface JobRepositoryOptions {
  /** Database holding the collection. Borrowed: the repository never closes it. */
  readonly db: Db;
  /** Collection name; default {@link JOBS_COLLECTION}. */
  readonly collectionName?: string;
}

/** Name of the collection of job documents. */
export const JOBS_COLLECTION = 'extraction_jobs';

/** Filter and page of {@link JobRepository.list}. */
export interface ListJobsOptions {
  /** Only jobs in this status; all when absent. */
  readonly status?: JobStatus;
  /** Page size, 1 to 500; default 50. */
  readonly limit?: number;
  /** Jobs to skip, at least 0; default 0. */
  readonly offset?: number;
}

/** The counters a running job writes to its document as it goes (its outcomes go to {@link JobPropertyStore}). */
export interface JobProgress extends ExtractionCounters {
  /** Addresses of the first failed properties (at most core's `FAILED_PROPERTIES_LIST_LIMIT`), in the job's order. */
  readonly failedPropertiesList: readonly string[];
}

/** A job not final yet, by id and status (see {@link JobRepository.activeWithProperty}). */
export interface ActiveJobRef {
  /** The job's id. */
  readonly id: JobId;
  /** `pending` (queued or handed back) or `in_progress` (a run holds it). */
  readonly status: Extract<JobStatus, 'pending' | 'in_progress'>;
}

/** How a run ends: a final status, or `pending` when the worker hands the job back. */
export interface JobRunEnd {
  /** `completed`, `failed`, `cancelled`, or `pending` (handed back; another run resumes it). */
  readonly status: Exclude<JobStatus, 'in_progress'>;
  /** Why it failed or was cancelled, else `null`. */
  readonly errorMessage: string | null;
  /** The counters at the end. */
  readonly progress: JobProgress;
  /** When a cancel was requested, when one was. */
  readonly cancelRequestedAt: Date | null;
}

/** What the worker records when it takes a job up. */
export interface JobRunStart {
  /** The run number the worker claimed (see `JobRunLeases`). */
  readonly runNumber: number;
  /** The worker's name. */
  readonly workerName: string;
  /** Now. Also the job's `startedAt` when it never started before. */
  readonly now: Date;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/**
 * Stores extraction jobs in the `extraction_jobs` collection: one document per
 * job, `_id` = job id, with a `version` incremented by every update.
 *
 * Writes: the job service inserts the document and may turn a `pending` job
 * `cancelled`; while a job runs, only the worker holding its run writes it (every
 * worker write is filtered on `runNumber`), one write at a time. Each write is a
 * single-document update, atomic on MongoDB. Counters are written as absolute
 * values, so retrying a write never counts twice.
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const jobs = new JobRepository({ db });
 * await jobs.ensureIndexes();
 * const page = await jobs.list({ status: 'completed', limit: 10 });
 * ```
 */
export class JobRepository {
  /** The database the jobs live in (borrowed). Other job-layer collections sit beside them. */
  readonly db: Db;
  /** The jobs' property lists and per-property outcomes, beside the job documents. */
  readonly properties: JobPropertyStore;
  private readonly collection: Collection<ExtractionJobDocument>;

  /**
   * @param options - the database and collection name
   */
  constructor(options: JobRepositoryOptions) {
    this.db = options.db;
    this.properties = new JobPropertyStore({ db: options.db });
    this.collection = options.db.collection<ExtractionJobDocument>(options.collectionName ?? JOBS_COLLECTION);
  }

  /**
   * Creates the indexes `list` uses (status + creation time), that of a schedule's jobs (schedule id + creation time) and those of the
   * property store, and moves the property list and outcomes out of job
   * documents written by older versions (see {@link JobRepository.migrateLegacyJobs}). Idempotent.
   */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ createdAt: -1 }, { name: 'createdAt_desc' });
    await this.collection.createIndex({ status: 1, createdAt: -1 }, { name: 'status_createdAt_desc' });
    await this.collection.createIndex({ scheduleId: 1, createdAt: -1 }, { name: 'scheduleId_createdAt_desc' });
    await this.properties.ensureIndexes();
    await this.migrateLegacyJobs();
  }

  /**
   * Moves the `properties` and `propertyOutcomes` arrays that job documents of
   * older versions hold into the {@link JobPropertyStore} and removes them
   * from the documents, so a job enqueued before an upgrade runs and reads as
   * one enqueued after it. Safe to repeat and to run from several processes
   * at once (the writes are idempotent).
   *
   * @returns how many job documents were moved
   */
  async migrateLegacyJobs(): Promise<number> {
    type Legacy = {
      _id: JobId;
      properties?: Property[];
      propertyOutcomes?: PropertyOutcome[];
      completedAt: Date | null;
      progressUpdatedAt: Date;
    };
    const legacy = this.db.collection<Legacy>(this.collection.collectionName);
    let moved = 0;
    for await (const doc of legacy.find({ $or: [{ properties: { $exists: true } }, { propertyOutcomes: { $exists: true } }] })) {
      const properties = doc.properties ?? [];
      if ((await this.properties.page(doc._id, { first: 1 })).entries.length === 0) {
        await this.properties.insertProperties(doc._id, properties).catch((error: unknown) => {
          if (!(error instanceof Error && 'code' in error && error.code === 11000)) throw error;
        });
      }
      const index = new Map(properties.map((p, i) => [p.id, i]));
      const outcomes = (doc.propertyOutcomes ?? []).flatMap((outcome) => {
        const at = index.get(outcome.propertyId);
        return at === undefined ? [] : [{ index: at, outcome }];
      });
      await this.properties.recordOutcomes(doc._id, outcomes, doc.completedAt ?? doc.progressUpdatedAt);
      await legacy.updateOne({ _id: doc._id }, { $unset: { properties: '', propertyOutcomes: '' } });
      moved += 1;
    }
    return moved;
  }

  /**
   * Inserts a new job with version 1, its property list first.
   *
   * @param job - the job (status `pending`, counters at zero, `totalProperties` = the number of properties)
   * @param properties - its properties, in order
   * @returns the stored job
   * @throws the driver's `MongoServerError` (code 11000) when the id exists
   */
  async create(
    job: ExtractionJob & Pick<StoredExtractionJob, 'scraperMode'>,
    properties: readonly Property[],
  ): Promise<StoredExtractionJob> {
    const doc = toNewJobDocument(job);
    await this.properties.insertProperties(job.id, properties);
    await this.collection.insertOne(doc);
    return fromJobDocument(doc);
  }

  /**
   * Inserts a new job (version 1) whose property list a worker writes from a
   * catalog selection: `propertiesListed` `false`, no list written.
   *
   * @param job - the job (status `pending`, counters at zero, `totalProperties` 0)
   * @param selection - the catalog selection the worker reads
   * @returns the stored job
   * @throws the driver's `MongoServerError` (code 11000) when the id exists
   */
  async createForSelection(job: ExtractionJob, selection: CatalogSelection): Promise<StoredExtractionJob> {
    const doc = toNewJobDocument(job, selection);
    await this.collection.insertOne(doc);
    return fromJobDocument(doc);
  }

  /**
   * Marks a job's property list final (every chunk written by the run that
   * holds the job) and sets its `totalProperties`.
   *
   * @param id - the job
   * @param runNumber - the writer's run; nothing is written when another run holds the job
   * @param totalProperties - the number of properties listed
   * @param now - the `progressUpdatedAt`
   * @returns the job as it is now, or `null` when the run no longer holds it
   */
  async markPropertiesListed(id: string, runNumber: number, totalProperties: number, now: Date): Promise<StoredExtractionJob | null> {
    return this.update(
      { ...byId(id), runNumber, status: 'in_progress' },
      { $set: { propertiesListed: true, totalProperties, progressUpdatedAt: now }, $inc: { version: 1 } },
    );
  }

  /**
   * Reads one job.
   *
   * @param id - the job id (any string; unknown ids give `null`)
   * @returns the job, or `null` when none has this id
   */
  async get(id: string): Promise<StoredExtractionJob | null> {
    const doc = await this.collection.findOne(byId(id));
    return doc === null ? null : fromJobDocument(doc);
  }

  /**
   * Reads several jobs in one query.
   *
   * @param ids - job ids; unknown ones are left out
   * @returns the jobs found, in no particular order
   */
  async getMany(ids: readonly string[]): Promise<StoredExtractionJob[]> {
    if (ids.length === 0) return [];
    const docs = await this.collection.find({ _id: { $in: ids as JobId[] } }).toArray();
    return docs.map(fromJobDocument);
  }

  /**
   * Lists jobs, newest first.
   *
   * @param options - status filter, `limit` (1..500, default 50), `offset` (default 0)
   * @returns one page of jobs
   */
  async list(options: ListJobsOptions = {}): Promise<StoredExtractionJob[]> {
    const filter: Filter<ExtractionJobDocument> = options.status === undefined ? {} : { status: options.status };
    const limit = Math.min(Math.max(options.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const docs = await this.collection
      .find(filter)
      .sort({ createdAt: -1, _id: -1 })
      .skip(Math.max(options.offset ?? 0, 0))
      .limit(limit)
      .toArray();
    return docs.map(fromJobDocument);
  }

  /**
   * Reads the outcomes one property had in the jobs that ended, newest first.
   *
   * @param propertyId - the property id
   * @param limit - most outcomes read (newest first), 1..100
   * @returns per job that ended: its id, when it ended, whether it was a dry run, and the property's outcome in it
   */
  async finishedWithProperty(
    propertyId: string,
    limit: number,
  ): Promise<{ readonly jobId: JobId; readonly completedAt: Date; readonly dryRun: boolean; readonly outcome: PropertyOutcome }[]> {
    const outcomes = await this.properties.outcomesOfProperty(propertyId, Math.min(Math.max(limit, 1), 100));
    const jobs = new Map(
      (
        await this.collection
          .find(
            { _id: { $in: [...new Set(outcomes.map((o) => o.jobId))] }, status: { $in: ['completed', 'failed', 'cancelled'] } },
            { projection: { _id: 1, completedAt: 1, dryRun: 1 } },
          )
          .toArray()
      ).map((d) => [d._id, d]),
    );
    return outcomes
      .flatMap(({ jobId, outcome }) => {
        const job = jobs.get(jobId);
        return job?.completedAt == null ? [] : [{ jobId, completedAt: job.completedAt, dryRun: job.dryRun, outcome }];
      })
      .sort((a, b) => b.completedAt.getTime() - a.completedAt.getTime());
  }

  /**
   * The jobs not final yet (`pending` or `in_progress`) that use a property: those whose property list holds it, and
   * those whose list is not written yet and whose catalog selection takes it (`all`, or a label it has).
   *
   * @param propertyId - the property's id
   * @param labels - the property's labels in the catalog, or `null` when the catalog has no such property (no selection takes it)
   * @returns each such job's id and status, oldest first (no other field is read)
   */
  async activeWithProperty(propertyId: string, labels: readonly string[] | null = null): Promise<ActiveJobRef[]> {
    const ids = await this.properties.jobsWithProperty(propertyId);
    const active = { status: { $in: ['pending', 'in_progress'] } } as const;
    const bySelection: Filter<ExtractionJobDocument>[] =
      labels === null
        ? []
        : [
            {
              ...active,
              propertiesListed: false,
              $or: [{ 'catalogSelection.all': true }, { 'catalogSelection.label': { $in: [...labels] } }],
            },
          ];
    const clauses: Filter<ExtractionJobDocument>[] = [...(ids.length === 0 ? [] : [{ _id: { $in: ids }, ...active }]), ...bySelection];
    if (clauses.length === 0) return [];
    const docs = await this.collection.find({ $or: clauses }, { projection: { _id: 1, status: 1, createdAt: 1 } }).toArray();
    return docs
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map((d) => ({ id: d._id, status: d.status as ActiveJobRef['status'] }));
  }

  /**
   * Deletes a `pending` job that was never queued nor run (an enqueue that
   * found the same request already pending).
   *
   * @param id - the job
   * @returns `true` when deleted, `false` when it is not a never-run pending job
   */
  async deleteNeverQueued(id: string): Promise<boolean> {
    const { deletedCount } = await this.collection.deleteOne({ ...byId(id), status: 'pending', runNumber: 0 });
    return deletedCount === 1;
  }

  /**
   * Turns a `pending` job `cancelled`.
   *
   * @param id - the job
   * @param now - the cancel time (`completedAt`, `cancelRequestedAt`)
   * @param reason - the `errorMessage` to record
   * @param progress - the counters it ends with; default: kept as they are
   * @returns the cancelled job, or `null` when the job was not pending
   */
  async cancelPending(id: string, now: Date, reason: string, progress?: JobProgress): Promise<StoredExtractionJob | null> {
    const fields = progress === undefined ? {} : progressFields(progress);
    return this.update(
      { ...byId(id), status: 'pending' },
      {
        $set: { ...fields, status: 'cancelled', completedAt: now, cancelRequestedAt: now, errorMessage: reason, progressUpdatedAt: now },
        $inc: { version: 1 },
      },
    );
  }

  /**
   * Turns a job that is not final `failed` with a message (used when it could
   * not be queued).
   *
   * @param id - the job
   * @param message - the `errorMessage`
   * @param now - the `completedAt`
   * @returns the failed job, or `null` when it was already final
   */
  async markFailed(id: string, message: string, now: Date): Promise<StoredExtractionJob | null> {
    return this.update(
      { ...byId(id), status: { $in: ['pending', 'in_progress'] } },
      {
        $set: { status: 'failed', completedAt: now, errorMessage: message, progressUpdatedAt: now },
        $inc: { version: 1 },
      },
    );
  }

  /**
   * Records that a worker took the job up: status `in_progress`, the run
   * number and worker name, `startedAt` when it never started before.
   *
   * @param id - the job
   * @param run - run number, worker name, now
   * @returns the job as it is now, or `null` when it is final or gone
   */
  async startRun(id: string, run: JobRunStart): Promise<StoredExtractionJob | null> {
    const current = await this.get(id);
    if (current === null || (current.status !== 'pending' && current.status !== 'in_progress')) return null;
    return this.update(
      { ...byId(id), status: { $in: ['pending', 'in_progress'] } },
      {
        $set: {
          status: 'in_progress',
          startedAt: current.startedAt ?? run.now,
          runNumber: run.runNumber,
          workerName: run.workerName,
          errorMessage: null,
          progressUpdatedAt: run.now,
        },
        $inc: { version: 1 },
      },
    );
  }

  /**
   * Writes the counters of a running job (its outcomes go to {@link JobRepository.properties} first).
   *
   * @param id - the job
   * @param runNumber - the writer's run; the write is dropped when another run holds the job
   * @param progress - absolute counters and the failed list
   * @param now - the `progressUpdatedAt`
   * @param cancelRequestedAt - when a cancel was seen, to record it; `null` leaves the field as is
   * @returns `true` when written, `false` when the run no longer holds the job
   */
  async saveProgress(
    id: string,
    runNumber: number,
    progress: JobProgress,
    now: Date,
    cancelRequestedAt: Date | null = null,
  ): Promise<boolean> {
    const updated = await this.update(
      { ...byId(id), runNumber, status: 'in_progress' },
      {
        $set: {
          ...progressFields(progress),
          ...(cancelRequestedAt === null ? {} : { cancelRequestedAt }),
          progressUpdatedAt: now,
        },
        $inc: { version: 1 },
      },
    );
    return updated !== null;
  }

  /**
   * Ends a run: a final status (with `completedAt`), or `pending` when the worker
   * hands the job back for another run to resume (counters and outcomes kept).
   * The run's outcomes are in {@link JobRepository.properties} before its end.
   *
   * @param id - the job
   * @param runNumber - the writer's run; nothing is written when another run holds the job
   * @param end - status, message, counters, cancel time
   * @param now - the `completedAt` of a final status and the `progressUpdatedAt`
   * @returns the job as it is now, or `null` when the run no longer held it
   */
  async endRun(id: string, runNumber: number, end: JobRunEnd, now: Date): Promise<StoredExtractionJob | null> {
    return this.update(
      { ...byId(id), runNumber, status: 'in_progress' },
      {
        $set: {
          ...progressFields(end.progress),
          status: end.status,
          errorMessage: end.errorMessage,
          completedAt: end.status === 'pending' ? null : now,
          ...(end.cancelRequestedAt === null ? {} : { cancelRequestedAt: end.cancelRequestedAt }),
          progressUpdatedAt: now,
        },
        $inc: { version: 1 },
      },
    );
  }

  private async update(
    filter: Filter<ExtractionJobDocument>,
    update: UpdateFilter<ExtractionJobDocument>,
  ): Promise<StoredExtractionJob | null> {
    const doc = await this.collection.findOneAndUpdate(filter, withBoundedMessage(update), { returnDocument: 'after' });
    return doc === null ? null : fromJobDocument(doc);
  }
}

function byId(id: string): Filter<ExtractionJobDocument> {
  return { _id: id as JobId };
}

function progressFields(progress: JobProgress): JobProgress {
  return {
    ...pickCounters(progress),
    failedPropertiesList: progress.failedPropertiesList
      .slice(0, FAILED_PROPERTIES_LIST_LIMIT)
      .map((a) => truncateStoredText(a, MAX_ADDRESS_LENGTH)),
  };
}

/** An update with its `errorMessage` (a run's, an error's: any length) cut at core's `MAX_STORED_TEXT_LENGTH`. */
function withBoundedMessage(update: UpdateFilter<ExtractionJobDocument>): UpdateFilter<ExtractionJobDocument> {
  const message: unknown = update.$set?.errorMessage;
  if (typeof message !== 'string') return update;
  return { ...update, $set: { ...update.$set, errorMessage: truncateStoredText(message) } };
}

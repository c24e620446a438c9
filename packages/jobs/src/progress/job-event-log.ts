import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
import { FINAL_JOB_STATUSES } from '@phx/core';
import { boundJobEventBody, fromJobEventDocument, JOB_EVENTS_COLLECTION, jobEventDocumentId } from './job-event.js';
import type { JobEvent, JobEventBody, JobEventDocument, JobEventEntry, JobEventPosition } from './job-event.js';

/** Options of {@link JobEventLog}. */
export interface JobEventLogOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** Clock of the `at` field; default `() => new Date()`. */
  readonly now?: () => Date;
}

/** Most events one `readAfter` returns (the next read takes the rest). */
export const READ_BATCH = 2_000;
/** Most attempts at one append when other writers keep taking the next place. */
const MAX_APPEND_ATTEMPTS = 50;

/**
 * The event log of jobs in MongoDB (`job_events`): one document per event,
 * numbered 1, 2, 3, … per job without gaps. Places are claimed by insert:
 * `_id` is `<jobId>:<seq>`, so two writers can never take the same place,
 * even on FerretDB where updates are not atomic. A writer appends one batch
 * at a time, in order, so readers never see a place before the ones below it.
 *
 * @example
 * ```ts
 * import type { JobId } from '@phx/core';
 * import type { Db } from 'mongodb';
 * import { statusEventBody, type JobEventCounters } from './job-event.js';
 * declare const db: Db, jobId: JobId, counters: JobEventCounters;
 * const log = new JobEventLog({ db });
 * await log.ensureIndexes();
 * await log.append(jobId, [statusEventBody('in_progress', counters, null)]);
 * const events = await log.readAfter([{ jobId, seq: 0 }]);
 * ```
 */
export class JobEventLog {
  private readonly collection: Collection<JobEventDocument>;
  private readonly now: () => Date;

  /**
   * @param options - database and clock
   */
  constructor(options: JobEventLogOptions) {
    this.collection = options.db.collection<JobEventDocument>(JOB_EVENTS_COLLECTION);
    this.now = options.now ?? (() => new Date());
  }

  /** Creates the unique `(jobId, seq)` index readers use. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ jobId: 1, seq: 1 }, { name: 'jobId_seq', unique: true });
  }

  /**
   * The last place taken in a job's log.
   *
   * @param jobId - the job
   * @returns its highest `seq`, 0 when it has no event
   */
  async lastSeq(jobId: string): Promise<number> {
    const last = await this.collection.find({ jobId }, { projection: { seq: 1 }, sort: { seq: -1 }, limit: 1 }).toArray();
    return last[0]?.seq ?? 0;
  }

  /**
   * A job's last event: what clients last saw of it. Its counters may be
   * ahead of the job document's (the document follows the log, see
   * `JobEventRecorder`), and a final `status` event whose end the document
   * lacks is an end whose writer died between the two writes.
   *
   * @param jobId - the job
   * @returns its highest-`seq` event, `null` when it has none
   */
  async lastEvent(jobId: string): Promise<JobEvent | null> {
    const last = await this.collection.find({ jobId }, { sort: { seq: -1 }, limit: 1 }).toArray();
    return last[0] === undefined ? null : fromJobEventDocument(last[0]);
  }

  /**
   * Appends events after whatever the log holds now (concurrent callers each
   * get their own places, retried on conflict). Only the writer that holds
   * the job may call it: a run (through `JobEventRecorder`) or the service
   * ending a job no run holds (`writeJobEnd`).
   *
   * @param jobId - the job
   * @param bodies - the events, in order
   * @returns the last place written
   * @throws the driver's error when MongoDB fails, or an Error after 50 lost races in a row
   */
  async append(jobId: string, bodies: readonly JobEventBody[]): Promise<number> {
    const entries = bodies.map((body) => ({ body, writeId: randomUUID() }));
    let after = await this.lastSeq(jobId);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
      const result = await this.insertAt(jobId, after, entries);
      if (result.written) return after + bodies.length;
      after = await this.lastSeq(jobId);
    }
    throw new Error(
      `job ${jobId}: could not append events after ${MAX_APPEND_ATTEMPTS} attempts (other writers kept taking the next place)`,
    );
  }

  /**
   * Writes events at the places right after `after`, in order. A place taken
   * by another writer stops the batch: the events from that place on are not
   * written. A retried insert that finds its own document counts as written.
   *
   * @param jobId - the job
   * @param after - the place after which the batch goes
   * @param entries - the events with their write ids, in order
   * @returns `written: true` when all went in; else how many did (`count`)
   * @throws the driver's error for anything but a taken place
   */
  async insertAt(
    jobId: string,
    after: number,
    entries: readonly JobEventEntry[],
  ): Promise<{ readonly written: boolean; readonly count: number }> {
    if (entries.length === 0) return { written: true, count: 0 };
    const at = this.now();
    const docs: JobEventDocument[] = entries.map((entry, i) => ({
      ...boundJobEventBody(entry.body),
      _id: jobEventDocumentId(jobId, after + i + 1),
      jobId,
      seq: after + i + 1,
      at: entry.at ?? at,
      writeId: entry.writeId,
    }));
    try {
      await this.collection.insertMany(docs, { ordered: true });
      return { written: true, count: docs.length };
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== 11000) throw error;
      const inserted = error instanceof MongoBulkWriteError ? error.insertedCount : 0;
      const taken = docs[inserted];
      if (taken === undefined) return { written: true, count: docs.length };
      // A retry of our own insert that had gone in (the reply was lost) counts as written.
      const holder = await this.collection.findOne({ _id: taken._id }, { projection: { writeId: 1 } });
      if (holder?.writeId === taken.writeId) {
        const more = await this.insertAt(jobId, taken.seq, entries.slice(inserted + 1));
        return { written: more.written, count: inserted + 1 + more.count };
      }
      return { written: false, count: inserted };
    }
  }

  /**
   * Reads the events after several positions in one query, ordered by job and place.
   *
   * @param positions - per job, the last place already seen
   * @returns up to 2 000 events (the next call returns the rest)
   */
  async readAfter(positions: readonly JobEventPosition[]): Promise<JobEvent[]> {
    if (positions.length === 0) return [];
    const clauses: Filter<JobEventDocument>[] = positions.map((p) => ({ jobId: p.jobId, seq: { $gt: p.seq } }));
    const filter: Filter<JobEventDocument> = clauses.length === 1 ? (clauses[0] as Filter<JobEventDocument>) : { $or: clauses };
    const docs = await this.collection.find(filter, { sort: { jobId: 1, seq: 1 }, limit: READ_BATCH }).toArray();
    return docs.map(fromJobEventDocument);
  }

  /**
   * The photos a job's log announced as new for one property.
   *
   * @param jobId - the job
   * @param propertyId - the property
   * @returns the SHA-256 of every `photo-stored` event with `isNew: true` of that property
   */
  async newPhotoHashes(jobId: string, propertyId: string): Promise<Set<string>> {
    const docs = await this.collection
      .find({ jobId, propertyId, kind: 'photo-stored', isNew: true }, { projection: { _id: 0, sha256: 1 } })
      .toArray();
    return new Set(docs.flatMap((d) => (d.sha256 === null ? [] : [d.sha256])));
  }

  /**
   * The place of a job's final status event.
   *
   * @param jobId - the job
   * @returns the `seq` of its first `status` event with `completed`, `failed` or `cancelled`, or `null` when it has none
   */
  async finalStatusSeq(jobId: string): Promise<number | null> {
    const found = await this.collection
      .find({ jobId, kind: 'status', status: { $in: [...FINAL_JOB_STATUSES] } }, { projection: { seq: 1 }, sort: { seq: 1 }, limit: 1 })
      .toArray();
    return found[0]?.seq ?? null;
  }

  /**
   * Deletes the events of jobs (result cleanup).
   *
   * @param jobIds - the jobs
   * @returns how many events were deleted
   */
  async deleteForJobs(jobIds: readonly string[]): Promise<number> {
    if (jobIds.length === 0) return 0;
    const { deletedCount } = await this.collection.deleteMany({ jobId: { $in: [...jobIds] } });
    return deletedCount;
  }
}

import { LRUCache } from 'lru-cache';
import { BSON, MongoBulkWriteError, MongoServerError } from 'mongodb';
import type { Collection, Db, Filter } from 'mongodb';
import { ZERO_OUTCOME_COUNTS, boundOutcome } from '@phx/core';
import type { JobId, Property, PropertyId, PropertyOutcome, PropertyOutcomeStatus } from '@phx/core';
import { MAX_DOCUMENT_BYTES, MAX_PROPERTIES_PER_DOCUMENT } from './document-bounds.js';

/** Name of the collection of job property lists, in chunks of {@link JOB_PROPERTY_CHUNK_SIZE}. */
export const JOB_PROPERTIES_COLLECTION = 'extraction_job_properties';
/** Name of the collection of per-property outcomes: one document per finished property of a job. */
export const JOB_OUTCOMES_COLLECTION = 'extraction_job_outcomes';
/**
 * Properties per chunk document of {@link JOB_PROPERTIES_COLLECTION}: `MAX_PROPERTIES_PER_DOCUMENT` (a chunk of
 * sample-sized properties is ~150 KB, of the longest accepted ones ~6.7 MB, within `MAX_PROPERTY_LIST_DOCUMENT_BYTES`).
 */
export const JOB_PROPERTY_CHUNK_SIZE = MAX_PROPERTIES_PER_DOCUMENT;
/**
 * Chunks a store keeps in memory for {@link JobPropertyStore.page} (~5 MB of sample-sized chunks), and at most
 * {@link CACHED_PROPERTY_CHUNK_BYTES} of them by BSON size (chunks of the longest accepted properties are ~6.7 MB):
 * the console pages the same chunks again and again, and decoding a 500-property chunk is the largest cost of a page
 * on FerretDB (20-70 ms).
 */
export const CACHED_PROPERTY_CHUNKS = 32;
/** Most bytes (BSON size) of the chunks one store keeps in memory: 16 MiB. */
export const CACHED_PROPERTY_CHUNK_BYTES = 16 * 1024 * 1024;

/** A chunk of a job's property list: `_id` `<jobId>:<chunk number, 6 digits>`. */
interface PropertyChunkDocument {
  readonly _id: string;
  readonly jobId: JobId;
  /** 0-based chunk number; its first property has index `chunk * JOB_PROPERTY_CHUNK_SIZE`. */
  readonly chunk: number;
  readonly properties: readonly Property[];
}

/** A finished property's outcome: `_id` `<jobId>:<index, 7 digits>`. */
interface OutcomeDocument {
  readonly _id: string;
  readonly jobId: JobId;
  /** The property's 0-based position in the job's list. */
  readonly index: number;
  readonly propertyId: PropertyId;
  readonly status: PropertyOutcomeStatus;
  /** When the worker recorded it. */
  readonly finishedAt: Date;
  readonly outcome: StoredOutcome;
}

/** An outcome as stored: one written before fetch modes existed has no `fetchModes`. */
type StoredOutcome = Omit<PropertyOutcome, 'fetchModes'> & { readonly fetchModes?: PropertyOutcome['fetchModes'] };

/** A property of a job with its position and, once it finished, its outcome. */
export interface JobPropertyEntry {
  /** 0-based position in the job's property list. */
  readonly index: number;
  /** The property as the job was enqueued with it. */
  readonly property: Property;
  /** Its outcome (the last run's for a redone property), or `null` while it has none. */
  readonly outcome: PropertyOutcome | null;
}

/** A finished property's outcome with its position in the job (see {@link JobPropertyStore.outcomes}). */
export interface IndexedOutcome {
  /** 0-based position of the property in the job's list. */
  readonly index: number;
  /** Its outcome. */
  readonly outcome: PropertyOutcome;
}

/**
 * Status filter of {@link JobPropertyStore.page}: an outcome status, or
 * `pending` for the properties without an outcome yet.
 */
export type JobPropertyStatusFilter = PropertyOutcomeStatus | 'pending';

/** One page of {@link JobPropertyStore.page}. */
export interface JobPropertyPage {
  /** The entries, by position in the job. */
  readonly entries: readonly JobPropertyEntry[];
  /** `true` when entries follow the last one. */
  readonly hasNextPage: boolean;
}

const chunkId = (jobId: string, chunk: number): string => `${jobId}:${String(chunk).padStart(6, '0')}`;
const outcomeId = (jobId: string, index: number): string => `${jobId}:${String(index).padStart(7, '0')}`;

/**
 * The property list and per-property outcomes of extraction jobs, outside the
 * job document, so a job document stays the same size whatever the number of
 * its properties (MongoDB caps a document at 16 MB; a 50 000-property list
 * alone is ~12 MB).
 *
 * - `extraction_job_properties`: the list, written once at enqueue in chunks
 *   of {@link JOB_PROPERTY_CHUNK_SIZE} and read chunk by chunk by `_id` (a
 *   point read, cheap on FerretDB too).
 * - `extraction_job_outcomes`: one document per finished property, written
 *   by the run that holds the job. Inserts only, but for a property redone
 *   after a `deferred` outcome, whose document is replaced: on FerretDB 1.x
 *   an insert costs the same at any size while an update scans the collection.
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * import type { JobId, Property } from '@phx/core';
 * declare const db: Db, jobId: JobId, properties: Property[];
 * const store = new JobPropertyStore({ db });
 * await store.insertProperties(jobId, properties);
 * for await (const { index, property } of store.properties(jobId)) console.log(index, property.address);
 * ```
 */
export class JobPropertyStore {
  private readonly chunks: Collection<PropertyChunkDocument>;
  private readonly outcomeDocs: Collection<OutcomeDocument>;
  private readonly chunkCache = new LRUCache<string, PropertyChunkDocument>({
    max: CACHED_PROPERTY_CHUNKS,
    maxSize: CACHED_PROPERTY_CHUNK_BYTES,
    sizeCalculation: (chunk) => Math.max(1, BSON.calculateObjectSize(chunk)),
  });

  /**
   * @param options - the database (borrowed, never closed)
   */
  constructor(options: { readonly db: Db }) {
    this.chunks = options.db.collection<PropertyChunkDocument>(JOB_PROPERTIES_COLLECTION);
    this.outcomeDocs = options.db.collection<OutcomeDocument>(JOB_OUTCOMES_COLLECTION);
  }

  /** Creates the indexes of the two collections (by job and position, by property). Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.chunks.createIndex({ jobId: 1, chunk: 1 }, { name: 'jobId_chunk' });
    await this.chunks.createIndex({ 'properties.id': 1 }, { name: 'properties_id' });
    await this.outcomeDocs.createIndex({ jobId: 1, index: 1 }, { name: 'jobId_index' });
    await this.outcomeDocs.createIndex({ propertyId: 1, finishedAt: -1 }, { name: 'propertyId_finishedAt' });
  }

  /**
   * Writes a new job's property list.
   *
   * @param jobId - the job (not written yet, or just written)
   * @param properties - its properties, in order
   * @throws the driver's error (code 11000 when the job already has a list)
   */
  async insertProperties(jobId: JobId, properties: readonly Property[]): Promise<void> {
    const docs: PropertyChunkDocument[] = [];
    for (let chunk = 0; chunk * JOB_PROPERTY_CHUNK_SIZE < properties.length; chunk += 1) {
      const slice = properties.slice(chunk * JOB_PROPERTY_CHUNK_SIZE, (chunk + 1) * JOB_PROPERTY_CHUNK_SIZE);
      docs.push({ _id: chunkId(jobId, chunk), jobId, chunk, properties: slice });
    }
    if (docs.length > 0) await this.chunks.insertMany(docs, { ordered: true });
  }

  /**
   * Writes one chunk of a job's property list by its deterministic id (`<jobId>:<chunk>`): an insert, or a replace when a
   * run that was stopped or killed while listing wrote it before, so listing again never duplicates a property.
   *
   * @param jobId - the job
   * @param chunk - 0-based chunk number; its first property has index `chunk * JOB_PROPERTY_CHUNK_SIZE`
   * @param properties - at most {@link JOB_PROPERTY_CHUNK_SIZE} properties, in order (fewer only in the last chunk)
   * @throws Error for more than {@link JOB_PROPERTY_CHUNK_SIZE} properties, before anything is written
   * @throws the driver's error when MongoDB cannot be reached (writing again writes the same chunk)
   */
  async writeChunk(jobId: JobId, chunk: number, properties: readonly Property[]): Promise<void> {
    if (properties.length > JOB_PROPERTY_CHUNK_SIZE)
      throw new Error(`job ${jobId}: chunk ${chunk} has ${properties.length} properties; at most ${JOB_PROPERTY_CHUNK_SIZE}`);
    const doc: PropertyChunkDocument = { _id: chunkId(jobId, chunk), jobId, chunk, properties };
    try {
      await this.chunks.insertOne(doc);
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      await this.chunks.replaceOne({ _id: doc._id }, doc);
    }
  }

  /**
   * Deletes the chunks of a job's list from a chunk number on (an earlier listing of a selection that has shrunk since).
   *
   * @param jobId - the job
   * @param fromChunk - first chunk number deleted
   */
  async deleteChunksFrom(jobId: JobId, fromChunk: number): Promise<void> {
    await this.chunks.deleteMany({ jobId, chunk: { $gte: fromChunk } });
  }

  /**
   * Reads a job's properties in order, one chunk at a time (at most one chunk in memory).
   *
   * @param jobId - the job
   * @param fromIndex - first position to yield; default 0
   * @yields each property with its position
   * @throws the driver's error when MongoDB cannot be reached
   */
  async *properties(jobId: string, fromIndex = 0): AsyncGenerator<{ readonly index: number; readonly property: Property }> {
    yield* this.propertiesFrom(jobId, fromIndex, (id) => this.chunks.findOne({ _id: id }));
  }

  private async *propertiesFrom(
    jobId: string,
    fromIndex: number,
    readChunk: (id: string) => Promise<PropertyChunkDocument | null>,
  ): AsyncGenerator<{ readonly index: number; readonly property: Property }> {
    for (let chunk = Math.floor(fromIndex / JOB_PROPERTY_CHUNK_SIZE); ; chunk += 1) {
      const doc = await readChunk(chunkId(jobId, chunk));
      if (doc === null) return;
      const first = chunk * JOB_PROPERTY_CHUNK_SIZE;
      for (const [offset, property] of doc.properties.entries()) {
        if (first + offset >= fromIndex) yield { index: first + offset, property };
      }
      if (doc.properties.length < JOB_PROPERTY_CHUNK_SIZE) return;
    }
  }

  /**
   * Reads a whole property list into memory (jobs of known, small size: a retry's failed properties, tests).
   *
   * @param jobId - the job
   * @returns its properties in order; empty when it has none
   */
  async allProperties(jobId: string): Promise<Property[]> {
    const all: Property[] = [];
    for await (const { property } of this.properties(jobId)) all.push(property);
    return all;
  }

  /**
   * Records finished properties' outcomes: inserts, or replaces the outcome
   * of a property redone after being deferred (the newer wins). Each is stored
   * as core's `boundOutcome` cuts it (at most `MAX_OUTCOME_FAILURES`
   * failures, texts cut), so an outcome document stays within
   * `MAX_DOCUMENT_BYTES` whatever the property met; one still over it (which
   * the caps make impossible) is stored without its lists and with an
   * `OUTCOME_TOO_LARGE` failure saying so, never sent to be refused or retried.
   *
   * @param jobId - the job
   * @param entries - each property's position and outcome
   * @param now - the `finishedAt`
   * @throws Error when an entry's index is not a position (a whole number from 0), before anything is written
   * @throws the driver's error when MongoDB cannot be reached (a retry writes the same documents)
   */
  async recordOutcomes(jobId: JobId, entries: readonly IndexedOutcome[], now: Date): Promise<void> {
    if (entries.length === 0) return;
    const misplaced = entries.find((e) => !Number.isInteger(e.index) || e.index < 0);
    // The position keys the document: a made-up one would let two properties' outcomes overwrite each other.
    if (misplaced !== undefined)
      throw new Error(`job ${jobId}: outcome of ${misplaced.outcome.propertyId} has no position in the job (index ${misplaced.index})`);
    const docs = entries.map(({ index, outcome }) =>
      withinOutcomeBound({
        _id: outcomeId(jobId, index),
        jobId,
        index,
        propertyId: outcome.propertyId,
        status: outcome.status,
        finishedAt: now,
        outcome: boundOutcome(outcome),
      }),
    );
    const duplicates = new Set<number>();
    try {
      await this.outcomeDocs.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError || error instanceof MongoServerError)) throw error;
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (writeErrors.length === 0 && !(error instanceof MongoServerError && error.code === 11000)) throw error;
      if (writeErrors.some((e) => e.code !== 11000)) throw error;
      if (writeErrors.length === 0) for (let i = 0; i < docs.length; i += 1) duplicates.add(i);
      for (const e of writeErrors) duplicates.add(e.index);
    }
    for (const i of duplicates) {
      const doc = docs[i];
      if (doc !== undefined) await this.outcomeDocs.replaceOne({ _id: doc._id }, doc);
    }
  }

  /**
   * Reads the outcomes of a job by position: every one (a run resuming it, a job's end), or the first `limit`.
   *
   * @param jobId - the job
   * @param limit - most outcomes read; all when absent
   * @returns the outcomes with their positions, by position
   */
  async outcomes(jobId: string, limit?: number): Promise<IndexedOutcome[]> {
    const cursor = this.outcomeDocs.find({ jobId: jobId as JobId }, { projection: { index: 1, outcome: 1 } }).sort({ index: 1 });
    const docs = await (limit === undefined ? cursor : cursor.limit(limit)).toArray();
    return docs.map((d) => ({ index: d.index, outcome: withCounts(d.outcome) }));
  }

  /**
   * One page of a job's properties with their outcomes, by position. The property chunks read are kept in memory
   * ({@link CACHED_PROPERTY_CHUNKS}), outcomes never: page only jobs whose list is written (`propertiesListed`).
   *
   * @param jobId - the job
   * @param options - `status` (an outcome status, or `pending` for no outcome yet; all when absent),
   *   `first` (page size, at least 1), `after` (the position of the last entry of the previous page; -1 or absent for the start)
   * @returns the page
   */
  async page(
    jobId: string,
    options: { readonly status?: JobPropertyStatusFilter; readonly first: number; readonly after?: number },
  ): Promise<JobPropertyPage> {
    const after = options.after ?? -1;
    const want = options.first + 1;
    if (options.status !== undefined && options.status !== 'pending') {
      const filter: Filter<OutcomeDocument> = { jobId: jobId as JobId, status: options.status, index: { $gt: after } };
      const docs = await this.outcomeDocs.find(filter).sort({ index: 1 }).limit(want).toArray();
      const properties = await this.propertiesAt(
        jobId,
        docs.map((d) => d.index),
      );
      const entries = docs.flatMap((d) => {
        const property = properties.get(d.index);
        return property === undefined ? [] : [{ index: d.index, property, outcome: withCounts(d.outcome) }];
      });
      return { entries: entries.slice(0, options.first), hasNextPage: entries.length > options.first };
    }
    const entries: JobPropertyEntry[] = [];
    let batch: { index: number; property: Property }[] = [];
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const found = await this.outcomesAt(
        jobId,
        batch.map((b) => b.index),
      );
      for (const { index, property } of batch) {
        const outcome = found.get(index) ?? null;
        if (options.status === 'pending' && outcome !== null) continue;
        if (entries.length < want) entries.push({ index, property, outcome });
      }
      batch = [];
    };
    for await (const item of this.propertiesFrom(jobId, after + 1, (id) => this.listedChunk(id))) {
      batch.push(item);
      if (batch.length >= want) await flush();
      if (entries.length >= want) break;
    }
    await flush();
    return { entries: entries.slice(0, options.first), hasNextPage: entries.length > options.first };
  }

  /**
   * The newest outcomes of one property across jobs.
   *
   * @param propertyId - the property
   * @param limit - most outcomes read, newest first
   * @returns each with its job and when it was recorded
   */
  async outcomesOfProperty(
    propertyId: string,
    limit: number,
  ): Promise<{ readonly jobId: JobId; readonly finishedAt: Date; readonly outcome: PropertyOutcome }[]> {
    const docs = await this.outcomeDocs
      .find({ propertyId: propertyId as PropertyId })
      .sort({ finishedAt: -1 })
      .limit(limit)
      .toArray();
    return docs.map((d) => ({ jobId: d.jobId, finishedAt: d.finishedAt, outcome: withCounts(d.outcome) }));
  }

  /**
   * The jobs whose property list holds a property.
   *
   * @param propertyId - the property
   * @returns their ids, without repeats
   */
  async jobsWithProperty(propertyId: string): Promise<JobId[]> {
    const docs = await this.chunks.find({ 'properties.id': propertyId }, { projection: { jobId: 1 } }).toArray();
    return [...new Set(docs.map((d) => d.jobId))];
  }

  /**
   * Deletes the property lists and outcomes of jobs (the jobs' expiry).
   *
   * @param jobIds - the jobs
   */
  async deleteForJobs(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    await this.chunks.deleteMany({ jobId: { $in: jobIds as JobId[] } });
    await this.outcomeDocs.deleteMany({ jobId: { $in: jobIds as JobId[] } });
  }

  private async propertiesAt(jobId: string, indexes: readonly number[]): Promise<Map<number, Property>> {
    const found = new Map<number, Property>();
    for (const chunk of new Set(indexes.map((i) => Math.floor(i / JOB_PROPERTY_CHUNK_SIZE)))) {
      const doc = await this.listedChunk(chunkId(jobId, chunk));
      doc?.properties.forEach((p, offset) => found.set(chunk * JOB_PROPERTY_CHUNK_SIZE + offset, p));
    }
    return found;
  }

  /** A chunk by `_id`, from memory when read before: callers page listed jobs, whose lists never change. */
  private async listedChunk(id: string): Promise<PropertyChunkDocument | null> {
    const cached = this.chunkCache.get(id);
    if (cached !== undefined) return cached;
    const doc = await this.chunks.findOne({ _id: id });
    if (doc !== null) this.chunkCache.set(id, doc);
    return doc;
  }

  private async outcomesAt(jobId: string, indexes: readonly number[]): Promise<Map<number, PropertyOutcome>> {
    // One point read per position, at once: FerretDB 1.x (SQLite) pushes down a plain `_id` equality but not `$in`,
    // which would read every outcome of every job (150-300 ms a page at 500 outcomes in all).
    const docs = await Promise.all(indexes.map((i) => this.outcomeDocs.findOne({ _id: outcomeId(jobId, i) })));
    return new Map(docs.flatMap((d) => (d === null ? [] : [[d.index, withCounts(d.outcome)] as const])));
  }
}

/** An outcome stored before a photo count existed reads that count as 0, and one stored before fetch modes existed reads `fetchModes` `[]`. */
function withCounts(outcome: StoredOutcome): PropertyOutcome {
  return { ...ZERO_OUTCOME_COUNTS, ...outcome, fetchModes: outcome.fetchModes ?? [] };
}

/** Code of the failure an outcome over {@link MAX_DOCUMENT_BYTES} is stored with, in place of its lists. */
export const OUTCOME_TOO_LARGE_CODE = 'OUTCOME_TOO_LARGE';

/**
 * An outcome document as {@link JobPropertyStore.recordOutcomes} writes it: itself when within `maxBytes`, else the
 * same outcome (status and counts kept) without its lists and with one {@link OUTCOME_TOO_LARGE_CODE} failure saying
 * so, so the write is never refused for its size (and so never retried in vain).
 *
 * @param doc - the outcome document
 * @param maxBytes - its bound in BSON bytes; default {@link MAX_DOCUMENT_BYTES}
 * @returns the document to write
 */
export function withinOutcomeBound<D extends { readonly propertyId: string; readonly outcome: PropertyOutcome }>(
  doc: D,
  maxBytes: number = MAX_DOCUMENT_BYTES,
): D {
  const bytes = BSON.calculateObjectSize(doc);
  if (bytes <= maxBytes) return doc;
  const message = `the outcome of ${doc.propertyId} took ${bytes} bytes, over the ${maxBytes} a stored document may; its failures and sources are not stored`;
  const failure = { source: null, url: null, code: OUTCOME_TOO_LARGE_CODE, message };
  return { ...doc, outcome: { ...doc.outcome, sourcesRead: [], fetchModes: [], skippedSources: [], failures: [failure] } };
}

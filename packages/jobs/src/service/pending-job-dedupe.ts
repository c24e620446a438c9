import { createHash } from 'node:crypto';
import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import type { CatalogSelection } from '../repository/job-document.js';
import type { ResolvedEnqueueExtractionInput, ResolvedExtractionOptions } from './enqueue-extraction-input.js';

/** Name of the collection of dedupe claims: one per set of properties being enqueued. */
export const DEDUPE_COLLECTION = 'extraction_job_dedupe';

interface DedupeDocument {
  /** The request's key (see {@link dedupeKeyOf}). */
  readonly _id: string;
  /** The job that holds the key. */
  readonly jobId: string;
  /** When it was claimed. */
  readonly claimedAt: Date;
}

/**
 * The key of an extraction request: the same properties (in any order, with
 * the same listing URLs), sources (in any order), isolation mode, dry run,
 * fetch mode and time limit give the same key.
 *
 * @param request - a validated request
 * @returns a SHA-256 hex digest
 */
export function dedupeKeyOf(request: ResolvedEnqueueExtractionInput): string {
  const properties = [...request.properties]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((p) => [p.id, p.address, Object.entries(p.listingUrls).sort(([a], [b]) => a.localeCompare(b))]);
  // A request naming no fetch mode (no time limit) keeps the key it had before fetch modes (time limits) existed.
  const fetchMode = request.fetchMode === null ? [] : [request.fetchMode];
  const limit = request.timeoutMs === null ? [] : [{ timeoutMs: request.timeoutMs }];
  const canonical = JSON.stringify([
    properties,
    [...request.sources].sort(),
    request.isolationMode,
    request.dryRun,
    ...fetchMode,
    ...limit,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The key of an extraction request for a catalog selection (see {@link CatalogSelection}): the same selection, sources (in
 * any order), isolation mode, dry run, fetch mode and time limit give the same key, never that of a request naming its properties.
 *
 * @param selection - `all`, or a label
 * @param options - validated options
 * @returns a SHA-256 hex digest
 */
export function selectionDedupeKeyOf(selection: CatalogSelection, options: ResolvedExtractionOptions): string {
  const selected = 'label' in selection ? ['label', selection.label] : ['all'];
  const canonical = JSON.stringify([
    'selection',
    selected,
    [...options.sources].sort(),
    options.isolationMode,
    options.dryRun,
    options.fetchMode,
    ...(options.timeoutMs === null ? [] : [{ timeoutMs: options.timeoutMs }]),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Options of {@link PendingJobDedupe}. */
export interface PendingJobDedupeOptions {
  /** Database holding the collection. Borrowed. */
  readonly db: Db;
}

/**
 * Lets one pending job hold a request key at a time, on any MongoDB-compatible
 * server: a claim is the insert of a document whose `_id` is the key, so of
 * two enqueuers of the same request exactly one wins (FerretDB 1.x has no
 * atomic read-modify-write). A claim whose job is no longer pending (started,
 * finished or gone) is stale and is replaced.
 */
export class PendingJobDedupe {
  private readonly collection: Collection<DedupeDocument>;

  /**
   * @param options - the database
   */
  constructor(options: PendingJobDedupeOptions) {
    this.collection = options.db.collection<DedupeDocument>(DEDUPE_COLLECTION);
  }

  /**
   * Claims `key` for `jobId` unless a pending job holds it.
   *
   * @param key - the request key
   * @param jobId - the job just written for the request
   * @param now - the claim time
   * @param isPending - tells whether a job is still pending
   * @returns `null` when `jobId` now holds the key, else the id of the pending job that does
   * @throws the driver's error when MongoDB cannot be reached
   */
  async claim(key: string, jobId: string, now: Date, isPending: (jobId: string) => Promise<boolean>): Promise<string | null> {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        await this.collection.insertOne({ _id: key, jobId, claimedAt: now });
        return null;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
      const holder = await this.collection.findOne({ _id: key });
      if (holder === null) continue;
      if (holder.jobId !== jobId && (await isPending(holder.jobId))) return holder.jobId;
      await this.collection.deleteOne({ _id: key, jobId: holder.jobId });
    }
    // The key kept changing hands: enqueue without deduplication rather than fail the request.
    return null;
  }
}

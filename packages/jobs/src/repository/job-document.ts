import type { ExtractionJob, JobId } from '@phx/core';

/**
 * A job as stored in MongoDB and read back: core's {@link ExtractionJob} plus
 * the bookkeeping the job layer needs. What `JobRepository`, `JobService` and
 * `JobProgressFeed` return.
 */
export interface StoredExtractionJob extends ExtractionJob {
  /** Photos a re-run found already recorded and did not download again (0 on documents written before it was stored). */
  readonly unchangedImages: number;
  /** Recorded photos a complete re-run marked removed (0 on documents written before it was stored). */
  readonly removedImages: number;
  /** Properties that ended `partial` (0 on documents written before it was stored). */
  readonly partialProperties: number;
  /** Properties that ended `deferred` (0 on documents written before it was stored). */
  readonly deferredProperties: number;
  /** Placeholder photos of the finished properties (0 on documents written before it was stored). */
  readonly placeholderImages: number;
  /**
   * Incremented by every update of the document (starts at 1 on insert), so a
   * reader that saw version `n` knows a document with version `n + 1` is newer.
   * The progress feed yields one snapshot per change.
   */
  readonly version: number;
  /** When a user asked to cancel the job while it ran, else `null`. */
  readonly cancelRequestedAt: Date | null;
  /**
   * How many times a worker has taken the job up (0 while it never ran). The
   * worker holding run `n` writes only with `runNumber: n` in its filter, so a
   * worker that lost the job cannot overwrite the one that took it over.
   */
  readonly runNumber: number;
  /** Name of the worker that took the job up last, else `null`. */
  readonly workerName: string | null;
  /**
   * Who asked for the job: `interactive` (API, CLI) or `scheduled` (a tick of
   * an extraction schedule). Absent on documents written before origins were
   * recorded, which were interactive.
   */
  readonly origin?: JobOrigin;
  /** The schedule whose tick created the job (origin `scheduled`); absent otherwise. */
  readonly scheduleId?: string;
}

/** Who asked for a job: a person or program (`interactive`), or a schedule's tick (`scheduled`). */
export type JobOrigin = 'interactive' | 'scheduled';

/** The origin fields `JobService` writes into a new job document. */
export type JobOriginFields =
  | { readonly origin: 'interactive' }
  | { readonly origin: 'scheduled'; readonly scheduleId: string };

/**
 * The document in the `extraction_jobs` collection: a {@link StoredExtractionJob}
 * with `_id` (the job id) in place of `id`. Dates are BSON dates.
 */
export type ExtractionJobDocument = Omit<StoredExtractionJob, 'id'> & { readonly _id: JobId };

/**
 * Maps a document to the API shape.
 *
 * @param doc - a document read from `extraction_jobs`
 * @returns the job, `_id` renamed to `id`, fields in a stable order
 */
export function fromJobDocument(doc: ExtractionJobDocument): StoredExtractionJob {
  const { _id, ...rest } = doc;
  return {
    id: _id,
    ...rest,
    cancelRequestedAt: rest.cancelRequestedAt ?? null,
    runNumber: rest.runNumber ?? 0,
    workerName: rest.workerName ?? null,
    failedImages: rest.failedImages ?? 0,
    partialProperties: rest.partialProperties ?? 0,
    deferredProperties: rest.deferredProperties ?? 0,
    unchangedImages: rest.unchangedImages ?? 0,
    removedImages: rest.removedImages ?? 0,
    placeholderImages: rest.placeholderImages ?? 0,
    propertyOutcomes: rest.propertyOutcomes ?? [],
    failedPropertiesList: rest.failedPropertiesList ?? [],
  };
}

/**
 * Maps a new job to its first document (version 1, never run).
 *
 * @param job - the job as built by the service
 * @returns the document to insert
 */
export function toNewJobDocument(job: ExtractionJob): ExtractionJobDocument {
  const { id, ...rest } = job;
  return {
    _id: id,
    ...rest,
    partialProperties: rest.partialProperties ?? 0,
    deferredProperties: rest.deferredProperties ?? 0,
    unchangedImages: rest.unchangedImages ?? 0,
    removedImages: rest.removedImages ?? 0,
    placeholderImages: rest.placeholderImages ?? 0,
    version: 1,
    cancelRequestedAt: null,
    runNumber: 0,
    workerName: null,
  };
}

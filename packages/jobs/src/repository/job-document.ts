import { FAILED_PROPERTIES_LIST_LIMIT, pickCounters } from '@phx/core';
import type { ExtractionJob, JobId, TraceContextCarrier } from '@phx/core';

/**
 * A job as stored in MongoDB and read back: core's {@link ExtractionJob} plus
 * the bookkeeping the job layer needs. What `JobRepository`, `JobService` and
 * `JobProgressFeed` return.
 */
export interface StoredExtractionJob extends ExtractionJob {
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
  /**
   * The W3C trace context of the request that enqueued the job, when tracing
   * was on there: the worker's `job` span continues that trace. Absent for
   * scheduled jobs (each run starts a trace of its own) and without tracing.
   */
  readonly traceContext?: TraceContextCarrier;
  /**
   * The scraper mode of the run in a CLI's own process that wrote the job
   * (`JobService.createExtraction`): a worker of the other mode that takes it
   * over after that process died fails it (`SCRAPER_MODE_MISMATCH`) instead
   * of running it. Absent for jobs any worker runs in its own mode (the API,
   * schedules, `--async`, retries).
   */
  readonly scraperMode?: JobScraperMode;
  /**
   * The catalog selection the job was enqueued for when its property list is
   * read by the worker (`{ all: true }` or `{ label }`), else `null` (the list
   * was written at enqueue).
   */
  readonly catalogSelection: CatalogSelection | null;
  /**
   * `false` while the job's property list is not written yet (a job enqueued
   * for a {@link CatalogSelection}: the worker that takes it up writes it, then
   * sets `totalProperties`, which is 0 until then); `true` once it is final.
   */
  readonly propertiesListed: boolean;
}

/**
 * A catalog selection whose property list a worker reads (it can be as large
 * as the catalog): every property (`all`), or the properties with a label
 * (lower case, see `toPropertyLabel`). Read in property id order.
 */
export type CatalogSelection = { readonly all: true } | { readonly label: string };

/**
 * How a run reads the sites: the scrapers' `ScraperKitMode['kind']` (`live`, `replay`, `record`, `har`), spelled here
 * so that the light entry does not import `@phx/scrapers` (the worker's `ExtractorFactory` checks the two agree).
 */
export type JobScraperMode = 'live' | 'replay' | 'record' | 'har';

/** Who asked for a job: a person or program (`interactive`), or a schedule's tick (`scheduled`). */
export type JobOrigin = 'interactive' | 'scheduled';

/** The origin fields `JobService` writes into a new job document. */
export type JobOriginFields = { readonly origin: 'interactive' } | { readonly origin: 'scheduled'; readonly scheduleId: string };

/**
 * The document in the `extraction_jobs` collection: a {@link StoredExtractionJob}
 * with `_id` (the job id) in place of `id`. Dates are BSON dates. Documents
 * written by older versions may lack newer counters and outcome counts (see
 * {@link fromJobDocument}). The job's property list and outcomes are not in
 * it (see `JobPropertyStore`), so its size does not depend on their number.
 */
export type ExtractionJobDocument = Omit<StoredExtractionJob, 'id' | 'catalogSelection' | 'propertiesListed' | 'timeoutMs'> & {
  readonly _id: JobId;
  /** Absent on documents written before jobs had a time limit of their own: none. */
  readonly timeoutMs?: number | null;
  /** Absent on documents written before selections were read by workers (their list was written at enqueue). */
  readonly catalogSelection?: CatalogSelection | null;
  /** Absent on documents written before selections were read by workers: listed. */
  readonly propertiesListed?: boolean;
};

/** Fields that documents written before the job's property list and outcomes moved out of it may still hold (never read). */
const LEGACY_FIELDS = ['properties', 'propertyOutcomes'] as const;

/**
 * Maps a document to the API shape.
 *
 * The one place where job documents written by older versions are completed:
 * a counter that did not exist yet (see core's `COUNTER_NAMES`) reads as 0, a
 * missing `fetchMode` as `null` (the worker's default), a missing `timeoutMs` as `null` (no limit of its own), so
 * every reader gets every count; the property list and outcomes such a
 * document still holds are left out (this version reads them from
 * `JobPropertyStore`).
 *
 * @param doc - a document read from `extraction_jobs`
 * @returns the job, `_id` renamed to `id`, every counter present, fields in a stable order
 */
export function fromJobDocument(doc: ExtractionJobDocument): StoredExtractionJob {
  const { _id, ...fields } = doc;
  const rest = withoutLegacyFields(fields);
  return {
    id: _id,
    ...rest,
    fetchMode: rest.fetchMode ?? null,
    timeoutMs: rest.timeoutMs ?? null,
    cancelRequestedAt: rest.cancelRequestedAt ?? null,
    runNumber: rest.runNumber ?? 0,
    workerName: rest.workerName ?? null,
    catalogSelection: rest.catalogSelection ?? null,
    propertiesListed: rest.propertiesListed ?? true,
    ...pickCounters(rest),
    failedPropertiesList: (rest.failedPropertiesList ?? []).slice(0, FAILED_PROPERTIES_LIST_LIMIT),
  };
}

/**
 * Maps a new job to its first document (version 1, never run).
 *
 * @param job - the job as built by the service
 * @param selection - the catalog selection a worker lists (the list is then not written yet); `null` (default): the list is written
 * @returns the document to insert
 */
export function toNewJobDocument(job: ExtractionJob, selection: CatalogSelection | null = null): ExtractionJobDocument {
  const { id, ...fields } = job;
  return {
    _id: id,
    ...withoutLegacyFields(fields),
    version: 1,
    cancelRequestedAt: null,
    runNumber: 0,
    workerName: null,
    catalogSelection: selection,
    propertiesListed: selection === null,
  };
}

/** `fields` without the {@link LEGACY_FIELDS} (also when a caller's object carries them, e.g. a job built with its properties). */
function withoutLegacyFields<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !(LEGACY_FIELDS as readonly string[]).includes(key))) as T;
}

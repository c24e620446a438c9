import type { FailureKind, InputIssue } from '../errors/core-error.js';
import type { ExtractionCounters } from './extraction-counters.js';
import type { FetchMode, PageFetchMode } from './fetch-mode.js';
import type { JobId, PropertyId } from './ids.js';
import type { Source } from './source.js';

/** Every status a job can have, in lifecycle order (the seed's values). */
export const JOB_STATUSES = Object.freeze(['pending', 'in_progress', 'completed', 'failed', 'cancelled'] as const);

/**
 * Where a job is in its life: `pending` (queued), `in_progress` (a worker
 * holds it), and the final `completed`, `failed`, `cancelled`.
 */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Statuses after which a job never changes again. */
export const FINAL_JOB_STATUSES: readonly JobStatus[] = Object.freeze(['completed', 'failed', 'cancelled']);

/**
 * Tells whether a job in `status` is finished for good.
 *
 * @param status - a job status
 * @returns `true` for `completed`, `failed` and `cancelled`
 */
export function isFinalJobStatus(status: JobStatus): boolean {
  return FINAL_JOB_STATUSES.includes(status);
}

/**
 * How browser state is shared between properties (the seed's `--isolation`):
 * `virtual` one shared browser context for all properties (fastest, default);
 * `context` a fresh browser context per property (no cookies carried over);
 * `browser` a fresh Chromium process per property (strongest, slowest).
 */
export const ISOLATION_MODES = Object.freeze(['virtual', 'context', 'browser'] as const);

/** See {@link ISOLATION_MODES}. */
export type IsolationMode = (typeof ISOLATION_MODES)[number];

/** The isolation mode of a job or browser pool that names none: `virtual`, the original design's. */
export const DEFAULT_ISOLATION_MODE: IsolationMode = 'virtual';

/** One failure met while extracting a property: a source that could not be read or a photo that failed. */
export interface ExtractionFailure {
  /** Source involved, or `null` when the failure is not tied to one. */
  readonly source: Source | null;
  /** URL of the page or photo involved, or `null`. */
  readonly url: string | null;
  /** Stable error code, e.g. `INVALID_IMAGE`, `PHOTO_DATA_MISSING`. */
  readonly code: string;
  /** Human-readable message naming the page or photo and what was wrong. */
  readonly message: string;
  /**
   * What the runtime should do about it, from the error's `CoreError.kind`
   * (`transient`: worth retrying; `permanent`; `blocked`). Absent when the
   * error carried no classification (not a `CoreError`), and on failures
   * made from other failures (`ALL_PHOTOS_FAILED`, `NO_PHOTOS`, and `NOT_FOUND` when no
   * requested source has a listing: its message names each search tried and what it answered; `NO_LISTING` before).
   */
  readonly kind?: FailureKind;
  /**
   * How long the source asked to be left alone before the next request, in
   * ms, counted from when the failure was met (a `Retry-After` header of a
   * 429 or 503 answer, read from the error's `retryAfterMs`). Absent when
   * the source asked for no wait. The job layer tries the property again no
   * earlier than this, or defers it (see {@link PropertyOutcome.retryAt}).
   */
  readonly retryAfterMs?: number;
}

/** Which fetch mode served one source's listing page for a property (see {@link PropertyOutcome.fetchModes}). */
export interface SourceFetchMode {
  /** The source whose listing page was read. */
  readonly source: Source;
  /** What fetched it: a plain HTTP client (`http`) or Chromium (`browser`). */
  readonly mode: PageFetchMode;
}

/** Every status a finished property can have (see {@link PropertyOutcome.status}). */
export const PROPERTY_OUTCOME_STATUSES = Object.freeze(['completed', 'partial', 'deferred', 'failed'] as const);

/** See {@link PROPERTY_OUTCOME_STATUSES}. */
export type PropertyOutcomeStatus = (typeof PROPERTY_OUTCOME_STATUSES)[number];

/** Outcome of one property within a job. */
export interface PropertyOutcome {
  /** The property. */
  readonly propertyId: PropertyId;
  /** Its address. */
  readonly address: string;
  /**
   * `completed` when at least one source was read and no source failed (a
   * source with no listing is skipped, not failed); else `failed`. A source
   * fails when its page cannot be read, lists no photo, every one of its
   * photos failed, or its photos cannot be stored; a single photo failing
   * does not fail its source. `partial` instead of `completed` when a
   * source's page declares more photos than its gallery accounted for
   * (stored + duplicate + unchanged + failed): see `missingPhotos`, and a
   * `PHOTOS_MISSING` entry in `failures` per short source saying why.
   * `deferred` (set by the job layer, never by core's extractor) when the
   * property failed transiently and a source asked for a longer wait
   * (`ExtractionFailure.retryAfterMs`) than the job may take: not failed,
   * tried again no earlier than `retryAt` by a later run.
   */
  readonly status: PropertyOutcomeStatus;
  /** Photos listed by the sources (before download). */
  readonly photosFound: number;
  /** Photos newly stored. */
  readonly newImages: number;
  /** Photos already stored for the property. */
  readonly duplicateImages: number;
  /** Photos that failed. */
  readonly failedImages: number;
  /** Photos already recorded from an earlier run and not downloaded again. */
  readonly unchangedImages: number;
  /** Recorded photos no longer listed, marked removed by this run. */
  readonly removedImages: number;
  /**
   * Photos the listing pages declare that the run did not account for, summed
   * over the sources read: for each, its declared count minus its photos
   * stored, duplicate, unchanged or failed, when positive. Sources whose page
   * states no count add 0. `> 0` iff `status` is `partial`.
   */
  readonly missingPhotos: number;
  /**
   * Photos stored, or found unchanged, that are placeholders (flat images
   * such as solid colours or "Coming Soon" cards, see `PhotoRecord.placeholder`);
   * they are also counted as new, duplicate or unchanged.
   */
  readonly placeholderImages: number;
  /**
   * When a `deferred` property may be tried again: the end of the attempt
   * plus the longest wait its sources asked for. Absent on other statuses.
   */
  readonly retryAt?: Date;
  /** Sources whose photos were read. */
  readonly sourcesRead: readonly Source[];
  /**
   * What served each source's listing page, in the order read: one entry per
   * source whose scraper returned a gallery and said how it fetched the page
   * (`ListingPhotos.fetchMode`); a scraper that does not say adds none. An
   * outcome stored before fetch modes existed reads `[]`.
   */
  readonly fetchModes: readonly SourceFetchMode[];
  /** Requested sources with no listing for this property (no URL given and none found), with the reason. */
  readonly skippedSources: readonly { readonly source: Source; readonly reason: string }[];
  /** Every failure met, in order. */
  readonly failures: readonly ExtractionFailure[];
}

/** The photo counts of a {@link PropertyOutcome}. */
export type PropertyOutcomeCounts = Pick<
  PropertyOutcome,
  | 'photosFound'
  | 'newImages'
  | 'duplicateImages'
  | 'failedImages'
  | 'unchangedImages'
  | 'removedImages'
  | 'missingPhotos'
  | 'placeholderImages'
>;

/**
 * Photo counts all at zero: those of a property that failed before listing a
 * photo, and the defaults of the counts an outcome stored before they existed lacks.
 */
export const ZERO_OUTCOME_COUNTS: PropertyOutcomeCounts = Object.freeze({
  photosFound: 0,
  newImages: 0,
  duplicateImages: 0,
  failedImages: 0,
  unchangedImages: 0,
  removedImages: 0,
  missingPhotos: 0,
  placeholderImages: 0,
});

/**
 * An image-extraction job: the seed's `ImageExtractionJob`, stored in MongoDB
 * by `@phx/jobs` and shown by the API and the CLI.
 */
export interface ExtractionJob extends ExtractionCounters {
  /** Job id (UUID). */
  readonly id: JobId;
  /** When the job was enqueued. */
  readonly createdAt: Date;
  /** When a worker first started it, else `null`. */
  readonly startedAt: Date | null;
  /** When it reached a final status, else `null`. */
  readonly completedAt: Date | null;
  /** The sources to read, in order. */
  readonly sources: readonly Source[];
  /** Browser isolation mode. */
  readonly isolationMode: IsolationMode;
  /**
   * How the job's listing pages are fetched (`auto`, `http` or `browser`,
   * see `fetchModeSchema`), or `null` for the worker's own `FETCH_MODE`
   * (a job stored before fetch modes existed reads `null`).
   */
  readonly fetchMode: FetchMode | null;
  /** When `true`, photos are listed but not downloaded or stored. */
  readonly dryRun: boolean;
  /**
   * The job's own wall-time limit, in ms ({@link JOB_TIME_LIMIT_RANGE_MS}: 1 s-30
   * days), counted from its first start (`startedAt`, also across a resumed
   * run): a run still going past it is stopped and the job fails. `null`
   * (the default, and a job stored before limits existed): no limit of its
   * own; only the worker's `JOB_TIMEOUT` (longest time without a finished
   * property) stops it.
   */
  readonly timeoutMs: number | null;
  /** Current status. */
  readonly status: JobStatus;
  /** Why the job failed or was cancelled, else `null`. */
  readonly errorMessage: string | null;
  /** When a counter or the status last changed. */
  readonly progressUpdatedAt: Date;
  /**
   * Addresses of the properties that failed, in the job's property order:
   * the first {@link FAILED_PROPERTIES_LIST_LIMIT} of them (`failedProperties`
   * counts them all), so the job stays the same size whatever its number of
   * properties. The job's property list and each property's outcome are
   * stored beside it, read page by page (`@phx/jobs`' `JobPropertyStore`).
   */
  readonly failedPropertiesList: readonly string[];
}

/**
 * The range of a job's own time limit ({@link ExtractionJob.timeoutMs}), in ms: 1 000 (1 s) to 2 592 000 000 (30 days).
 * A city-sized job runs for days; a month bounds a limit set by mistake in the wrong unit.
 */
export const JOB_TIME_LIMIT_RANGE_MS: Readonly<{ min: number; max: number }> = Object.freeze({ min: 1_000, max: 30 * 24 * 3_600_000 });

/**
 * Checks a job time limit given in whole seconds, as the GraphQL API and the CLI take it.
 *
 * @param seconds - the limit as given, in seconds
 * @param path - where it was given, for the issue (e.g. `timeoutSeconds`, `--timeout`)
 * @returns `null` for a whole number within {@link JOB_TIME_LIMIT_RANGE_MS}, else the issue naming the value and the range
 * @example
 * ```ts
 * import { jobTimeLimitIssue } from '@phx/core';
 * jobTimeLimitIssue(7_200, 'timeoutSeconds'); // null
 * jobTimeLimitIssue(0, 'timeoutSeconds'); // { path: 'timeoutSeconds', message: '0 is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)' }
 * ```
 */
export function jobTimeLimitIssue(seconds: number, path: string): InputIssue | null {
  const [min, max] = [JOB_TIME_LIMIT_RANGE_MS.min / 1000, JOB_TIME_LIMIT_RANGE_MS.max / 1000];
  if (Number.isInteger(seconds) && seconds >= min && seconds <= max) return null;
  return { path, message: `${seconds} is not a whole number of seconds from ${min} to ${max} (1 s to 30 days)` };
}

/** Most addresses an {@link ExtractionJob}'s `failedPropertiesList` holds. */
export const FAILED_PROPERTIES_LIST_LIMIT = 100;

import type { PropertyOutcome, PropertyOutcomeStatus } from './extraction-job.js';

/**
 * The counters of a job that count properties, in the order the API shows them:
 *
 * - `totalProperties`: properties the job will process (set when the job is created)
 * - `completedProperties`: properties finished with every requested source read
 * - `failedProperties`: properties that failed (see `ExtractionJob.failedPropertiesList`)
 * - `partialProperties`: properties finished with every source read but fewer
 *   photos than a listing page declares (outcome status `partial`, see
 *   `PropertyOutcome.missingPhotos`); in neither `completedProperties` nor `failedProperties`
 * - `deferredProperties`: properties put off because a source asked for a
 *   longer wait than the job may take (outcome status `deferred`, see
 *   `PropertyOutcome.retryAt`): not failed, tried again by a later run; in
 *   neither `completedProperties` nor `failedProperties`
 */
export const PROPERTY_COUNTER_NAMES = Object.freeze([
  'totalProperties',
  'completedProperties',
  'failedProperties',
  'partialProperties',
  'deferredProperties',
] as const);

/**
 * The counters of a job that count photos, in the order the API shows them:
 *
 * - `totalImages`: photos stored or recognised, `newImages + duplicateImages` (in a dry run: photos listed)
 * - `newImages`: photos whose bytes were not stored for the property before
 * - `duplicateImages`: photos whose bytes were already stored for the property
 * - `failedImages`: photos that could not be downloaded or decoded (each also in its property's failures)
 * - `unchangedImages`: photos a re-run found already recorded (same photo id
 *   on the source, or same URL) and did not download again; not part of `totalImages`
 * - `removedImages`: recorded photos a complete re-run no longer found on the listings, marked removed (kept)
 * - `placeholderImages`: photos stored or found unchanged that are
 *   placeholders (flat images such as solid colours or "Coming Soon" cards;
 *   see `PropertyOutcome.placeholderImages`), also counted as new, duplicate
 *   or unchanged; summed over the finished properties
 */
export const PHOTO_COUNTER_NAMES = Object.freeze([
  'totalImages',
  'newImages',
  'duplicateImages',
  'failedImages',
  'unchangedImages',
  'removedImages',
  'placeholderImages',
] as const);

/**
 * Every progress counter of a job, property counters first: the one closed
 * list that {@link ExtractionCounters}, the stored documents, the events, the
 * GraphQL types and the reports are built from. A new counter is added here.
 */
export const COUNTER_NAMES = Object.freeze([...PROPERTY_COUNTER_NAMES, ...PHOTO_COUNTER_NAMES] as const);

/** The name of one progress counter (see {@link COUNTER_NAMES}). */
export type CounterName = (typeof COUNTER_NAMES)[number];

/**
 * The progress counters of a job, one field per name of {@link COUNTER_NAMES}
 * (meanings listed at {@link PROPERTY_COUNTER_NAMES} and
 * {@link PHOTO_COUNTER_NAMES}). All are counts, never negative, and all are
 * present: documents written before a counter existed are completed by
 * {@link pickCounters} where they are read.
 */
export type ExtractionCounters = { readonly [K in CounterName]: number };

/** Counters all at zero. */
export const ZERO_COUNTERS: ExtractionCounters = Object.freeze(
  Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>,
);

/** The counter a finished property adds 1 to, by its outcome status. */
export const STATUS_COUNTER: Readonly<Record<PropertyOutcomeStatus, (typeof PROPERTY_COUNTER_NAMES)[number]>> = Object.freeze({
  completed: 'completedProperties',
  partial: 'partialProperties',
  deferred: 'deferredProperties',
  failed: 'failedProperties',
});

function mapCounters(names: readonly CounterName[], base: ExtractionCounters, value: (name: CounterName) => number): ExtractionCounters {
  const counters: Record<CounterName, number> = { ...base };
  for (const name of names) counters[name] = value(name);
  return counters;
}

/**
 * The counters of `source`, and only those: each field of {@link COUNTER_NAMES}
 * copied, a missing or `null` one taken as 0. Where stored documents (jobs,
 * events) written before a counter existed are read, and where a larger
 * object (a job, a progress) is cut down to its counters.
 *
 * @param source - an object with some or all counters, possibly other fields
 * @returns every counter, nothing else
 */
export function pickCounters(source: { readonly [K in CounterName]?: number | null }): ExtractionCounters {
  return mapCounters(COUNTER_NAMES, ZERO_COUNTERS, (name) => source[name] ?? 0);
}

/**
 * Adds counters.
 *
 * @param a - the counters to add to
 * @param b - the counters added
 * @param names - the counters summed (default all); the others keep `a`'s value
 * @returns new counters, `a + b` for each of `names`
 */
export function addCounters(
  a: ExtractionCounters,
  b: ExtractionCounters,
  names: readonly CounterName[] = COUNTER_NAMES,
): ExtractionCounters {
  return mapCounters(names, a, (name) => a[name] + b[name]);
}

/**
 * Each counter at the higher of two values.
 *
 * @param a - counters
 * @param b - counters
 * @param names - the counters compared (default all); the others keep `a`'s value
 * @returns new counters, `max(a, b)` for each of `names`
 */
export function maxCounters(
  a: ExtractionCounters,
  b: ExtractionCounters,
  names: readonly CounterName[] = COUNTER_NAMES,
): ExtractionCounters {
  return mapCounters(names, a, (name) => Math.max(a[name], b[name]));
}

/**
 * What one finished property adds to its job's counters: 1 to the counter of
 * its status, its photo counts, and to `totalImages` its new and duplicate
 * photos (in a dry run, where nothing is stored: the photos it listed).
 *
 * @param outcome - the property's outcome
 * @param dryRun - whether the job only lists photos
 * @returns counters with `totalProperties` 0
 */
export function outcomeCounters(outcome: PropertyOutcome, dryRun: boolean): ExtractionCounters {
  return {
    ...ZERO_COUNTERS,
    [STATUS_COUNTER[outcome.status]]: 1,
    totalImages: dryRun ? outcome.photosFound : outcome.newImages + outcome.duplicateImages,
    newImages: outcome.newImages,
    duplicateImages: outcome.duplicateImages,
    failedImages: outcome.failedImages,
    unchangedImages: outcome.unchangedImages,
    removedImages: outcome.removedImages,
    placeholderImages: outcome.placeholderImages,
  };
}

/**
 * The counters of a job counted by its finished properties only: what a job
 * that ends (completed, failed, cancelled) shows, whatever its live counters
 * said of properties cut mid-way.
 *
 * @param outcomes - the outcomes of its finished (or deferred) properties
 * @param totalProperties - the job's property count
 * @param dryRun - whether the job only lists photos
 * @returns the sum of {@link outcomeCounters} of each, with `totalProperties`
 */
export function countOutcomes(outcomes: readonly PropertyOutcome[], totalProperties: number, dryRun: boolean): ExtractionCounters {
  let counters: ExtractionCounters = { ...ZERO_COUNTERS, totalProperties };
  for (const outcome of outcomes) counters = addCounters(counters, outcomeCounters(outcome, dryRun));
  return counters;
}

/**
 * The properties a job is done with, whatever the result: `completedProperties
 * + partialProperties + deferredProperties + failedProperties`. The one
 * meaning of "properties done" of every progress display and report (a live
 * line, a bar, a summary): the seed's counters are `completed` and `failed`,
 * and a partial or deferred property is in neither, yet finished for this run.
 *
 * @param counters - a job's or a snapshot's counters
 * @returns a count from 0 to `totalProperties`
 */
export function finishedProperties(counters: ExtractionCounters): number {
  return counters.completedProperties + counters.partialProperties + counters.deferredProperties + counters.failedProperties;
}

/**
 * The photos a job accounted for on the listings: those it stored
 * (`totalImages`: new and duplicate; in a dry run, listed) and those a re-run
 * found already stored (`unchangedImages`, not downloaded again). Failed,
 * removed and placeholder photos are counted apart. A re-run of 218 known
 * photos counts 218 here, where `totalImages` is 0.
 *
 * @param counters - a job's or a snapshot's counters
 * @returns `totalImages + unchangedImages`
 */
export function photosSeen(counters: ExtractionCounters): number {
  return counters.totalImages + counters.unchangedImages;
}

import { finishedProperties, photosSeen } from '@phx/core/model';
import type { CounterName, ExtractionCounters } from '@phx/core/model';

/** The word printed after each counter's value in the CLI and demo reports (`2 new`, `1 partial`). */
export const COUNTER_LABELS: Readonly<Record<CounterName, string>> = Object.freeze({
  totalProperties: 'total',
  completedProperties: 'completed',
  failedProperties: 'failed',
  partialProperties: 'partial',
  deferredProperties: 'deferred',
  totalImages: 'total',
  newImages: 'new',
  duplicateImages: 'duplicate',
  failedImages: 'failed',
  unchangedImages: 'unchanged',
  removedImages: 'removed',
  placeholderImages: 'placeholder',
});

/** The counters of finished properties other than completed, in the order the reports print them. */
export const FINISHED_NOT_COMPLETED: readonly CounterName[] = Object.freeze([
  'partialProperties',
  'deferredProperties',
  'failedProperties',
]);

/**
 * Prints some counters as `value label` pairs.
 *
 * @param counters - the counters (a job, a progress snapshot)
 * @param names - which counters, in the order printed
 * @returns e.g. `2 new, 1 duplicate, 0 failed` for `['newImages', 'duplicateImages', 'failedImages']`
 */
export function formatCounts(counters: ExtractionCounters, names: readonly CounterName[]): string {
  return names.map((name) => `${counters[name]} ${COUNTER_LABELS[name]}`).join(', ');
}

/** The photo counters a progress line and a summary show after the number of photos seen, in their order. */
export const PHOTO_DETAIL_COUNTERS: readonly CounterName[] = Object.freeze([
  'newImages',
  'duplicateImages',
  'unchangedImages',
  'failedImages',
  'removedImages',
  'placeholderImages',
]);

/**
 * Says how many properties a job is done with (core's `finishedProperties`:
 * completed, partial, deferred and failed), out of how many, and how each ended.
 *
 * @param counters - the counters of a job or a snapshot
 * @returns e.g. `9/9 properties done (7 completed, 1 partial, 1 deferred, 0 failed)`
 */
export function formatPropertiesDone(counters: ExtractionCounters): string {
  return (
    `${finishedProperties(counters)}/${counters.totalProperties} properties done ` +
    `(${formatCounts(counters, ['completedProperties', ...FINISHED_NOT_COMPLETED])})`
  );
}

/**
 * A count with its noun in the right number.
 *
 * @param n - the count
 * @param noun - the singular, e.g. `property`
 * @param plural - the plural (default: the singular with `s`), e.g. `properties`
 * @returns e.g. `1 property`, `0 properties`, `2 photos`
 */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/**
 * Says how many photos a job accounted for (core's `photosSeen`: stored by it
 * or found unchanged) and how each counted.
 *
 * @param counters - the counters of a job or a snapshot
 * @returns e.g. `218 photos (0 new, 0 duplicate, 218 unchanged, 0 failed, 0 removed, 2 placeholder)`
 */
export function formatPhotos(counters: ExtractionCounters): string {
  return `${countOf(photosSeen(counters), 'photo')} (${formatCounts(counters, PHOTO_DETAIL_COUNTERS)})`;
}

/**
 * Formats one progress snapshot as a single line: the line of the CLI in a
 * pipe or CI, and of the demo.
 *
 * @param p - the snapshot: a status (any case, printed in lower case) and the counters
 * @returns e.g. `in_progress  2/9 properties done (1 completed, 1 partial, 0 deferred, 0 failed)  40 photos (38 new, 2 duplicate, 0 unchanged, 0 failed, 0 removed, 0 placeholder)`
 */
export function formatProgressLine(p: ExtractionCounters & { readonly status: string }): string {
  return `${p.status.toLowerCase().padEnd(11)}  ${formatPropertiesDone(p)}  ${formatPhotos(p)}`;
}

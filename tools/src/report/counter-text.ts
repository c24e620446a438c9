import type { CounterName, ExtractionCounters } from '@phx/core';

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

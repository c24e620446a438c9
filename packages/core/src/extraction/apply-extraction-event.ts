import { STATUS_COUNTER } from '../model/extraction-counters.js';
import type { ExtractionCounters } from '../model/extraction-counters.js';
import type { ExtractionEvent } from './extraction-event.js';

/**
 * Folds one extraction event into a job's progress counters; pure (the job
 * layer persists and publishes the result). `totalProperties` is never
 * changed here: it is set when the job is created.
 *
 * - `photo-stored`: `newImages` or `duplicateImages` +1, `totalImages` +1
 * - `photo-listed-dry-run`: `totalImages` +1
 * - `photo-unchanged`: `unchangedImages` +1 (not part of `totalImages`)
 * - `photos-removed`: `removedImages` + its count
 * - `photo-failed`: `failedImages` +1
 * - `property-finished`: `completedProperties`, `partialProperties`, `deferredProperties` or
 *   `failedProperties` +1, and `placeholderImages` + the outcome's
 * - `property-started`, `photos-listed`: no change
 *
 * @param counters - the counters before the event
 * @param event - the event
 * @returns new counters (the same object when the event changes nothing)
 * @example
 * ```ts
 * import { ZERO_COUNTERS, type ExtractionCounters, type ExtractionEvent, type Property } from '@phx/core';
 * declare const properties: Property[];
 * let counters: ExtractionCounters = { ...ZERO_COUNTERS, totalProperties: properties.length };
 * const onEvent = (event: ExtractionEvent) => { counters = applyExtractionEvent(counters, event); };
 * ```
 */
export function applyExtractionEvent(counters: ExtractionCounters, event: ExtractionEvent): ExtractionCounters {
  switch (event.type) {
    case 'photo-stored':
      return event.created
        ? { ...counters, totalImages: counters.totalImages + 1, newImages: counters.newImages + 1 }
        : { ...counters, totalImages: counters.totalImages + 1, duplicateImages: counters.duplicateImages + 1 };
    case 'photo-listed-dry-run':
      return { ...counters, totalImages: counters.totalImages + 1 };
    case 'photo-unchanged':
      return { ...counters, unchangedImages: counters.unchangedImages + 1 };
    case 'photos-removed':
      return { ...counters, removedImages: counters.removedImages + event.count };
    case 'photo-failed':
      return { ...counters, failedImages: counters.failedImages + 1 };
    case 'property-finished': {
      const status = STATUS_COUNTER[event.outcome.status];
      return {
        ...counters,
        [status]: counters[status] + 1,
        placeholderImages: counters.placeholderImages + event.outcome.placeholderImages,
      };
    }
    case 'property-started':
    case 'photos-listed':
      return counters;
  }
}

import type { ExtractionEvent, PropertyOutcome } from '@phx/core';

/** One photo of a property as an attempt saw it: stored (new or duplicate) or already recorded. */
type Sighting =
  { readonly kind: 'stored'; readonly sha256: string; readonly created: boolean } | { readonly kind: 'unchanged'; readonly sha256: string };

/**
 * The photos one attempt at a property saw, in the order its events came,
 * so a redone property can be counted as a clean run would have counted it.
 */
export class AttemptSightings {
  private readonly sightings: Sighting[] = [];

  /**
   * Notes a photo event of the attempt; other events are ignored.
   *
   * @param event - an event of the attempt
   */
  observe(event: ExtractionEvent): void {
    if (event.type === 'photo-stored') this.sightings.push({ kind: 'stored', sha256: event.sha256, created: event.created });
    else if (event.type === 'photo-unchanged') this.sightings.push({ kind: 'unchanged', sha256: event.sha256 });
  }

  /**
   * Counts the attempt's photos as one clean run of the job would have: a
   * photo whose record this job created (in an earlier attempt or run) is new
   * the first time this attempt sees its record and a duplicate after that;
   * other photos keep what the attempt said (duplicate or unchanged).
   *
   * @param outcome - the attempt's outcome
   * @param createdByJob - for each hash of the records the job created for the property, the record's canonical hash
   * @returns the outcome with `newImages`, `duplicateImages` and `unchangedImages` recounted
   */
  recount(outcome: PropertyOutcome, createdByJob: ReadonlyMap<string, string>): PropertyOutcome {
    const seenRecords = new Set<string>();
    let newImages = 0;
    let duplicateImages = 0;
    let unchangedImages = 0;
    for (const s of this.sightings) {
      const record = createdByJob.get(s.sha256);
      if (record !== undefined) {
        if (seenRecords.has(record)) duplicateImages += 1;
        else newImages += 1;
        seenRecords.add(record);
      } else if (s.kind === 'unchanged') unchangedImages += 1;
      else if (s.created) newImages += 1;
      else duplicateImages += 1;
    }
    return { ...outcome, newImages, duplicateImages, unchangedImages };
  }
}

/** Failures made by core from other failures: they carry no kind of their own (`NO_LISTING` is `NOT_FOUND`'s name in outcomes stored before it was renamed). */
const DERIVED_FAILURE_CODES: ReadonlySet<string> = new Set(['ALL_PHOTOS_FAILED', 'NO_PHOTOS', 'NOT_FOUND', 'NO_LISTING']);

/**
 * Tells whether a failed property is worth another attempt: some failure of
 * it is transient (a timeout, a network error, a crashed browser, HTTP
 * 429/5xx: `kind` `transient`), or unclassified (an error that is not a
 * `CoreError`, such as a lost database connection). Permanent failures
 * (listing gone, no photo data, invalid image) and bot walls (`blocked`: the
 * source's circuit breaker handles those) are not retried.
 *
 * @param outcome - the property's outcome
 * @returns `true` when the property failed and should be tried again
 */
export function isRetryableOutcome(outcome: PropertyOutcome): boolean {
  if (outcome.status !== 'failed') return false;
  if (outcome.failures.some((f) => f.kind === 'blocked')) return false;
  return outcome.failures.some((f) => f.kind === 'transient' || (f.kind === undefined && !DERIVED_FAILURE_CODES.has(f.code)));
}

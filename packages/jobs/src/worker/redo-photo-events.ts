import type { ExtractionEvent } from '@phx/core';

/**
 * Rewrites the photo events of a redone property (a retry, or the resume of
 * a property an earlier run of the job left unfinished) so the job's event
 * log and live counters tell what one clean run would have: a photo whose
 * record this job created in the earlier attempt is seen now as already
 * recorded (`photo-unchanged`), yet it is new to the job. So the first
 * sighting of such a record becomes `photo-stored` with `created: true`,
 * unless the job's log already announced it (then it is dropped: one
 * announcement per new photo), and later sightings become duplicates.
 * Photos the job did not create pass unchanged. Mirrors `AttemptSightings.recount`,
 * which counts the property's outcome the same way.
 */
export class RedoPhotoEvents {
  private readonly createdByJob: ReadonlyMap<string, string>;
  private readonly announced: Set<string>;
  private readonly seen = new Set<string>();

  /**
   * @param createdByJob - for each hash of the records the job created for the property, the record's canonical hash
   * @param announced - canonical hashes already announced as new photos of the job (from its log and this run);
   *   shared across the attempts of the run at the property, and added to here
   */
  constructor(createdByJob: ReadonlyMap<string, string>, announced: Set<string>) {
    this.createdByJob = createdByJob;
    this.announced = announced;
  }

  /**
   * Rewrites one event of the attempt.
   *
   * @param event - an event of the attempt
   * @returns the event to pass on, or `null` to drop it
   */
  rewrite(event: ExtractionEvent): ExtractionEvent | null {
    if (event.type !== 'photo-stored' && event.type !== 'photo-unchanged') return event;
    const record = this.createdByJob.get(event.sha256);
    if (record === undefined) {
      if (event.type === 'photo-stored' && event.created) this.announced.add(event.sha256);
      return event;
    }
    const { propertyId, source, photoId, sha256 } = event;
    if (this.seen.has(record)) return { type: 'photo-stored', propertyId, source, photoId, sha256, created: false };
    this.seen.add(record);
    if (this.announced.has(record)) return null;
    this.announced.add(record);
    return { type: 'photo-stored', propertyId, source, photoId, sha256: record as typeof sha256, created: true };
  }
}

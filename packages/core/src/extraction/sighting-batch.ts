import type { PhotoObservation, PhotoRepository } from '../ports/photo-repository.js';

/** Sightings a {@link SightingBatch} holds before it writes them on its own: about one listing's photos. */
export const DEFAULT_MAX_PENDING_SIGHTINGS = 100;

/**
 * Sightings of a property's known records (unchanged photos of a re-run)
 * held in memory and written together with `PhotoRepository.recordSightings`
 * (one bulk write in MongoDB), or one `recordPhoto` each when the repository
 * has no batch write. The extraction flushes it after each source's photos
 * settle, so before `markRemoved` and before the property's outcome exists;
 * a process killed before a flush loses only sightings of a property that
 * is then not finished, and is read again when the job resumes.
 */
export class SightingBatch {
  readonly #repository: PhotoRepository;
  readonly #maxPending: number;
  #pending: PhotoObservation[] = [];

  /**
   * @param repository - where the sightings go
   * @param maxPending - sightings held before `add` flushes on its own; integer ≥ 1, default {@link DEFAULT_MAX_PENDING_SIGHTINGS}
   */
  constructor(repository: PhotoRepository, maxPending = DEFAULT_MAX_PENDING_SIGHTINGS) {
    this.#repository = repository;
    this.#maxPending = Math.max(1, maxPending);
  }

  /** Sightings waiting to be written. */
  get size(): number {
    return this.#pending.length;
  }

  /**
   * Holds a sighting of a known record; writes the batch when it is full.
   *
   * @param observation - the sighting, with `recordKey` and without `sameAs`
   * @throws the repository's error when a flush it caused fails
   */
  async add(observation: PhotoObservation): Promise<void> {
    this.#pending.push(observation);
    if (this.#pending.length >= this.#maxPending) await this.flush();
  }

  /**
   * Writes the sightings held, in the order they were added. They leave the
   * batch before the write: after a failure they are not written again.
   *
   * @throws the repository's error when the write fails
   */
  async flush(): Promise<void> {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    if (this.#repository.recordSightings !== undefined) {
      await this.#repository.recordSightings(batch);
      return;
    }
    for (const observation of batch) await this.#repository.recordPhoto(observation);
  }
}

import type { ContentHash, PropertyId } from '../model/ids.js';
import type { PhotoObservation, PhotoRecord, PhotoRepository, RemovedPhotosQuery } from '../ports/photo-repository.js';
import { mergeSighting, newPhotoRecord } from './photo-record-merge.js';
import { compareGalleryOrder, isListedElsewhere } from './photo-record-merge.js';

/**
 * A {@link PhotoRepository} in process memory: the reference implementation
 * of the port (the MongoDB one in `@phx/jobs` passes the same contract
 * suite), for tests and in-process runs. One record per picture of a
 * property; sightings merge into it (see `mergeSighting`): sources, photo
 * ids, URLs and ETags once each in first-seen order, `firstSeenAt` the
 * earliest sighting and `lastSeenAt` the latest.
 *
 * @example
 * ```ts
 * import type { PhotoObservation } from '@phx/core';
 * declare const observation: PhotoObservation;
 * const repository = new MemoryPhotoRepository();
 * const { created } = await repository.recordPhoto(observation);
 * ```
 */
export class MemoryPhotoRepository implements PhotoRepository {
  readonly #records = new Map<PropertyId, { seq: number; record: PhotoRecord }[]>();
  #seq = 0;

  /** {@inheritDoc PhotoRepository.recordPhoto} */
  async recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    let records = this.#records.get(observation.propertyId);
    if (records === undefined) {
      records = [];
      this.#records.set(observation.propertyId, records);
    }
    // Synchronous read-modify-write: concurrent callers cannot interleave, so exactly one creates.
    const { recordKey } = observation;
    const byKey = recordKey === undefined ? undefined : records.find((e) => e.record.key === recordKey);
    const entry = byKey ?? records.find((e) => holds(e.record, observation.sha256, observation.sameAs));
    if (entry === undefined) {
      records.push({ seq: this.#seq++, record: newPhotoRecord(observation) });
      return { created: true };
    }
    entry.record = mergeSighting(entry.record, observation);
    return { created: false };
  }

  /** {@inheritDoc PhotoRepository.recordSightings} */
  async recordSightings(observations: readonly PhotoObservation[]): Promise<void> {
    for (const observation of observations) await this.recordPhoto(observation);
  }

  /** {@inheritDoc PhotoRepository.listPhotos} */
  async listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    const records = [...(this.#records.get(propertyId) ?? [])];
    const byGallery = compareGalleryOrder();
    records.sort((a, b) => byGallery(a.record, b.record) || a.seq - b.seq);
    return records.map((e) => structuredClone(e.record));
  }

  /** {@inheritDoc PhotoRepository.markRemoved} */
  async markRemoved(query: RemovedPhotosQuery): Promise<number> {
    let marked = 0;
    // Given the caller's records, the decision is made on them, as the MongoDB repository does.
    const known = query.records === undefined ? null : new Map(query.records.map((r) => [r.key ?? r.sha256, r]));
    for (const entry of this.#records.get(query.propertyId) ?? []) {
      const seen = known === null ? entry.record : known.get(entry.record.key ?? entry.record.sha256);
      if (seen === undefined || entry.record.removedAt !== null || isListedElsewhere(seen, query)) continue;
      entry.record = { ...entry.record, removedAt: new Date(query.removedAt) };
      marked += 1;
    }
    return marked;
  }
}

function holds(record: PhotoRecord, sha256: ContentHash, sameAs: ContentHash | undefined): boolean {
  const hashes = [record.sha256, ...record.duplicates.map((d) => d.sha256)];
  return hashes.includes(sha256) || (sameAs !== undefined && hashes.includes(sameAs));
}

import type { ContentHash, PropertyId } from '../model/ids.js';
import type { Source } from '../model/source.js';
import type { PhotoObservation, PhotoRecord, PhotoRepository } from '../ports/photo-repository.js';

interface MutableRecord {
  readonly seq: number;
  readonly base: Omit<PhotoRecord, 'sources' | 'photoIds' | 'urls' | 'firstSeenAt' | 'lastSeenAt'>;
  readonly sources: Source[];
  readonly photoIds: string[];
  readonly urls: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
}

function addOnce<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

function toRecord(r: MutableRecord): PhotoRecord {
  return {
    ...r.base,
    sources: [...r.sources],
    photoIds: [...r.photoIds],
    urls: [...r.urls],
    firstSeenAt: new Date(r.firstSeenAt),
    lastSeenAt: new Date(r.lastSeenAt),
  };
}

function newRecord(o: PhotoObservation, seq: number): MutableRecord {
  const { propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location } = o;
  return {
    seq,
    base: { propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location },
    sources: [o.source],
    photoIds: [o.photoId],
    urls: [o.url],
    firstSeenAt: new Date(o.seenAt),
    lastSeenAt: new Date(o.seenAt),
  };
}

/**
 * A {@link PhotoRepository} in process memory: the reference implementation
 * of the port (the MongoDB one in `@phx/jobs` passes the same contract
 * suite), for tests and in-process runs. One record per property and content
 * hash; sightings merge into it: sources, photo ids and URLs are kept once
 * each in first-seen order, `firstSeenAt` is the earliest sighting and
 * `lastSeenAt` the latest (neither moves the wrong way when sightings arrive
 * out of order). The image metadata stays that of the first sighting.
 *
 * @example
 * ```ts
 * const repository = new MemoryPhotoRepository();
 * const { created } = await repository.recordPhoto(observation);
 * ```
 */
export class MemoryPhotoRepository implements PhotoRepository {
  readonly #records = new Map<PropertyId, Map<ContentHash, MutableRecord>>();
  #seq = 0;

  /** {@inheritDoc PhotoRepository.recordPhoto} */
  async recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    let byHash = this.#records.get(observation.propertyId);
    if (byHash === undefined) {
      byHash = new Map();
      this.#records.set(observation.propertyId, byHash);
    }
    // Synchronous read-modify-write: concurrent callers cannot interleave, so exactly one creates.
    const existing = byHash.get(observation.sha256);
    if (existing === undefined) {
      byHash.set(observation.sha256, newRecord(observation, this.#seq++));
      return { created: true };
    }
    addOnce(existing.sources, observation.source);
    addOnce(existing.photoIds, observation.photoId);
    addOnce(existing.urls, observation.url);
    if (observation.seenAt < existing.firstSeenAt) existing.firstSeenAt = new Date(observation.seenAt);
    if (observation.seenAt > existing.lastSeenAt) existing.lastSeenAt = new Date(observation.seenAt);
    return { created: false };
  }

  /** {@inheritDoc PhotoRepository.listPhotos} */
  async listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    const records = [...(this.#records.get(propertyId)?.values() ?? [])];
    records.sort((a, b) => a.firstSeenAt.getTime() - b.firstSeenAt.getTime() || a.seq - b.seq);
    return records.map(toRecord);
  }
}

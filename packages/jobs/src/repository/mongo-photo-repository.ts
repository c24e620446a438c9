import { MongoServerError } from 'mongodb';
import type { Collection, Db, Filter, ObjectId, UpdateFilter } from 'mongodb';
import { UNKNOWN_PHOTO_SIZE, captionOf, compareGalleryOrder, isListedElsewhere, isPlaceholderTone, mergeSighting } from '@phx/core';
import type { PhotoSizeChoice } from '@phx/core';
import { KeyedWriteLock } from './keyed-write-lock.js';
import type { ContentHash, JobId, PhotoObservation, PhotoRecord, PhotoRepository, PropertyId, RemovedPhotosQuery } from '@phx/core';

/** Name of the collection of photo records. */
export const PHOTOS_COLLECTION = 'photos';

/** Fields of a {@link PhotoRecord} added by the photo pipeline after the first documents: older documents lack them (see `toPhotoRecord`). */
type LaterPhotoFields = 'perceptualHash' | 'tone' | 'placeholder' | 'size' | 'animated' | 'variants' | 'duplicates' | 'etags' | 'removedAt';

/**
 * A document of the `photos` collection: a core {@link PhotoRecord} plus the
 * ids of the jobs that saw it and a revision for optimistic updates. Unique
 * on `(propertyId, sha256)` (the canonical image's hash). Fields added by
 * the photo pipeline are optional so that older documents still read.
 */
export type PhotoDocument = Omit<PhotoRecord, LaterPhotoFields> &
  Partial<Pick<PhotoRecord, Exclude<LaterPhotoFields, 'size'>>> & {
    readonly _id?: ObjectId;
    /** Jobs that saw the photo (in-process runs without a job add none). */
    readonly jobIds: readonly JobId[];
    /** Which listed size is stored; `sizeDowngrade` is absent on documents written before it was recorded (read as `false`). */
    readonly size?: Omit<PhotoSizeChoice, 'sizeDowngrade'> & { readonly sizeDowngrade?: boolean };
    /** Incremented by every write; replacements check it. */
    readonly revision?: number;
  };

/** Options of {@link MongoPhotoRepository}. */
export interface MongoPhotoRepositoryOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /** Collection name; default {@link PHOTOS_COLLECTION}. */
  readonly collectionName?: string;
}

const MAX_WRITE_ATTEMPTS = 5;

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Core's {@link PhotoRepository} on MongoDB: one document per picture of a
 * property in the `photos` collection, unique on `(propertyId, sha256)`,
 * which makes it the authority on "new or duplicate".
 *
 * A sighting of known bytes is an upsert (`$setOnInsert` for the photo's
 * facts, `$addToSet` for where it was seen): of concurrent callers for one
 * key exactly one gets `created: true`; a racing upsert answered with a
 * duplicate-key error (E11000) is retried as the update it has become. A
 * `sameAs` sighting (another copy of a stored picture) is merged with core's
 * `mergeSighting` and written back with a revision check, retried when
 * another writer came first. Writes for one property run one after the other,
 * across processes too (a {@link KeyedWriteLock} per property, queued in
 * process first), because servers without atomic updates (FerretDB 1.x on
 * SQLite) would otherwise lose one of two concurrent updates, such as a
 * `$min` of `firstSeenAt`.
 *
 * @example
 * ```ts
 * import type { PhotoObservation } from '@phx/core';
 * import type { Db } from 'mongodb';
 * declare const db: Db, observation: PhotoObservation;
 * const photos = new MongoPhotoRepository({ db });
 * await photos.ensureIndexes();
 * const { created } = await photos.recordPhoto(observation);
 * ```
 */
export class MongoPhotoRepository implements PhotoRepository {
  private readonly collection: Collection<PhotoDocument>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly writeLock: KeyedWriteLock;

  /**
   * @param options - database and collection name
   */
  constructor(options: MongoPhotoRepositoryOptions) {
    this.collection = options.db.collection<PhotoDocument>(options.collectionName ?? PHOTOS_COLLECTION);
    this.writeLock = new KeyedWriteLock({ db: options.db });
  }

  /**
   * Creates the unique `(propertyId, sha256)` index that `recordPhoto` relies
   * on. Call once before the first `recordPhoto`. Idempotent.
   */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ propertyId: 1, sha256: 1 }, { unique: true, name: 'propertyId_sha256_unique' });
  }

  /**
   * Creates the record of a photo, or adds the sighting (source, photo id,
   * URL, ETag, job) to the record of the same bytes or, with `sameAs`, of
   * the same picture, moving `lastSeenAt` and clearing `removedAt`.
   *
   * @param observation - the sighting
   * @returns `created: true` when this call created the record
   * @throws the driver's error when MongoDB fails otherwise
   */
  recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    return this.serialised(observation.propertyId, () =>
      observation.sameAs === undefined ? this.recordBytes(observation) : this.recordSamePicture(observation, observation.sameAs),
    );
  }

  /**
   * Lists the records of a property in gallery order (`compareGalleryOrder`).
   *
   * @param propertyId - the property
   * @returns its records with their store locations; empty when none
   */
  async listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    const docs = await this.collection.find({ propertyId }).sort({ firstSeenAt: 1, _id: 1 }).toArray();
    return docs.map(toPhotoRecord).sort(compareGalleryOrder());
  }

  /**
   * Marks the records a complete re-run no longer saw as removed; see
   * `PhotoRepository.markRemoved`.
   *
   * @param query - property, sources read, photo ids listed, date
   * @returns how many records were newly marked removed
   */
  markRemoved(query: RemovedPhotosQuery): Promise<number> {
    return this.serialised(query.propertyId, async () => {
      const docs = await this.collection.find({ propertyId: query.propertyId }).toArray();
      const gone = docs.filter((d) => (d.removedAt ?? null) === null && !isListedElsewhere(toPhotoRecord(d), query));
      if (gone.length === 0) return 0;
      const ids = gone.map((d) => d._id).filter((id): id is ObjectId => id !== undefined);
      const result = await this.collection.updateMany(
        { _id: { $in: ids } },
        { $set: { removedAt: query.removedAt }, $inc: { revision: 1 } },
      );
      return result.modifiedCount;
    });
  }

  private async serialised<T>(propertyId: PropertyId, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(propertyId) ?? Promise.resolve();
    const key = `${this.collection.collectionName}:${propertyId}`;
    const next = previous.catch(() => undefined).then(() => this.writeLock.withLock(key, work));
    this.inFlight.set(propertyId, next);
    try {
      return await next;
    } finally {
      if (this.inFlight.get(propertyId) === next) this.inFlight.delete(propertyId);
    }
  }

  /** A sighting of bytes that are the record's canonical image or one of its duplicates, or a new picture. */
  private async recordBytes(o: PhotoObservation): Promise<{ readonly created: boolean }> {
    const seen = sightingUpdate(o);
    const asDuplicate = await this.collection.updateOne({ propertyId: o.propertyId, 'duplicates.sha256': o.sha256 }, seen);
    if (asDuplicate.matchedCount > 0) return { created: false };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.collection.updateOne(
          { propertyId: o.propertyId, sha256: o.sha256 },
          { ...seen, $setOnInsert: insertedFacts(o) },
          { upsert: true },
        );
        return { created: result.upsertedCount === 1 };
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** A sighting of another copy of a stored picture: merged in memory, written back if nobody wrote in between. */
  private async recordSamePicture(o: PhotoObservation, sameAs: ContentHash): Promise<{ readonly created: boolean }> {
    const hashes = [...new Set([o.sha256, sameAs])];
    const filter: Filter<PhotoDocument> = {
      propertyId: o.propertyId,
      $or: [{ sha256: { $in: hashes } }, { 'duplicates.sha256': { $in: hashes } }],
    };
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const doc = await this.collection.findOne(filter);
      if (doc === null || doc._id === undefined) return this.recordBytes(withoutSameAs(o));
      const merged = mergeSighting(toPhotoRecord(doc), o);
      const jobIds = o.jobId === null || doc.jobIds.includes(o.jobId) ? doc.jobIds : [...doc.jobIds, o.jobId];
      const revision = doc.revision ?? 0;
      const result = await this.collection.replaceOne(
        { _id: doc._id, ...(doc.revision === undefined ? { revision: { $exists: false } } : { revision }) },
        { ...merged, jobIds, revision: revision + 1 },
      );
      if (result.matchedCount === 1) return { created: false };
    }
    throw new Error(
      `photo record of ${o.propertyId} kept changing while merging ${o.sha256}; gave up after ${MAX_WRITE_ATTEMPTS} attempts`,
    );
  }
}

function withoutSameAs(o: PhotoObservation): PhotoObservation {
  const copy: { -readonly [K in keyof PhotoObservation]: PhotoObservation[K] } = { ...o };
  delete copy.sameAs;
  delete copy.stored;
  return copy;
}

function sightingUpdate(o: PhotoObservation): UpdateFilter<PhotoDocument> {
  return {
    $addToSet: {
      sources: o.source,
      photoIds: o.photoId,
      urls: o.url,
      ...(o.jobId === null ? {} : { jobIds: o.jobId }),
      ...(o.etag === null || o.etag === undefined ? {} : { etags: o.etag }),
    },
    $min: { firstSeenAt: o.seenAt },
    $max: { lastSeenAt: o.seenAt },
    $set: {
      removedAt: null,
      ...(o.gallery === undefined ? {} : { [`gallery.${o.source}`]: { position: o.gallery.position, caption: o.gallery.caption } }),
    },
    $inc: { revision: 1 },
  };
}

function insertedFacts(o: PhotoObservation): Partial<PhotoDocument> {
  return {
    format: o.format,
    widthPx: o.widthPx,
    heightPx: o.heightPx,
    byteLength: o.byteLength,
    fileName: o.fileName,
    location: o.location,
    perceptualHash: o.perceptualHash ?? null,
    tone: o.tone ?? null,
    placeholder: o.tone !== null && o.tone !== undefined && isPlaceholderTone(o.tone),
    size: { ...UNKNOWN_PHOTO_SIZE, ...o.size },
    animated: o.animated ?? false,
    variants: [...(o.variants ?? [])],
    duplicates: [],
  };
}

function toPhotoRecord(doc: PhotoDocument): PhotoRecord {
  return {
    propertyId: doc.propertyId,
    sha256: doc.sha256,
    format: doc.format,
    widthPx: doc.widthPx,
    heightPx: doc.heightPx,
    byteLength: doc.byteLength,
    fileName: doc.fileName,
    location: doc.location,
    sources: doc.sources,
    photoIds: doc.photoIds,
    urls: doc.urls,
    firstSeenAt: doc.firstSeenAt,
    lastSeenAt: doc.lastSeenAt,
    perceptualHash: doc.perceptualHash ?? null,
    tone: doc.tone ?? null,
    placeholder: doc.placeholder ?? false,
    size: { ...UNKNOWN_PHOTO_SIZE, ...doc.size },
    animated: doc.animated ?? false,
    variants: doc.variants ?? [],
    duplicates: doc.duplicates ?? [],
    etags: doc.etags ?? [],
    removedAt: doc.removedAt ?? null,
    ...(doc.gallery === undefined ? {} : { gallery: doc.gallery, caption: captionOf(doc.sources, doc.gallery) }),
  };
}

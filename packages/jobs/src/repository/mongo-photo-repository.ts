import { MongoServerError } from 'mongodb';
import type { Collection, Db, ObjectId } from 'mongodb';
import type { ContentHash, JobId, PhotoObservation, PhotoRecord, PhotoRepository, PropertyId, Source } from '@phx/core';

/** Name of the collection of photo records. */
export const PHOTOS_COLLECTION = 'photos';

/**
 * A document of the `photos` collection: a core {@link PhotoRecord} plus the
 * ids of the jobs that saw it. Unique on `(propertyId, sha256)`.
 */
export interface PhotoDocument {
  readonly _id?: ObjectId;
  readonly propertyId: PropertyId;
  readonly sha256: ContentHash;
  readonly format: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly byteLength: number;
  readonly fileName: string;
  readonly location: string;
  readonly sources: Source[];
  readonly photoIds: string[];
  readonly urls: string[];
  /** Jobs that saw the photo (in-process runs without a job add none). */
  readonly jobIds: JobId[];
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
}

/** Options of {@link MongoPhotoRepository}. */
export interface MongoPhotoRepositoryOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /** Collection name; default {@link PHOTOS_COLLECTION}. */
  readonly collectionName?: string;
}

const MAX_UPSERT_ATTEMPTS = 3;

/**
 * Core's {@link PhotoRepository} on MongoDB: one document per stored photo of a
 * property in the `photos` collection, unique on `(propertyId, sha256)`, which
 * makes it the authority on "new or duplicate".
 *
 * `recordPhoto` is an upsert (`$setOnInsert` for the photo's facts, `$addToSet`
 * for where it was seen): of concurrent callers for one key exactly one gets
 * `created: true`. MongoDB may answer a racing upsert with a duplicate-key error
 * (E11000); the call is then retried as the update it has become. Calls for the
 * same key from this process are also run one after the other, because servers
 * without atomic updates (FerretDB 1.x on SQLite) would otherwise lose one
 * `$addToSet` of two concurrent ones.
 *
 * @example
 * ```ts
 * const photos = new MongoPhotoRepository({ db });
 * await photos.ensureIndexes();
 * const { created } = await photos.recordPhoto(observation);
 * ```
 */
export class MongoPhotoRepository implements PhotoRepository {
  private readonly collection: Collection<PhotoDocument>;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /**
   * @param options - database and collection name
   */
  constructor(options: MongoPhotoRepositoryOptions) {
    this.collection = options.db.collection<PhotoDocument>(options.collectionName ?? PHOTOS_COLLECTION);
  }

  /**
   * Creates the unique `(propertyId, sha256)` index that `recordPhoto` relies
   * on. Call once before the first `recordPhoto`. Idempotent.
   */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ propertyId: 1, sha256: 1 }, { unique: true, name: 'propertyId_sha256_unique' });
  }

  /**
   * Creates the record of a photo, or adds the source, photo id, URL and job to
   * the existing one and moves `lastSeenAt`.
   *
   * @param observation - the sighting
   * @returns `created: true` when this call created the record
   * @throws the driver's error when MongoDB fails otherwise
   */
  async recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    const key = `${observation.propertyId}\u0000${observation.sha256}`;
    const previous = this.inFlight.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.upsert(observation));
    this.inFlight.set(key, next);
    try {
      return await next;
    } finally {
      if (this.inFlight.get(key) === next) this.inFlight.delete(key);
    }
  }

  /**
   * Lists the records of a property, oldest first.
   *
   * @param propertyId - the property
   * @returns its records with their store locations; empty when none
   */
  async listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    const docs = await this.collection.find({ propertyId }).sort({ firstSeenAt: 1, _id: 1 }).toArray();
    return docs.map(toPhotoRecord);
  }

  private async upsert(o: PhotoObservation): Promise<{ readonly created: boolean }> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await this.collection.updateOne(
          { propertyId: o.propertyId, sha256: o.sha256 },
          {
            $setOnInsert: {
              format: o.format,
              widthPx: o.widthPx,
              heightPx: o.heightPx,
              byteLength: o.byteLength,
              fileName: o.fileName,
              location: o.location,
            },
            $addToSet: {
              sources: o.source,
              photoIds: o.photoId,
              urls: o.url,
              ...(o.jobId === null ? {} : { jobIds: o.jobId }),
            },
            $min: { firstSeenAt: o.seenAt },
            $max: { lastSeenAt: o.seenAt },
          },
          { upsert: true },
        );
        return { created: result.upsertedCount === 1 };
      } catch (error) {
        const duplicate = error instanceof MongoServerError && error.code === 11000;
        if (!duplicate || attempt >= MAX_UPSERT_ATTEMPTS) throw error;
      }
    }
  }
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
  };
}

import { MongoServerError, ObjectId } from 'mongodb';
import type { AnyBulkWriteOperation, Collection, Db, Filter, UpdateFilter } from 'mongodb';
import {
  UNKNOWN_PHOTO_SIZE,
  captionOf,
  compareGalleryOrder,
  isListedElsewhere,
  mergeSighting,
  newPhotoRecord,
  photoRecordKey,
} from '@phx/core';
import type { Logger, PhotoSizeChoice } from '@phx/core';
import { noopLogger } from '@phx/core';
import { KeyedWriteLock } from './keyed-write-lock.js';
import { PHOTOS_COLLECTION, moveIntoPartitions, photoCollectionName } from './photo-partitions.js';
import { withJobId } from './document-bounds.js';
import type { ContentHash, JobId, PhotoObservation, PhotoRecord, PhotoRepository, PropertyId, RemovedPhotosQuery } from '@phx/core';

export { PHOTOS_COLLECTION };

/** Fields of a {@link PhotoRecord} added by the photo pipeline after the first documents: older documents lack them (see `toPhotoRecord`). */
type LaterPhotoFields = 'perceptualHash' | 'tone' | 'placeholder' | 'size' | 'animated' | 'variants' | 'duplicates' | 'etags' | 'removedAt';

/**
 * A document of a partition of the photo records (`photos.0000` …, see
 * `photoCollectionName`): a core {@link PhotoRecord} plus the
 * ids of the jobs that saw it and a revision for optimistic updates. Its
 * `_id` is the record's key, `<propertyId>:<sha256>` of the bytes it was
 * created with (`photoRecordKey`), kept when a better version becomes the
 * canonical image; documents written before keys have an ObjectId. Unique
 * on `(propertyId, sha256)` too (the canonical image's hash). Fields added
 * by the photo pipeline are optional so that older documents still read.
 */
export type PhotoDocument = Omit<PhotoRecord, LaterPhotoFields> &
  Partial<Pick<PhotoRecord, Exclude<LaterPhotoFields, 'size'>>> & {
    readonly _id?: string | ObjectId;
    /**
     * The job that created the record first (what `JobPhotoCensus` reads), then the jobs whose better copies merged into
     * it, at most `MAX_PHOTO_SIGHTINGS` (see `withJobId`); a sighting of known bytes adds none (a nightly schedule would
     * add one id a night). Documents written before this may list every job that saw the photo. In-process runs
     * without a job add none; absent on such documents written before keys.
     */
    readonly jobIds?: readonly JobId[];
    /** Which listed size is stored; `sizeDowngrade` is absent on documents written before it was recorded (read as `false`). */
    readonly size?: Omit<PhotoSizeChoice, 'sizeDowngrade'> & { readonly sizeDowngrade?: boolean };
    /** Incremented by every write; replacements check it. */
    readonly revision?: number;
  };

/** Options of {@link MongoPhotoRepository}. */
export interface MongoPhotoRepositoryOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /**
   * Name the partitions are named after (`<collectionName>.0000` …) and of the single collection of earlier versions
   * that `ensureIndexes` empties into them; default {@link PHOTOS_COLLECTION}.
   */
  readonly collectionName?: string;
  /** Where `ensureIndexes` says how many records it moved out of the single collection of earlier versions; default none. */
  readonly logger?: Logger;
}

const MAX_WRITE_ATTEMPTS = 5;

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Core's {@link PhotoRepository} on MongoDB: one document per picture of a
 * property in the property's partition of the photo records
 * (`photoCollectionName`: one of `PHOTO_COLLECTION_PARTITIONS` collections,
 * `photos.0000` … `photos.1023`), keyed `<propertyId>:<sha256>` and unique on
 * `(propertyId, sha256)`, which makes it the authority on "new or duplicate".
 * Every read and write names one property, so it touches one partition. The
 * unique index of a partition is made before this repository's first write
 * there (once per repository; a failure is tried again at the next write), so
 * a partition no property uses is never created.
 *
 * Writes, by what the caller knows (see `PhotoObservation`):
 * - a new picture (`newPicture`): one `insertOne`, no lock and no read; a
 *   duplicate-key error (another writer made the record at the same moment)
 *   falls back to the locked sighting below, answering `created: false`;
 * - sightings of known records (`recordKey`, batched by `recordSightings`):
 *   one `bulkWrite` of updates by `_id` per batch, under the property's lock;
 * - other sightings of bytes: updates by hash, then an insert, under the lock;
 * - a `sameAs` sighting (another copy of a stored picture): read by key,
 *   merged with core's `mergeSighting` and written back with a revision check.
 *
 * The lock ({@link KeyedWriteLock} per property, queued in process first) is
 * kept for every update, not for inserts: FerretDB 1.x on SQLite applies two
 * concurrent updates of one document non-atomically and can lose one (a
 * `$min` of `firstSeenAt`, an `$addToSet`), which happens when two jobs with
 * the same property run on two workers; an insert either creates the whole
 * document or fails on the unique key. FerretDB 1.24 uses no index to read:
 * a find or update, even by `_id`, scans the collection it reads, which is
 * why the records are partitioned: it scans the property's partition, about
 * 1/1,024 of the records. On MongoDB every path is an index lookup.
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
  private readonly db: Db;
  private readonly baseName: string;
  private readonly logger: Logger;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly writeLock: KeyedWriteLock;
  /** Partitions whose unique index this repository made (or is making), by name. */
  private readonly indexed = new Map<string, Promise<void>>();

  /**
   * @param options - database, collection name and logger
   */
  constructor(options: MongoPhotoRepositoryOptions) {
    this.db = options.db;
    this.baseName = options.collectionName ?? PHOTOS_COLLECTION;
    this.logger = options.logger ?? noopLogger;
    this.writeLock = new KeyedWriteLock({ db: options.db });
  }

  /**
   * Readies the store for `recordPhoto`: moves the records of the single
   * `photos` collection of earlier versions, if any, into their partitions
   * (with their `_id`s, ObjectIds included; crash-safe and idempotent: see
   * `moveIntoPartitions`), logging how many moved; the old collection is
   * gone afterwards. The unique `(propertyId, sha256)` index of each
   * partition is made before the first write there, not here. Call once at
   * start-up; a record a process of an earlier version writes to the old
   * collection later is moved at the next call. Idempotent; on a database
   * without the old collection, one read.
   *
   * @returns how many records moved out of the old collection (0 once it is gone)
   * @throws the driver's error when MongoDB fails; what was copied stays, the rest moves at the next call
   */
  async ensureIndexes(): Promise<{ readonly movedLegacyRecords: number }> {
    const { moved, unplaced } = await moveIntoPartitions(this.db, this.baseName, async (propertyId) =>
      this.db.collection((await this.partitionForWrites(propertyId)).collectionName),
    );
    const context = { collection: this.baseName, moved, unplaced };
    if (moved > 0) this.logger.info(context, 'photo records moved from the old single collection into their partitions');
    if (unplaced > 0) this.logger.warn(context, `photo records without a property id kept in ${this.baseName}_unplaced`);
    return { movedLegacyRecords: moved };
  }

  /** The partition of a property's records, for reads. */
  private partition(propertyId: string): Collection<PhotoDocument> {
    return this.db.collection<PhotoDocument>(photoCollectionName(propertyId, this.baseName));
  }

  /** The partition of a property's records once its unique index is made (by this repository, once; a failure is not kept). */
  private async partitionForWrites(propertyId: string): Promise<Collection<PhotoDocument>> {
    const collection = this.partition(propertyId);
    const name = collection.collectionName;
    let made = this.indexed.get(name);
    if (made === undefined) {
      made = collection.createIndex({ propertyId: 1, sha256: 1 }, { unique: true, name: 'propertyId_sha256_unique' }).then(
        () => undefined,
        (error: unknown) => {
          this.indexed.delete(name);
          throw error;
        },
      );
      this.indexed.set(name, made);
    }
    await made;
    return collection;
  }

  /**
   * Creates the record of a photo, or adds the sighting (source, photo id,
   * URL, ETag, job) to the record of the same bytes or, with `sameAs`, of
   * the same picture, moving `lastSeenAt` and clearing `removedAt`. A
   * `newPicture` sighting is one insert; see the class for the other paths.
   *
   * @param observation - the sighting
   * @returns `created: true` when this call created the record
   * @throws the driver's error when MongoDB fails otherwise
   */
  async recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    const { sameAs } = observation;
    if (sameAs !== undefined) return this.serialised(observation.propertyId, () => this.recordSamePicture(observation, sameAs));
    if (observation.newPicture === true) {
      try {
        await (await this.partitionForWrites(observation.propertyId)).insertOne(newDocument(observation));
        return { created: true };
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
    return this.serialised(observation.propertyId, () => this.recordBytes(observation));
  }

  /**
   * Records sightings of known records: those with a `recordKey` (and no
   * `sameAs`) as one `bulkWrite` of updates by `_id` per property, under the
   * property's lock (three round trips whatever the count); the others, and
   * any whose key named no document, as `recordPhoto` would.
   *
   * @param observations - sightings, normally of one property's known records
   * @throws the driver's error when MongoDB fails; sightings written before stay written
   */
  async recordSightings(observations: readonly PhotoObservation[]): Promise<void> {
    const byProperty = new Map<PropertyId, PhotoObservation[]>();
    for (const o of observations) byProperty.set(o.propertyId, [...(byProperty.get(o.propertyId) ?? []), o]);
    for (const [propertyId, batch] of byProperty) {
      await this.serialised(propertyId, async () => {
        const keyed = batch.filter((o) => o.recordKey !== undefined && o.sameAs === undefined);
        const collection = await this.partitionForWrites(propertyId);
        const result = keyed.length === 0 ? null : await collection.bulkWrite(keyed.map(keyedSighting));
        // A key that named no document (an unusual record) is found by hash; the updates repeat harmlessly.
        const again = result === null || result.matchedCount === keyed.length ? [] : keyed;
        for (const o of [...batch.filter((o) => !keyed.includes(o)), ...again]) {
          if (o.sameAs === undefined) await this.recordBytes(o);
          else await this.recordSamePicture(o, o.sameAs);
        }
      });
    }
  }

  /**
   * Lists the records of a property in gallery order (`compareGalleryOrder`),
   * each with its `key` (the document's `_id`; an ObjectId as 24 hex digits).
   *
   * @param propertyId - the property
   * @returns its records with their store locations; empty when none
   */
  async listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]> {
    const docs = await this.partition(propertyId).find({ propertyId }).sort({ firstSeenAt: 1, _id: 1 }).toArray();
    return docs.map(toPhotoRecord).sort(compareGalleryOrder());
  }

  /**
   * Marks the records a complete re-run no longer saw as removed; see
   * `PhotoRepository.markRemoved`. With `query.records`, decides on them
   * (no read, and no write at all when none is gone) and updates the gone
   * ones by key; without, reads the property's records first.
   *
   * @param query - property, sources read, photo ids listed, date, and optionally the records
   * @returns how many records were newly marked removed
   */
  async markRemoved(query: RemovedPhotosQuery): Promise<number> {
    const goneHeld = query.records?.filter((r) => r.removedAt === null && !isListedElsewhere(r, query));
    if (goneHeld?.length === 0) return 0;
    return this.serialised(query.propertyId, async () => {
      const collection = await this.partitionForWrites(query.propertyId);
      const gone =
        goneHeld ??
        (await collection.find({ propertyId: query.propertyId }).toArray())
          .map(toPhotoRecord)
          .filter((r) => r.removedAt === null && !isListedElsewhere(r, query));
      if (gone.length === 0) return 0;
      const result = await collection.bulkWrite(
        gone.map((r) => ({
          updateOne: {
            filter: { ...recordFilter(r), removedAt: null },
            update: { $set: { removedAt: query.removedAt }, $inc: { revision: 1 } },
          },
        })),
      );
      return result.modifiedCount;
    });
  }

  private async serialised<T>(propertyId: PropertyId, work: () => Promise<T>): Promise<T> {
    const previous = this.inFlight.get(propertyId) ?? Promise.resolve();
    // The key of the single collection of earlier versions: a process of an earlier version takes the same lock.
    const key = `${this.baseName}:${propertyId}`;
    const next = previous.catch(() => undefined).then(() => this.writeLock.withLock(key, work));
    this.inFlight.set(propertyId, next);
    try {
      return await next;
    } finally {
      if (this.inFlight.get(propertyId) === next) this.inFlight.delete(propertyId);
    }
  }

  /**
   * A sighting of bytes that are a record's canonical image or one of its
   * duplicates (by key first when given), or a new picture. Runs under the lock.
   */
  private async recordBytes(o: PhotoObservation): Promise<{ readonly created: boolean }> {
    const collection = await this.partitionForWrites(o.propertyId);
    const seen = sightingUpdate(o);
    const filters: Filter<PhotoDocument>[] = [
      ...(o.recordKey === undefined ? [] : [byKey(o.propertyId, o.recordKey)]),
      { propertyId: o.propertyId, sha256: o.sha256 },
      { propertyId: o.propertyId, 'duplicates.sha256': o.sha256 },
    ];
    for (let attempt = 1; ; attempt += 1) {
      for (const filter of filters) {
        if ((await collection.updateOne(filter, seen)).matchedCount > 0) return { created: false };
      }
      try {
        await collection.insertOne(newDocument(o));
        return { created: true };
      } catch (error) {
        // A new-picture insert (which takes no lock) came first: it is an update now.
        if (!isDuplicateKey(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** A sighting of another copy of a stored picture: merged in memory, written back if nobody wrote in between. Runs under the lock. */
  private async recordSamePicture(o: PhotoObservation, sameAs: ContentHash): Promise<{ readonly created: boolean }> {
    const hashes = [...new Set([o.sha256, sameAs])];
    const byHash: Filter<PhotoDocument> = {
      propertyId: o.propertyId,
      $or: [{ sha256: { $in: hashes } }, { 'duplicates.sha256': { $in: hashes } }],
    };
    const collection = await this.partitionForWrites(o.propertyId);
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt += 1) {
      const keyed = o.recordKey === undefined ? null : await collection.findOne(byKey(o.propertyId, o.recordKey));
      const doc = keyed ?? (await collection.findOne(byHash));
      if (doc === null || doc._id === undefined) return this.recordBytes(withoutSameAs(o));
      const jobIds = withJobId(doc.jobIds ?? [], o.jobId);
      const revision = doc.revision ?? 0;
      const result = await collection.replaceOne(
        { _id: doc._id, ...(doc.revision === undefined ? { revision: { $exists: false } } : { revision }) },
        toDocument(mergeSighting(toPhotoRecord(doc), o), jobIds, revision + 1),
      );
      if (result.matchedCount === 1) return { created: false };
    }
    throw new Error(
      `photo record of ${o.propertyId} kept changing while merging ${o.sha256}; gave up after ${MAX_WRITE_ATTEMPTS} attempts`,
    );
  }
}

/**
 * The filter of the document a record key names: `_id` alone, the one
 * filter FerretDB 1.24 hands to SQLite (with `propertyId` beside it, it
 * reads every document). A 24-hex-digit key is a document written before
 * keys (an ObjectId); a string key of another property names nothing.
 */
function byKey(propertyId: PropertyId, key: string): Filter<PhotoDocument> {
  if (/^[0-9a-f]{24}$/.test(key)) return { _id: new ObjectId(key) };
  return key.startsWith(`${propertyId}:`) ? { _id: key } : { _id: { $in: [] } };
}

/** A filter naming one record: by key, or by canonical hash for a record without one. */
function recordFilter(r: PhotoRecord): Filter<PhotoDocument> {
  return r.key === undefined ? { propertyId: r.propertyId, sha256: r.sha256 } : byKey(r.propertyId, r.key);
}

function keyedSighting(o: PhotoObservation): AnyBulkWriteOperation<PhotoDocument> {
  return { updateOne: { filter: byKey(o.propertyId, o.recordKey as string), update: sightingUpdate(o) } };
}

/** The fields of a record's document (without `_id`, which never changes): no key, no derived caption. */
function toDocument(record: PhotoRecord, jobIds: readonly JobId[], revision: number): PhotoDocument {
  const { key, caption, ...fields } = record;
  return { ...fields, jobIds, revision };
}

/** The document of a new record, keyed `<propertyId>:<sha256>`. */
function newDocument(o: PhotoObservation): PhotoDocument {
  return { _id: photoRecordKey(o.propertyId, o.sha256), ...toDocument(newPhotoRecord(o), o.jobId === null ? [] : [o.jobId], 1) };
}

function withoutSameAs(o: PhotoObservation): PhotoObservation {
  const copy: { -readonly [K in keyof PhotoObservation]: PhotoObservation[K] } = { ...o };
  delete copy.sameAs;
  delete copy.stored;
  return copy;
}

function sightingUpdate(o: PhotoObservation): UpdateFilter<PhotoDocument> {
  // Lists the caller gives whole (adding would pass MAX_PHOTO_SIGHTINGS) are set, not added to.
  const whole = o.replaceLists ?? {};
  const added = {
    photoIds: o.photoId,
    urls: o.url,
    ...(o.etag === null || o.etag === undefined ? {} : { etags: o.etag }),
  };
  return {
    $addToSet: {
      sources: o.source,
      ...Object.fromEntries(Object.entries(added).filter(([list]) => !(list in whole))),
    },
    $min: { firstSeenAt: o.seenAt },
    $max: { lastSeenAt: o.seenAt },
    $set: {
      ...whole,
      removedAt: null,
      ...(o.gallery === undefined ? {} : { [`gallery.${o.source}`]: { position: o.gallery.position, caption: o.gallery.caption } }),
    },
    $inc: { revision: 1 },
  };
}

function toPhotoRecord(doc: PhotoDocument): PhotoRecord {
  return {
    ...(doc._id === undefined ? {} : { key: typeof doc._id === 'string' ? doc._id : doc._id.toHexString() }),
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

import { createHash } from 'node:crypto';
import { MongoBulkWriteError } from 'mongodb';
import type { Collection, Db, Document, Filter } from 'mongodb';
import type { PhotoDocument } from './mongo-photo-repository.js';

/** Name of the single collection of photo records of earlier versions, and the stem of its partitions' names (`photos.0417`). */
export const PHOTOS_COLLECTION = 'photos';

/**
 * How many collections the photo records are spread over, by property
 * (`photos.0000` … `photos.1023`; see {@link photoCollectionName}). Every
 * read and write of a photo record names one property, so it touches one
 * partition only. Why: FerretDB 1.24 (SQLite) uses no index to read, so a
 * find or update, even by `_id`, costs the size of the collection it reads;
 * with the records of 50,000 photos in one collection a `find` by
 * `propertyId` took 2.9 s and an update by `_id` 0.4 s, spread over 1,024
 * collections 10 ms and 3.5 ms. A partition holds about total / 1,024
 * records. On MongoDB, where those are index lookups, it changes nothing.
 *
 * A constant, not a setting: processes that disagreed on it would look for
 * a property's records in different collections. Changing it needs a move of
 * every record (as `MongoPhotoRepository.ensureIndexes` does for the single
 * collection of earlier versions).
 */
export const PHOTO_COLLECTION_PARTITIONS = 1024;

/** Digits of a partition's number in its name: enough for {@link PHOTO_COLLECTION_PARTITIONS} - 1. */
const PARTITION_DIGITS = String(PHOTO_COLLECTION_PARTITIONS - 1).length;

/**
 * The collection holding a property's photo records: `<base>.<n>`, `n` the
 * first 4 bytes of the SHA-1 of the property id (UTF-8) read as an unsigned
 * big-endian integer, modulo {@link PHOTO_COLLECTION_PARTITIONS}, zero-padded
 * to 4 digits. Stable across processes, versions and platforms (see the
 * constant for why the records are partitioned).
 *
 * @param propertyId - the property id (core's `PropertyId`, or any string)
 * @param base - the collection name the partitions are named after; default `photos`
 * @returns e.g. `photos.0417`
 *
 * @example
 * ```ts
 * import { toPropertyId } from '@phx/core';
 * const name: string = photoCollectionName(toPropertyId('1 Main St, Phoenix, AZ 85001'));
 * ```
 */
export function photoCollectionName(propertyId: string, base: string = PHOTOS_COLLECTION): string {
  const n = createHash('sha1').update(propertyId, 'utf8').digest().readUInt32BE(0) % PHOTO_COLLECTION_PARTITIONS;
  return partitionName(base, n);
}

/**
 * The names of every partition of the photo records, in order, whether or
 * not the database holds them yet (a partition is created by the first write
 * of one of its properties).
 *
 * @param base - the collection name the partitions are named after; default `photos`
 * @returns {@link PHOTO_COLLECTION_PARTITIONS} names, `<base>.0000` first
 */
export function photoCollectionNames(base: string = PHOTOS_COLLECTION): readonly string[] {
  return Array.from({ length: PHOTO_COLLECTION_PARTITIONS }, (_, n) => partitionName(base, n));
}

function partitionName(base: string, n: number): string {
  return `${base}.${String(n).padStart(PARTITION_DIGITS, '0')}`;
}

/**
 * Reads the photo records of any properties: every partition the database
 * holds, one `find` each (on FerretDB a scan of every record). For tools,
 * tests and maintenance that look across properties; `MongoPhotoRepository`
 * reads one property's partition.
 *
 * @param db - the database of the photo records
 * @param filter - a filter on the records, e.g. `{ jobIds: jobId }`; default all
 * @param base - the collection name the partitions are named after; default `photos`
 * @returns the matching records, partition by partition (no other order)
 * @throws the driver's error when MongoDB cannot be read
 */
export async function findPhotoDocuments(
  db: Db,
  filter: Filter<PhotoDocument> = {},
  base: string = PHOTOS_COLLECTION,
): Promise<PhotoDocument[]> {
  const partitions = new Set(photoCollectionNames(base));
  const held = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((name) => partitions.has(name));
  const found = await Promise.all(held.sort().map((name) => db.collection<PhotoDocument>(name).find(filter).toArray()));
  return found.flat();
}

/** Legacy documents copied per round: one `deleteMany` (a scan of the legacy collection on FerretDB) per this many. */
const MOVE_BATCH = 1_000;

/**
 * Moves the documents of a collection into per-property partitions, crash-safe
 * and idempotent: each batch is copied (`insertMany`, unordered; a duplicate
 * key means the copy is there already, from an earlier attempt, or the
 * partition holds a record of the same bytes written since) and then deleted
 * from the source by `_id`; the source is dropped when nothing is left in it.
 * An interrupted move leaves some documents in both places: the next one
 * deletes them. Documents without a string `propertyId` cannot be placed:
 * they stay, and so does the source.
 *
 * @param source - the single collection of earlier versions
 * @param partitionFor - the partition of a property, ready for inserts (its unique index made)
 * @returns how many documents left the source (`moved`) and how many stay in it (`left`)
 * @throws the driver's error when a read, an insert (other than a duplicate key) or a delete fails; what was moved stays moved
 */
export async function movePartitionedDocuments(
  source: Collection<Document>,
  partitionFor: (propertyId: string) => Promise<Collection<Document>>,
): Promise<{ readonly moved: number; readonly left: number }> {
  const copied: Document['_id'][] = [];
  let batch: Document[] = [];
  const copyBatch = async (): Promise<void> => {
    const byProperty = new Map<string, Document[]>();
    for (const doc of batch) byProperty.set(doc['propertyId'] as string, [...(byProperty.get(doc['propertyId'] as string) ?? []), doc]);
    for (const [propertyId, docs] of byProperty) await insertIgnoringDuplicates(await partitionFor(propertyId), docs);
    copied.push(...batch.map((d) => d._id));
    batch = [];
  };
  // One pass over the source (a scan on FerretDB); the deletes wait until it ends, not to delete under an open cursor.
  for await (const doc of source.find({})) {
    if (typeof doc['propertyId'] !== 'string') continue;
    batch.push(doc);
    if (batch.length >= MOVE_BATCH) await copyBatch();
  }
  await copyBatch();
  let moved = 0;
  for (let i = 0; i < copied.length; i += MOVE_BATCH) {
    moved += (await source.deleteMany({ _id: { $in: copied.slice(i, i + MOVE_BATCH) } })).deletedCount;
  }
  const left = await source.countDocuments({});
  // Another process may have dropped it first; a drop that fails otherwise is tried again at the next start.
  if (left === 0) await source.drop().catch(() => undefined);
  return { moved, left };
}

async function insertIgnoringDuplicates(partition: Collection<Document>, docs: Document[]): Promise<void> {
  try {
    await partition.insertMany(docs, { ordered: false });
  } catch (error) {
    const errors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : null;
    if (errors === null || errors.length === 0 || errors.some((e) => e.code !== 11000)) throw error;
  }
}

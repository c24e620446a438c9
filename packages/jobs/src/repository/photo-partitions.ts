import { createHash } from 'node:crypto';
import { MongoBulkWriteError, MongoServerError } from 'mongodb';
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

/** Documents copied per round: one `insertMany` per partition they go to. */
const MOVE_BATCH = 1_000;

/** Server codes: the collection is not there (another process moved or dropped it), the target name is taken. */
const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;

/**
 * Moves the documents of a single collection (`<base>`, as earlier versions
 * wrote the photo records) into their per-property partitions, crash-safe and
 * idempotent, without deleting document by document (on FerretDB each delete
 * scans the collection: 50,000 records took 9 minutes that way):
 *
 * 1. `<base>` is renamed `<base>_moving`, which no writer uses: a process of
 *    an earlier version that writes afterwards makes a new `<base>`, taken
 *    in the next round (at most 3 rounds a call) or at the next call;
 * 2. every document of `<base>_moving` is copied into its partition
 *    (`insertMany`, unordered; a duplicate key means the copy is there
 *    already, from an interrupted move or a concurrent one, or the partition
 *    holds a record of the same bytes written since); one without a string
 *    `propertyId` (no partition) into `<base>_unplaced`;
 * 3. `<base>_moving` is dropped.
 *
 * An interrupted move is finished by the next call from step 2. Processes
 * moving at once each copy; a copy cut by the other's drop ends there.
 *
 * @param db - the database
 * @param base - the single collection's name, e.g. `photos`
 * @param partitionFor - the partition of a property, ready for inserts (its unique index made)
 * @returns documents this call copied into partitions (`moved`) and into `<base>_unplaced` (`unplaced`)
 * @throws the driver's error when a read, an insert (but a duplicate key), the rename or the drop fails; what was copied stays
 */
export async function moveIntoPartitions(
  db: Db,
  base: string,
  partitionFor: (propertyId: string) => Promise<Collection<Document>>,
): Promise<{ readonly moved: number; readonly unplaced: number }> {
  const moving = `${base}_moving`;
  const held = async (): Promise<Set<string>> => new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const total = { moved: 0, unplaced: 0 };
  let names = await held();
  for (let round = 0; round < 3 && (names.has(base) || names.has(moving)); round += 1) {
    if (!names.has(moving)) {
      // Not found: another process renamed it first. Exists: another process is moving; both copy.
      await db.renameCollection(base, moving).catch((error: unknown) => ignoreCodes(error, [NAMESPACE_NOT_FOUND, NAMESPACE_EXISTS]));
    }
    try {
      const { moved, unplaced } = await copyAndDrop(db.collection(moving), partitionFor, db.collection(`${base}_unplaced`));
      total.moved += moved;
      total.unplaced += unplaced;
    } catch (error) {
      // Another process finished the move and dropped the collection under this one's cursor.
      if ((await held()).has(moving)) throw error;
    }
    names = await held();
  }
  return total;
}

/** Copies the documents of `source` into their partitions (or `unplaced`), then drops it. */
async function copyAndDrop(
  source: Collection<Document>,
  partitionFor: (propertyId: string) => Promise<Collection<Document>>,
  unplacedCollection: Collection<Document>,
): Promise<{ readonly moved: number; readonly unplaced: number }> {
  let moved = 0;
  const unplaced: Document[] = [];
  let batch: Document[] = [];
  const copyBatch = async (): Promise<void> => {
    const byProperty = new Map<string, Document[]>();
    for (const doc of batch) byProperty.set(doc['propertyId'] as string, [...(byProperty.get(doc['propertyId'] as string) ?? []), doc]);
    for (const [propertyId, docs] of byProperty) await insertIgnoringDuplicates(await partitionFor(propertyId), docs);
    moved += batch.length;
    batch = [];
  };
  for await (const doc of source.find({})) {
    if (typeof doc['propertyId'] === 'string') batch.push(doc);
    else unplaced.push(doc);
    if (batch.length >= MOVE_BATCH) await copyBatch();
  }
  await copyBatch();
  if (unplaced.length > 0) await insertIgnoringDuplicates(unplacedCollection, unplaced);
  await source.drop().catch((error: unknown) => ignoreCodes(error, [NAMESPACE_NOT_FOUND]));
  return { moved, unplaced: unplaced.length };
}

function ignoreCodes(error: unknown, codes: readonly number[]): void {
  if (!(error instanceof MongoServerError && codes.includes(Number(error.code)))) throw error;
}

async function insertIgnoringDuplicates(partition: Collection<Document>, docs: Document[]): Promise<void> {
  try {
    await partition.insertMany(docs, { ordered: false });
  } catch (error) {
    const errors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : null;
    if (errors === null || errors.length === 0 || errors.some((e) => e.code !== 11000)) throw error;
  }
}

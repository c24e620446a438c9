import { MongoError } from 'mongodb';
import { MAX_PHOTO_SIGHTINGS } from '@phx/core';

/**
 * MongoDB's own limit on one document, in bytes (16 MiB). FerretDB does not
 * enforce it: it stores and returns larger documents that MongoDB refuses, so
 * the project states its own bounds below, well under it, and its tests check
 * them.
 */
export const MONGODB_MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/**
 * The most bytes (BSON, `BSON.calculateObjectSize`) a document the project
 * writes may take, whatever the job's size: 1 MiB, for every collection but
 * those of {@link MAX_PROPERTY_LIST_DOCUMENT_BYTES}. It follows from core's
 * input caps (`MAX_ADDRESS_LENGTH`, `MAX_LISTING_URL_LENGTH`, …), its cut
 * texts (`MAX_STORED_TEXT_LENGTH`, …) and its capped lists
 * (`MAX_OUTCOME_FAILURES`, `MAX_PHOTO_SIGHTINGS`, `FAILED_PROPERTIES_LIST_LIMIT`).
 */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * The most properties one stored property list holds: a chunk of a job's list
 * (`JOB_PROPERTY_CHUNK_SIZE`) and a schedule's named properties
 * (`MAX_SCHEDULE_PROPERTIES`, larger sets are scheduled by catalog label).
 */
export const MAX_PROPERTIES_PER_DOCUMENT = 500;

/**
 * The most bytes a document holding a property list may take: 8 MiB, half of
 * MongoDB's limit. The worst property (an address of `MAX_ADDRESS_LENGTH`
 * and two listing URLs of `MAX_LISTING_URL_LENGTH` characters, each character
 * 3 bytes in UTF-8) takes about 13.4 KB; {@link MAX_PROPERTIES_PER_DOCUMENT}
 * of them about 6.7 MB. Sample-sized properties take ~300 B each.
 */
export const MAX_PROPERTY_LIST_DOCUMENT_BYTES = 8 * 1024 * 1024;

/**
 * The bound of each collection the project writes, in bytes, by collection
 * name: {@link MAX_PROPERTY_LIST_DOCUMENT_BYTES} for `extraction_job_properties`
 * and `extraction_schedules`, {@link MAX_DOCUMENT_BYTES} for every other one
 * (see {@link documentBoundOf}).
 */
export const PROPERTY_LIST_COLLECTIONS: readonly string[] = Object.freeze(['extraction_job_properties', 'extraction_schedules']);

/**
 * The bound a document of a collection must stay within.
 *
 * @param collection - a collection name, e.g. `extraction_jobs`
 * @returns its bound in bytes: {@link MAX_PROPERTY_LIST_DOCUMENT_BYTES} for the {@link PROPERTY_LIST_COLLECTIONS}, else {@link MAX_DOCUMENT_BYTES}
 */
export function documentBoundOf(collection: string): number {
  return PROPERTY_LIST_COLLECTIONS.includes(collection) ? MAX_PROPERTY_LIST_DOCUMENT_BYTES : MAX_DOCUMENT_BYTES;
}

/** Server codes of a document over MongoDB's size limit: BSONObjectTooLarge, and an update whose result is too large. */
const TOO_LARGE_CODES: readonly number[] = Object.freeze([10334, 17419, 17420]);
/** How MongoDB and the driver word a document over the limit (`object to insert too large`, code 2 BadValue, among others). */
const TOO_LARGE_MESSAGE = /too large|larger than|exceeds (the )?maximum|BSONObj size/i;

/**
 * Tells whether a write failed because a document is over MongoDB's 16 MiB
 * limit (the server's `BSONObjectTooLarge` 10334, 17419 or 17420, its
 * `object to insert too large` BadValue 2, or the driver's own
 * `Document is larger than the maximum size`). Such a write fails the same
 * way however often it is tried: a writer must not retry it.
 *
 * @param error - what a driver call threw
 * @returns `true` for a document over the size limit
 */
export function isDocumentTooLargeError(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (typeof error.code === 'number' && TOO_LARGE_CODES.includes(error.code)) return true;
  return TOO_LARGE_MESSAGE.test(error.message);
}

/**
 * A photo record's `jobIds` with one more job that saw the photo, bounded: the
 * first (the job that created the record, which `JobPhotoCensus` reads) and
 * the latest `max - 1` are kept. A record's `jobIds` grows by one id per run
 * that sees the photo (a nightly schedule: 365 a year); a writer of the
 * `photos` collection keeps it to this. (FerretDB 1.x ignores `$push`'s
 * `$slice` and has no pipeline updates: the list is computed, then `$set`.)
 *
 * @param jobIds - the record's job ids, first seen first
 * @param jobId - the job that saw the photo now, or `null` (a run without a job)
 * @param max - most ids kept; default core's `MAX_PHOTO_SIGHTINGS`
 * @returns the ids to store: `jobIds` itself when `jobId` is `null` or already in it and the list is within `max`
 */
export function withJobId<T extends string>(jobIds: readonly T[], jobId: T | null, max: number = MAX_PHOTO_SIGHTINGS): readonly T[] {
  const all = jobId === null || jobIds.includes(jobId) ? jobIds : [...jobIds, jobId];
  if (all.length <= max) return all;
  return [all[0] as T, ...all.slice(all.length - (max - 1))];
}

import type { ContentHash, JobId, PropertyId } from '../model/ids.js';
import type { Source } from '../model/source.js';

/** One sighting of a stored photo at one source URL. */
export interface PhotoObservation {
  /** Owner property. */
  readonly propertyId: PropertyId;
  /** SHA-256 of the original bytes. */
  readonly sha256: ContentHash;
  /** Decoded format, e.g. `jpeg`, `webp`. */
  readonly format: string;
  /** Upright width in px. */
  readonly widthPx: number;
  /** Upright height in px. */
  readonly heightPx: number;
  /** Size of the original in bytes. */
  readonly byteLength: number;
  /** File name in the image store (`<sha256>.<ext>`). */
  readonly fileName: string;
  /** Location returned by the image store. */
  readonly location: string;
  /** Site the photo was seen on. */
  readonly source: Source;
  /** The site's photo id. */
  readonly photoId: string;
  /** URL it was downloaded from. */
  readonly url: string;
  /** When it was seen. */
  readonly seenAt: Date;
  /** Job that saw it, or `null` for an in-process run without a job. */
  readonly jobId: JobId | null;
}

/** The record of one stored photo of a property: one per distinct content hash. */
export interface PhotoRecord {
  /** Owner property. */
  readonly propertyId: PropertyId;
  /** SHA-256 of the original bytes. */
  readonly sha256: ContentHash;
  /** Decoded format. */
  readonly format: string;
  /** Upright width in px. */
  readonly widthPx: number;
  /** Upright height in px. */
  readonly heightPx: number;
  /** Size of the original in bytes. */
  readonly byteLength: number;
  /** File name in the image store. */
  readonly fileName: string;
  /** Location in the image store. */
  readonly location: string;
  /** Every site it was seen on. */
  readonly sources: readonly Source[];
  /** Every site photo id it was seen under. */
  readonly photoIds: readonly string[];
  /** Every URL it was downloaded from. */
  readonly urls: readonly string[];
  /** First sighting. */
  readonly firstSeenAt: Date;
  /** Latest sighting. */
  readonly lastSeenAt: Date;
}

/**
 * Records stored photos (MongoDB in `@phx/jobs`; in memory in core for tests
 * and in-process runs). It is the authority on "new or duplicate".
 *
 * Concurrency: `recordPhoto` for the same `(propertyId, sha256)` from several
 * callers at once creates exactly one record; exactly one caller sees
 * `created: true`.
 */
export interface PhotoRepository {
  /**
   * Creates the record of a photo or, when one exists for the same property
   * and hash, adds the source, photo id and URL to it and moves `lastSeenAt`.
   *
   * @param observation - the sighting
   * @returns `created: true` when the record did not exist before
   */
  recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }>;
  /**
   * Lists the records of a property, oldest first.
   *
   * @returns the records; empty when none
   */
  listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]>;
}

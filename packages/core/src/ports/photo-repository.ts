import type { ImageTone } from '../images/image-tone.js';
import type { ContentHash, JobId, PropertyId } from '../model/ids.js';
import type { Source } from '../model/source.js';

/** A web variant of a photo stored next to its original (see `encodeVariants`). */
export interface StoredVariant {
  /** Variant name, e.g. `web`, `thumb`. */
  readonly name: string;
  /** File name in the image store: `<sha256>.<name>.webp`. */
  readonly fileName: string;
  /** Location returned by the image store. */
  readonly location: string;
  /** Encoded format, `webp`. */
  readonly format: string;
  /** Width in px (upright). */
  readonly widthPx: number;
  /** Height in px (upright). */
  readonly heightPx: number;
  /** Size of the variant file in bytes. */
  readonly byteLength: number;
}

/**
 * Another version of a record's picture (another size, compression or
 * format) that is not the canonical one: a smaller copy seen after the
 * canonical (never stored), or a former canonical replaced by a better copy
 * (its files stay stored and are listed in `fileNames`).
 */
export interface DuplicateImage {
  /** SHA-256 of that version's bytes. */
  readonly sha256: ContentHash;
  /** Its format. */
  readonly format: string;
  /** Its upright width in px. */
  readonly widthPx: number;
  /** Its upright height in px. */
  readonly heightPx: number;
  /** Its size in bytes. */
  readonly byteLength: number;
  /** Its perceptual hash, or `null` when unknown. */
  readonly perceptualHash: string | null;
  /** Its colour and contrast (see `tonesAgree`); `null` or absent when unknown (recorded before they were measured). */
  readonly tone?: ImageTone | null;
  /** Files of that version in the image store (original and variants); empty when it was never stored. */
  readonly fileNames: readonly string[];
}

/** Which of the sizes a site listed for a photo was downloaded. */
export interface PhotoSizeChoice {
  /** Width in px the site gave for the URL downloaded, or `null` when it stated none. */
  readonly listedWidthPx: number | null;
  /** `true` when it is the largest size listed; `false` when the larger ones failed (404/410 or not decodable). */
  readonly largest: boolean;
  /**
   * `true` when the page no longer listed the photo's largest size where it
   * used to (a renamed or dropped size field, e.g. Redfin's
   * `fullScreenPhotoUrl`, Zillow's `mixedSources`; see
   * `ListingPhoto.sizeDowngrade`): the size stored may be smaller than the
   * largest the site has, even when `largest` is `true`. `false` for
   * records made before this was recorded.
   */
  readonly sizeDowngrade: boolean;
}

/** The size of a record made before sizes were recorded: width unknown, taken as the largest, no downgrade seen. */
export const UNKNOWN_PHOTO_SIZE: PhotoSizeChoice = Object.freeze({ listedWidthPx: null, largest: true, sizeDowngrade: false });

/**
 * The facts of one stored image of a property: its owner, its hash, its
 * decoded format and size, and where the image store keeps the original.
 * What a {@link PhotoObservation} reports and a {@link PhotoRecord} keeps
 * (of its canonical image).
 */
export interface PhotoFacts {
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
}

/** One sighting of a stored photo at one source URL: the image's {@link PhotoFacts}, and where and when it was seen. */
export interface PhotoObservation extends PhotoFacts {
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
  /** 64-bit perceptual hash of the upright image (16 hex digits); absent or `null` when not computed. */
  readonly perceptualHash?: string | null;
  /** Colour and contrast of the upright image (see `tonesAgree`); absent or `null` when not measured. */
  readonly tone?: ImageTone | null;
  /**
   * Which listed size was downloaded (the first that answered and decoded,
   * widest first). Absent: unknown, taken as the largest.
   */
  readonly size?: PhotoSizeChoice;
  /** `true` when the original is an animation whose variants show its first frame. Default `false`. */
  readonly animated?: boolean;
  /** Web variants stored next to the original. Default none. */
  readonly variants?: readonly StoredVariant[];
  /**
   * Canonical hash of an existing record showing the same picture (found by
   * perceptual hash): the sighting joins that record instead of creating one.
   * When this version is better (more pixels; ties: more bytes) it becomes
   * the record's canonical image and the former one moves to `duplicates`;
   * otherwise it is added to `duplicates`. Absent: match by `sha256` only.
   */
  readonly sameAs?: ContentHash;
  /**
   * `false` when the original was not written to the image store (a smaller
   * copy of a picture already stored). Default `true`.
   */
  readonly stored?: boolean;
  /** The `ETag` the photo host sent, or `null`/absent. Kept on the record for incremental re-runs. */
  readonly etag?: string | null;
  /** Where the page placed the photo (its gallery position and caption); absent when not known. */
  readonly gallery?: GalleryPlace;
  /**
   * Key of the record this sighting joins (its {@link PhotoRecord.key}, as
   * listed): the repository writes to that record without looking it up by
   * hash. Absent, or naming no record: found by hash as usual.
   */
  readonly recordKey?: string;
  /**
   * `true` when the caller's view of the property's records (core's
   * `PhotoIndex`) holds no version of this picture: the repository creates
   * the record without looking first (one insert in MongoDB). When a record
   * of these bytes exists after all (another writer made it at the same
   * moment), the sighting joins it with `created: false`. A caller that
   * cannot vouch for it leaves it absent (default `false`).
   */
  readonly newPicture?: boolean;
  /**
   * With {@link recordKey}: lists of the record to store whole instead of
   * adding this sighting's value to them, set by the caller when adding would
   * pass `MAX_PHOTO_SIGHTINGS` (a site that changes a photo's URL, id or ETag
   * at every run): the record's latest values, this one included (see
   * `listsToReplace`). Absent: values are added once each.
   */
  readonly replaceLists?: SightingLists;
}

/** A record's lists of where it was seen, as {@link PhotoObservation.replaceLists} sets them. */
export interface SightingLists {
  /** The site photo ids, latest last. */
  readonly photoIds?: readonly string[];
  /** The URLs, latest last. */
  readonly urls?: readonly string[];
  /** The ETags, latest last. */
  readonly etags?: readonly string[];
}

/**
 * Where one source's page placed a photo: its 0-based index in that page's
 * gallery order and the caption or room label the page gave (`null` when none).
 */
export interface GalleryPlace {
  /** 0-based index in the source's gallery order, from the run that last saw it. */
  readonly position: number;
  /** Caption or room label the page gave, or `null`. */
  readonly caption: string | null;
}

/**
 * The record of one stored photo of a property: one per distinct content
 * hash. Its {@link PhotoFacts} are those of its canonical image.
 */
export interface PhotoRecord extends PhotoFacts {
  /**
   * The repository's key of the record: {@link photoRecordKey} of the hash
   * it was created with, kept when a better version later becomes the
   * canonical image (records of older repositories may carry another
   * opaque string). Pass it back as {@link PhotoObservation.recordKey}.
   * Absent on records of repositories that keep no key.
   */
  readonly key?: string;
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
  /** 64-bit perceptual hash of the canonical image (16 hex digits), or `null` when not computed. */
  readonly perceptualHash: string | null;
  /** Colour and contrast of the canonical image, or `null` when not measured (records made before they were). */
  readonly tone: ImageTone | null;
  /**
   * `true` when the canonical image is a placeholder: flat, with too little
   * detail to be a photo (a solid colour, a "Coming Soon" card; see
   * `isPlaceholderTone`). Such images merge only with the same colour.
   */
  readonly placeholder: boolean;
  /**
   * Which listed size the canonical image is: the site's width for it and
   * whether it is the largest listed (`false` when larger sizes answered
   * 404/410 or did not decode), and whether the page had lost the field of
   * its largest size (`sizeDowngrade`). `UNKNOWN_PHOTO_SIZE` for records
   * made before sizes were tried in turn.
   */
  readonly size: PhotoSizeChoice;
  /** `true` when the canonical original is an animation (variants show its first frame). */
  readonly animated: boolean;
  /** Web variants of the canonical image, stored next to it. */
  readonly variants: readonly StoredVariant[];
  /** Other versions of the same picture (smaller, or former canonicals), oldest first. */
  readonly duplicates: readonly DuplicateImage[];
  /** ETags the photo hosts sent for it, once each. */
  readonly etags: readonly string[];
  /** When the photo was found gone from every listing that showed it, or `null` while listed. */
  readonly removedAt: Date | null;
  /**
   * Per source, where that source's gallery placed the photo (the latest run
   * that saw it there wins). Absent or missing a source: not known (records
   * made before gallery positions were kept). See `compareGalleryOrder`.
   */
  readonly gallery?: Readonly<Partial<Record<Source, GalleryPlace>>>;
  /** Caption for display: the first source's (in `sources` order) that gave one, else `null`/absent. */
  readonly caption?: string | null;
}

/** Which photos a re-run of a property still saw; see `PhotoRepository.markRemoved`. */
export interface RemovedPhotosQuery {
  /** The property re-run. */
  readonly propertyId: PropertyId;
  /** Sources whose listing was read in full this run; records seen on any other source are kept. */
  readonly sourcesRead: readonly Source[];
  /** Every photo id those sources listed this run. */
  readonly listedPhotoIds: readonly string[];
  /** When the run found them gone. */
  readonly removedAt: Date;
  /**
   * The property's records as the caller holds them (core's `PhotoIndex`,
   * with this run's sightings applied and flushed): the repository decides
   * from them instead of reading the property's records again. Absent: read.
   */
  readonly records?: readonly PhotoRecord[];
}

/**
 * The key of the record created by a sighting of `sha256` in a property:
 * `<propertyId>:<sha256>` (the MongoDB document's `_id`).
 *
 * @param propertyId - the owner property
 * @param sha256 - SHA-256 of the bytes the record is created with
 * @returns the key, e.g. `12 Main St:3f…a9`
 * @example
 * ```ts
 * import { toContentHash, toPropertyId } from '@phx/core';
 * const key = photoRecordKey(toPropertyId('1 Main St'), toContentHash('a'.repeat(64)));
 * ```
 */
export function photoRecordKey(propertyId: PropertyId, sha256: ContentHash): string {
  return `${propertyId}:${sha256}`;
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
   * and hash (canonical or one of its `duplicates`, or the record named by
   * `observation.sameAs`), adds the source, photo id, URL and ETag to it,
   * moves `lastSeenAt` and clears `removedAt`. A `sameAs` sighting of a
   * better version makes it the canonical image (see {@link PhotoObservation.sameAs}).
   *
   * @param observation - the sighting
   * @returns `created: true` when the record did not exist before
   */
  recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }>;
  /**
   * Records sightings of known records (each with `recordKey`, none with
   * `sameAs`) in as few writes as the store allows; the same as calling
   * `recordPhoto` for each in order, without the `created` answers (all are
   * `false` for a known record). Every sighting is durable when the promise
   * resolves; on a rejection some may be. Optional: callers without it call
   * `recordPhoto` for each.
   *
   * @param observations - sightings of one property's known records
   */
  recordSightings?(observations: readonly PhotoObservation[]): Promise<void>;
  /**
   * Lists the records of a property, oldest first.
   *
   * @returns the records; empty when none
   */
  listPhotos(propertyId: PropertyId): Promise<PhotoRecord[]>;
  /**
   * Marks the records of a property that a complete re-run no longer saw as
   * removed (`removedAt` set; the record and its files are kept). A record
   * is kept listed when it was seen on a source the run did not read, or
   * under a photo id the run listed. Already-removed records keep their date.
   * Idempotent.
   *
   * @param query - property, sources read, photo ids listed, date
   * @returns how many records were newly marked removed
   */
  markRemoved(query: RemovedPhotosQuery): Promise<number>;
}

import { isPlaceholderTone } from '../images/image-tone.js';
import type { ImageTone } from '../images/image-tone.js';
import { UNKNOWN_PHOTO_SIZE, photoRecordKey } from '../ports/photo-repository.js';
import type {
  DuplicateImage,
  PhotoObservation,
  PhotoRecord,
  PhotoSizeChoice,
  RemovedPhotosQuery,
  SightingLists,
} from '../ports/photo-repository.js';
import { SOURCES } from '../model/source.js';
import { boundPhotoObservation, keepLatest, MAX_PHOTO_DUPLICATES, MAX_PHOTO_SIGHTINGS } from '../model/storage-limits.js';
import type { Source } from '../model/source.js';
import { isBetterImage } from './same-photo.js';

type GalleryOf = NonNullable<PhotoRecord['gallery']>;

/** The record's gallery places with the sighting's place on its source (the latest run wins). */
function withPlace(gallery: GalleryOf | undefined, o: PhotoObservation): GalleryOf | undefined {
  if (o.gallery === undefined) return gallery;
  return { ...gallery, [o.source]: { position: o.gallery.position, caption: o.gallery.caption } };
}

/**
 * The display caption of a record: the caption of the first source (in
 * `sources` order) whose gallery gave one.
 *
 * @param sources - the record's sources, first-seen first
 * @param gallery - the record's gallery places per source, or absent
 * @returns the caption, or `null` when no source gave one
 */
export function captionOf(sources: readonly Source[], gallery: GalleryOf | undefined): string | null {
  for (const s of sources) {
    const caption = gallery?.[s]?.caption;
    if (caption !== null && caption !== undefined) return caption;
  }
  return null;
}

/**
 * The one gallery-order rule every photo listing follows (both repositories,
 * the manifest): listed photos before removed ones; then photos with a
 * position on the earliest source of `sourceOrder` they have one on, that
 * source's photos first (by position), then the next source's; photos with
 * no position at all (records made before positions were kept) after the
 * positioned ones, by first sighting.
 *
 * @param sourceOrder - the job's source order (default `SOURCES`: zillow first)
 * @returns a comparator for `Array.prototype.sort`; ties compare 0 (keep a stable sort's input order)
 */
export function compareGalleryOrder(
  sourceOrder: readonly Source[] = SOURCES,
): (
  a: Pick<PhotoRecord, 'gallery' | 'removedAt' | 'firstSeenAt'>,
  b: Pick<PhotoRecord, 'gallery' | 'removedAt' | 'firstSeenAt'>,
) => number {
  const order = [...sourceOrder, ...SOURCES.filter((s) => !sourceOrder.includes(s))];
  const key = (r: Pick<PhotoRecord, 'gallery'>): [number, number] => {
    const i = order.findIndex((s) => r.gallery?.[s] !== undefined);
    return i < 0 ? [order.length, 0] : [i, r.gallery![order[i]!]!.position];
  };
  return (a, b) => {
    const removed = Number(a.removedAt !== null) - Number(b.removedAt !== null);
    if (removed !== 0) return removed;
    const [sa, pa] = key(a);
    const [sb, pb] = key(b);
    return sa - sb || pa - pb || a.firstSeenAt.getTime() - b.firstSeenAt.getTime();
  };
}

/** The tone and placeholder flag a record takes from its canonical image. */
function toneFacts(tone: ImageTone | null | undefined): { tone: ImageTone | null; placeholder: boolean } {
  return { tone: tone ?? null, placeholder: tone !== null && tone !== undefined && isPlaceholderTone(tone) };
}

/** The size a record takes from its canonical sighting; unknown counts as the largest, without downgrade. */
function sizeOf(o: PhotoObservation): PhotoSizeChoice {
  return { ...UNKNOWN_PHOTO_SIZE, ...o.size };
}

/** `list` with `value` added at its end unless held; the last {@link MAX_PHOTO_SIGHTINGS} kept. */
function withOnce<T>(list: readonly T[], value: T | null | undefined): T[] {
  return [...keepLatest(value === null || value === undefined || list.includes(value) ? list : [...list, value], MAX_PHOTO_SIGHTINGS)];
}

/** `duplicates` with `added` at the end; the last {@link MAX_PHOTO_DUPLICATES} kept. */
function withDuplicate(duplicates: readonly DuplicateImage[], added: DuplicateImage): DuplicateImage[] {
  return [...keepLatest([...duplicates, added], MAX_PHOTO_DUPLICATES)];
}

function filesOf(fileName: string, variants: readonly { readonly fileName: string }[]): string[] {
  return [fileName, ...variants.map((v) => v.fileName)];
}

/**
 * Makes the record of a photo's first sighting.
 *
 * @param sighting - the sighting
 * @returns the new record, keyed `photoRecordKey(propertyId, sha256)`, with no duplicates and not removed
 */
export function newPhotoRecord(sighting: PhotoObservation): PhotoRecord {
  const o = boundPhotoObservation(sighting);
  const { propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location } = o;
  return {
    key: photoRecordKey(propertyId, sha256),
    ...{ propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location },
    sources: [o.source],
    photoIds: [o.photoId],
    urls: [o.url],
    firstSeenAt: new Date(o.seenAt),
    lastSeenAt: new Date(o.seenAt),
    perceptualHash: o.perceptualHash ?? null,
    ...toneFacts(o.tone),
    size: sizeOf(o),
    animated: o.animated ?? false,
    variants: [...(o.variants ?? [])],
    duplicates: [],
    etags: o.etag === null || o.etag === undefined ? [] : [o.etag],
    removedAt: null,
    ...galleryFacts([o.source], undefined, o),
  };
}

function galleryFacts(
  sources: readonly Source[],
  gallery: GalleryOf | undefined,
  o: PhotoObservation,
): Pick<PhotoRecord, 'gallery' | 'caption'> {
  const next = withPlace(gallery, o);
  return next === undefined ? {} : { gallery: next, caption: captionOf(sources, next) };
}

function asDuplicate(o: PhotoObservation): DuplicateImage {
  return {
    ...{ sha256: o.sha256, format: o.format, widthPx: o.widthPx, heightPx: o.heightPx, byteLength: o.byteLength },
    perceptualHash: o.perceptualHash ?? null,
    tone: o.tone ?? null,
    fileNames: o.stored === false ? [] : filesOf(o.fileName, o.variants ?? []),
  };
}

function recordAsDuplicate(r: PhotoRecord): DuplicateImage {
  return {
    ...{ sha256: r.sha256, format: r.format, widthPx: r.widthPx, heightPx: r.heightPx, byteLength: r.byteLength },
    perceptualHash: r.perceptualHash,
    tone: r.tone,
    fileNames: filesOf(r.fileName, r.variants),
  };
}

/** The record's image facts replaced by the better version seen in `o`; the old canonical becomes a duplicate. */
function promote(r: PhotoRecord, o: PhotoObservation): PhotoRecord {
  const { sha256, format, widthPx, heightPx, byteLength, fileName, location } = o;
  return {
    ...r,
    ...{ sha256, format, widthPx, heightPx, byteLength, fileName, location },
    perceptualHash: o.perceptualHash ?? null,
    ...toneFacts(o.tone),
    size: sizeOf(o),
    animated: o.animated ?? false,
    variants: [...(o.variants ?? [])],
    duplicates: withDuplicate(
      r.duplicates.filter((d) => d.sha256 !== o.sha256),
      recordAsDuplicate(r),
    ),
  };
}

/**
 * Merges a sighting into the record of the same picture (the rule every
 * `PhotoRepository` follows): source, photo id, URL and ETag added once
 * each (each list keeps the last {@link MAX_PHOTO_SIGHTINGS} added; values cut
 * by `boundPhotoObservation`); `firstSeenAt` only moves earlier and `lastSeenAt` only later;
 * `removedAt` cleared; the sighting's gallery place replaces its
 * source's (see `compareGalleryOrder`). When the sighting's bytes are new to the record, a
 * better version (see `isBetterImage`) becomes the canonical image and the
 * old one a duplicate; a lesser one is added to `duplicates` (which keeps the
 * last {@link MAX_PHOTO_DUPLICATES}).
 *
 * @param r - the record
 * @param sighting - a sighting of the same picture
 * @returns the merged record (a new object; `r` is not changed)
 */
export function mergeSighting(r: PhotoRecord, sighting: PhotoObservation): PhotoRecord {
  const o = boundPhotoObservation(sighting);
  const sources = withOnce(r.sources, o.source);
  const seen: PhotoRecord = {
    ...r,
    ...galleryFacts(sources, r.gallery, o),
    sources,
    photoIds: withOnce(r.photoIds, o.photoId),
    urls: withOnce(r.urls, o.url),
    etags: withOnce(r.etags, o.etag),
    firstSeenAt: new Date(Math.min(r.firstSeenAt.getTime(), o.seenAt.getTime())),
    lastSeenAt: new Date(Math.max(r.lastSeenAt.getTime(), o.seenAt.getTime())),
    removedAt: null,
  };
  if (o.sha256 === r.sha256 || r.duplicates.some((d) => d.sha256 === o.sha256)) return seen;
  if (o.stored !== false && isBetterImage(o, r)) return promote(seen, o);
  return { ...seen, duplicates: withDuplicate(seen.duplicates, asDuplicate(o)) };
}

/**
 * The lists of a known record that a sighting must replace whole rather than
 * add to: those where adding its value would pass `MAX_PHOTO_SIGHTINGS`
 * (the record holds that many already and the value is new). A repository
 * that adds values (`$addToSet`) cannot drop the oldest; it stores these as
 * they are, the latest `MAX_PHOTO_SIGHTINGS` with the new value last.
 *
 * @param record - the record as the caller holds it (core's `PhotoIndex`)
 * @param sighting - a sighting of it
 * @returns the lists to store whole, or `undefined` when adding keeps every list within the bound
 */
export function listsToReplace(record: PhotoRecord, sighting: PhotoObservation): SightingLists | undefined {
  const o = boundPhotoObservation(sighting);
  const full = (list: readonly string[], value: string | null | undefined): boolean =>
    value !== null && value !== undefined && !list.includes(value) && list.length >= MAX_PHOTO_SIGHTINGS;
  const lists: { -readonly [K in keyof SightingLists]: SightingLists[K] } = {};
  if (full(record.photoIds, o.photoId)) lists.photoIds = withOnce(record.photoIds, o.photoId);
  if (full(record.urls, o.url)) lists.urls = withOnce(record.urls, o.url);
  if (full(record.etags, o.etag)) lists.etags = withOnce(record.etags, o.etag);
  return Object.keys(lists).length === 0 ? undefined : lists;
}

/**
 * Tells whether a record is still (possibly) listed after a re-run: seen on
 * a source that was not read, or under a photo id that was listed.
 *
 * @param record - a photo record
 * @param query - what the re-run read and saw
 * @returns `true` when the record must not be marked removed
 */
export function isListedElsewhere(record: PhotoRecord, query: RemovedPhotosQuery): boolean {
  if (record.sources.some((s) => !query.sourcesRead.includes(s))) return true;
  return record.photoIds.some((id) => query.listedPhotoIds.includes(id));
}

/**
 * Every file a record names in the image store: the canonical original, its
 * variants and the stored files of its duplicates.
 *
 * @param record - a photo record
 * @returns file names, canonical original first
 */
export function storedFileNames(record: Pick<PhotoRecord, 'fileName' | 'variants' | 'duplicates'>): string[] {
  return [...filesOf(record.fileName, record.variants), ...record.duplicates.flatMap((d) => d.fileNames)];
}

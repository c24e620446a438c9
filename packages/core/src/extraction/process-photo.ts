import { createHash } from 'node:crypto';
import { CancelledError, throwIfCancelled } from '../errors/index.js';
import { encodeVariants, isPlaceholderTone, readPhoto, variantFileName } from '../images/index.js';
import type { DecodedPhoto, UprightImage } from '../images/index.js';
import type { ExtractionFailure } from '../model/extraction-job.js';
import type { ListingPhoto } from '../model/listing-photo.js';
import type { Source } from '../model/source.js';
import { boundPhotoObservation } from '../model/storage-limits.js';
import { listsToReplace } from '../photos/photo-record-merge.js';
import { isBetterImage } from '../photos/same-photo.js';
import type { ImageIdentity, SamePhotoMatch } from '../photos/same-photo.js';
import { isNotModified } from '../ports/photo-fetcher.js';
import type { FetchedPhoto, PhotoFetchRequest } from '../ports/photo-fetcher.js';
import type { GalleryPlace, PhotoObservation, PhotoRecord, StoredVariant } from '../ports/photo-repository.js';
import type { ExtractionContext } from './extraction-context.js';
import type { FileProblem } from './photo-index.js';
import { toExtractionFailure } from './extraction-failure.js';
import { isSizeUnavailable, photoCandidates } from './photo-candidates.js';
import type { PhotoCandidate } from './photo-candidates.js';

/**
 * What became of one photo: stored (new or duplicate), already recorded (not
 * downloaded), or failed alone; `placeholder` when the image (or its record) is a flat placeholder.
 */
export type PhotoResult =
  | { readonly kind: 'stored'; readonly created: boolean; readonly placeholder: boolean }
  | { readonly kind: 'unchanged'; readonly placeholder: boolean }
  | { readonly kind: 'failed'; readonly failure: ExtractionFailure };

/** A revalidated known photo whose host answered 304 or sent the bytes of one of the record's versions. */
interface HeldCopy {
  readonly kind: 'held';
  readonly record: PhotoRecord;
  readonly fetched: FetchedPhoto;
}

interface PreparedPhoto {
  /** The size downloaded. */
  readonly candidate: PhotoCandidate;
  readonly fetched: FetchedPhoto;
  readonly decoded: DecodedPhoto;
  readonly upright: UprightImage;
}

function fetchRequest(url: string, signal: AbortSignal | undefined, etags: readonly string[]): PhotoFetchRequest {
  return { url, ...(signal === undefined ? {} : { signal }), ...(etags.length === 0 ? {} : { ifNoneMatch: etags }) };
}

/**
 * Whether a known photo is asked for again with its ETags (the option is on,
 * its URL is on the record, the host sent an ETag for it, and this run has
 * not seen it already); otherwise it is taken as unchanged without a request.
 */
function mustRevalidate(ctx: ExtractionContext, photo: ListingPhoto, known: PhotoRecord): boolean {
  return ctx.revalidateKnownPhotos && known.urls.includes(photo.url) && known.etags.length > 0 && !ctx.photoIndex.seenThisRun(known);
}

/** Whether a revalidation answer is the copy the record holds: a 304, or a 200 with bytes of one of its versions. */
function isHeldCopy(fetched: FetchedPhoto, known: PhotoRecord): boolean {
  if (isNotModified(fetched)) return true;
  const sha256 = createHash('sha256').update(fetched.bytes).digest('hex');
  return sha256 === known.sha256 || known.duplicates.some((d) => d.sha256 === sha256);
}

/** Validates, describes and normalises the bytes with one decode (`readPhoto`). */
async function prepare(ctx: ExtractionContext, candidate: PhotoCandidate, fetched: FetchedPhoto): Promise<PreparedPhoto> {
  const maxSidePx = Math.max(16, ...ctx.variants.map((v) => v.maxSidePx));
  const { decoded, upright } = await readPhoto(fetched.bytes, {
    ...{ photo: candidate.url, maxPixels: ctx.maxPixels, maxSidePx, pixelBudget: ctx.decodeBudget },
    ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
  });
  return { candidate, fetched, decoded, upright };
}

/**
 * Downloads and decodes the largest size of a photo that answers and decodes:
 * the next size is tried only when one answered 404/410 or did not decode
 * (`isSizeUnavailable`); a revalidated known photo asks its first URL only.
 *
 * @throws the largest size's error when no size could be used, or the first error that is not worth another size
 */
async function fetchUsableSize(ctx: ExtractionContext, photo: ListingPhoto, known: PhotoRecord | null): Promise<PreparedPhoto | HeldCopy> {
  const candidates = known === null ? photoCandidates(photo) : photoCandidates(photo).slice(0, 1);
  let firstError: { error: unknown } | undefined;
  for (const candidate of candidates) {
    try {
      const fetched = await ctx.fetcher.fetchPhoto(fetchRequest(candidate.url, ctx.signal, known?.etags ?? []));
      if (known !== null && isHeldCopy(fetched, known)) return { kind: 'held', record: known, fetched };
      return await prepare(ctx, candidate, fetched);
    } catch (error) {
      throwIfCancelled(ctx.signal);
      if (error instanceof CancelledError) throw error;
      firstError ??= { error };
      if (!isSizeUnavailable(error)) break;
      ctx.logger.debug({ photoId: photo.photoId, url: candidate.url, error: String(error) }, 'photo size unavailable, trying the next');
    }
  }
  throw firstError?.error;
}

function failed(ctx: ExtractionContext, source: Source, photo: ListingPhoto, error: unknown): PhotoResult {
  const failure = toExtractionFailure(error, source, photo.url, 'Photo');
  ctx.logger.warn({ source, photoId: photo.photoId, url: photo.url, code: failure.code }, 'photo failed');
  ctx.emit({ type: 'photo-failed', propertyId: ctx.property.id, failure });
  return { kind: 'failed', failure };
}

function identityOf(p: PreparedPhoto): ImageIdentity {
  const { sha256, widthPx, heightPx, byteLength } = p.decoded;
  return { sha256, perceptualHash: p.upright.perceptualHash, tone: p.upright.tone, widthPx, heightPx, byteLength };
}

/** Whether the bytes must be stored: a new picture, or a better copy of a known one. */
function mustStore(p: PreparedPhoto, match: SamePhotoMatch | null): boolean {
  return match === null || (!match.sameBytes && isBetterImage(identityOf(p), match.record));
}

function findMatch(ctx: ExtractionContext, p: PreparedPhoto): SamePhotoMatch | null {
  return ctx.photoIndex.find(identityOf(p), ctx.maxPerceptualDistance);
}

/** Writes the original and its variants; returns the original's location and the variants' records. */
async function storeFiles(
  ctx: ExtractionContext,
  p: PreparedPhoto,
  encoded: Awaited<ReturnType<typeof encodeVariants>> | null,
): Promise<{ location: string; variants: StoredVariant[] }> {
  const { sha256, extension } = p.decoded;
  const { location } = await ctx.store.put(ctx.property.id, `${sha256}.${extension}`, p.fetched.bytes);
  const variants: StoredVariant[] = [];
  for (const v of encoded ?? (await encodeVariants(p.upright, ctx.variants))) {
    const fileName = variantFileName(sha256, v.name);
    const stored = await ctx.store.put(ctx.property.id, fileName, v.bytes);
    const { name, format, widthPx, heightPx } = v;
    variants.push({ name, fileName, location: stored.location, format, widthPx, heightPx, byteLength: v.bytes.length });
  }
  return { location, variants };
}

async function storeAndRecord(
  ctx: ExtractionContext,
  source: Source,
  photo: ListingPhoto,
  p: PreparedPhoto,
  gallery: GalleryPlace | undefined,
): Promise<{ readonly created: boolean; readonly restored: FileProblem | null }> {
  // A first look outside the lock spares encoding the variants of copies already stored at a better size.
  const encoded = mustStore(p, findMatch(ctx, p)) ? await encodeVariants(p.upright, ctx.variants) : null;
  return ctx.recordLock(async () => {
    throwIfCancelled(ctx.signal);
    const match = findMatch(ctx, p);
    const store = mustStore(p, match);
    const files = store ? await storeFiles(ctx, p, encoded) : null;
    const { decoded } = p;
    const fileName = `${decoded.sha256}.${decoded.extension}`;
    const observation: PhotoObservation = {
      ...{ propertyId: ctx.property.id, sha256: decoded.sha256, format: decoded.format, fileName },
      ...{ location: files?.location ?? match?.record.location ?? fileName, variants: files?.variants ?? [] },
      ...{ widthPx: decoded.widthPx, heightPx: decoded.heightPx, byteLength: decoded.byteLength },
      ...{ source, photoId: photo.photoId, url: p.candidate.url, seenAt: ctx.clock.now(), jobId: ctx.jobId },
      size: { listedWidthPx: p.candidate.listedWidthPx, largest: p.candidate.largest, sizeDowngrade: p.candidate.sizeDowngrade },
      ...{ perceptualHash: p.upright.perceptualHash, tone: p.upright.tone, animated: p.upright.animated, etag: p.fetched.etag },
      ...(match === null ? {} : { sameAs: match.record.sha256 }),
      ...(match?.record.key === undefined ? {} : { recordKey: match.record.key }),
      // No record of the property holds these bytes or this picture: the repository creates it without looking.
      ...(match === null && !ctx.photoIndex.knowsBytes(decoded.sha256) ? { newPicture: true } : {}),
      ...(store || match?.sameBytes === true ? {} : { stored: false }),
      ...(gallery === undefined ? {} : { gallery }),
    };
    const { created } = await ctx.repository.recordPhoto(boundPhotoObservation(observation));
    ctx.photoIndex.recorded(observation, match);
    // The files of a record left out for missing or damaged files, stored again: the same photo as recorded.
    return { created, restored: files === null ? null : ctx.photoIndex.restored(decoded.sha256) };
  });
}

/**
 * A photo whose id or URL is on a record: no download. Recorded by an
 * earlier run, it is unchanged (last-seen moves, a removal is cleared);
 * already recorded by this run (the same URL on another source), a duplicate.
 * The sighting of a keyed record joins the source's batch (`ctx.sightings`).
 */
async function recordKnown(
  ctx: ExtractionContext,
  source: Source,
  photo: ListingPhoto,
  record: PhotoRecord,
  gallery: GalleryPlace | undefined,
  etag: string | null = null,
): Promise<PhotoResult> {
  const duplicate = ctx.photoIndex.seenThisRun(record);
  await ctx.recordLock(async () => {
    throwIfCancelled(ctx.signal);
    const { propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location } = record;
    const observation: PhotoObservation = {
      ...{ propertyId, sha256, format, widthPx, heightPx, byteLength, fileName, location },
      ...{ source, photoId: photo.photoId, url: photo.url, seenAt: ctx.clock.now(), jobId: ctx.jobId, etag },
      ...(gallery === undefined ? {} : { gallery }),
      ...(record.key === undefined ? {} : { recordKey: record.key }),
    };
    // A keyed sighting waits for the source's batch write; the index takes it now, so later photos see it.
    const bounded = boundPhotoObservation(observation);
    if (record.key === undefined) await ctx.repository.recordPhoto(bounded);
    else {
      // A site that changes a photo's URL, id or ETag at every run: the lists are stored whole, the latest kept.
      const replaceLists = listsToReplace(record, bounded);
      await ctx.sightings.add(replaceLists === undefined ? bounded : { ...bounded, replaceLists });
    }
    ctx.photoIndex.recorded(observation, { record, sameBytes: true });
  });
  const { sha256 } = record;
  ctx.logger.debug({ source, photoId: photo.photoId, sha256, duplicate }, 'photo known, not downloaded');
  if (duplicate) {
    ctx.emit({ type: 'photo-stored', propertyId: ctx.property.id, source, photoId: photo.photoId, sha256, created: false });
    return { kind: 'stored', created: false, placeholder: record.placeholder };
  }
  ctx.emit({ type: 'photo-unchanged', propertyId: ctx.property.id, source, photoId: photo.photoId, sha256 });
  return { kind: 'unchanged', placeholder: record.placeholder };
}

/**
 * Skips photos recorded before (same photo id on the source, or same URL),
 * or, with `revalidateKnownPhotos`, asks the host again with the record's
 * ETags (`If-None-Match`): a 304 or the same bytes is unchanged, other bytes
 * are processed as a newly listed photo. Otherwise downloads, validates and normalises one photo, then, one photo of the
 * property at a time: finds the record of the same picture (by SHA-256, then
 * perceptual hash), stores the original and its variants when the picture
 * is new or this copy is better, and records the sighting. A photo whose
 * record was left out for missing or damaged files (`PhotoIndex.load`) and
 * whose files are stored again counts as unchanged. A download or
 * decode failure fails only this photo (returned, not thrown); a store or
 * repository failure is thrown, because it would fail every photo after it too.
 *
 * @param ctx - the property's extraction context
 * @param source - the source that listed the photo
 * @param photo - the photo to process
 * @param position - the photo's 0-based index in the source's gallery order (kept with its caption on the record); absent when not known
 * @returns `stored` with `created` (new picture vs duplicate, as the repository says) or `failed` with the failure
 * @throws {@link CancelledError} when the signal is aborted, or the fetcher rejects with it (closed under the run)
 */
export async function processPhoto(ctx: ExtractionContext, source: Source, photo: ListingPhoto, position?: number): Promise<PhotoResult> {
  throwIfCancelled(ctx.signal);
  const gallery: GalleryPlace | undefined = position === undefined ? undefined : { position, caption: photo.caption };
  const known = ctx.photoIndex.findSighting(source, photo.photoId, photo.url);
  const revalidate = known !== null && mustRevalidate(ctx, photo, known);
  if (known !== null && !revalidate) return recordKnown(ctx, source, photo, known, gallery);
  let step: PreparedPhoto | HeldCopy;
  try {
    step = await fetchUsableSize(ctx, photo, revalidate ? known : null);
  } catch (error) {
    throwIfCancelled(ctx.signal);
    if (error instanceof CancelledError) throw error; // the fetcher was closed under the run: not a failed photo
    return failed(ctx, source, photo, error);
  }
  throwIfCancelled(ctx.signal);
  if ('kind' in step) {
    ctx.logger.debug({ source, photoId: photo.photoId, notModified: isNotModified(step.fetched) }, 'known photo revalidated: unchanged');
    return recordKnown(ctx, source, photo, step.record, gallery, step.fetched.etag);
  }
  const { created, restored } = await storeAndRecord(ctx, source, photo, step, gallery);
  const { sha256 } = step.decoded;
  const placeholder = isPlaceholderTone(step.upright.tone);
  ctx.logger.debug({ source, photoId: photo.photoId, sha256, created, restored }, 'photo stored');
  if (restored !== null && !created) {
    ctx.emit({ type: 'photo-unchanged', propertyId: ctx.property.id, source, photoId: photo.photoId, sha256, filesRestored: restored });
    return { kind: 'unchanged', placeholder };
  }
  ctx.emit({ type: 'photo-stored', propertyId: ctx.property.id, source, photoId: photo.photoId, sha256, created });
  return { kind: 'stored', created, placeholder };
}

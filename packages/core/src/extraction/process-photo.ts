import { throwIfCancelled } from '../errors/index.js';
import { decodePhoto } from '../images/index.js';
import type { DecodedPhoto } from '../images/index.js';
import type { ExtractionFailure } from '../model/extraction-job.js';
import type { ListingPhoto } from '../model/listing-photo.js';
import type { Source } from '../model/source.js';
import type { FetchedPhoto, PhotoFetchRequest } from '../ports/photo-fetcher.js';
import type { ExtractionContext } from './extraction-context.js';
import { toExtractionFailure } from './extraction-failure.js';

/** What became of one photo: stored (new or duplicate) or failed alone. */
export type PhotoResult =
  | { readonly kind: 'stored'; readonly created: boolean }
  | { readonly kind: 'failed'; readonly failure: ExtractionFailure };

function fetchRequest(url: string, signal: AbortSignal | undefined): PhotoFetchRequest {
  return signal === undefined ? { url } : { url, signal };
}

async function download(
  ctx: ExtractionContext,
  photo: ListingPhoto,
): Promise<{ fetched: FetchedPhoto; decoded: DecodedPhoto }> {
  const fetched = await ctx.fetcher.fetchPhoto(fetchRequest(photo.url, ctx.signal));
  const decoded = await decodePhoto(fetched.bytes, { photo: photo.url, maxPixels: ctx.maxPixels });
  return { fetched, decoded };
}

function failed(ctx: ExtractionContext, source: Source, photo: ListingPhoto, error: unknown): PhotoResult {
  const failure = toExtractionFailure(error, source, photo.url, 'Photo');
  ctx.logger.warn({ source, photoId: photo.photoId, url: photo.url, code: failure.code }, 'photo failed');
  ctx.emit({ type: 'photo-failed', propertyId: ctx.property.id, failure });
  return { kind: 'failed', failure };
}

/**
 * Downloads, validates, stores and records one photo. A download or decode
 * failure fails only this photo (returned, not thrown); a store or repository
 * failure is thrown, because it would fail every photo after it too.
 *
 * @param ctx - the property's extraction context
 * @param source - the source that listed the photo
 * @param photo - the photo to process
 * @returns `stored` with `created` (new vs duplicate, as the repository says) or `failed` with the failure
 * @throws {@link CancelledError} when the signal is aborted
 */
export async function processPhoto(ctx: ExtractionContext, source: Source, photo: ListingPhoto): Promise<PhotoResult> {
  throwIfCancelled(ctx.signal);
  let downloaded: { fetched: FetchedPhoto; decoded: DecodedPhoto };
  try {
    downloaded = await download(ctx, photo);
  } catch (error) {
    throwIfCancelled(ctx.signal);
    return failed(ctx, source, photo, error);
  }
  throwIfCancelled(ctx.signal);
  const { fetched, decoded } = downloaded;
  const fileName = `${decoded.sha256}.${decoded.extension}`;
  const { location } = await ctx.store.put(ctx.property.id, fileName, fetched.bytes);
  const { created } = await ctx.repository.recordPhoto({
    ...{ propertyId: ctx.property.id, sha256: decoded.sha256, format: decoded.format, fileName, location },
    ...{ widthPx: decoded.widthPx, heightPx: decoded.heightPx, byteLength: decoded.byteLength },
    ...{ source, photoId: photo.photoId, url: photo.url, seenAt: ctx.clock.now(), jobId: ctx.jobId },
  });
  ctx.logger.debug({ source, photoId: photo.photoId, sha256: decoded.sha256, created }, 'photo stored');
  ctx.emit({ type: 'photo-stored', propertyId: ctx.property.id, source, photoId: photo.photoId, sha256: decoded.sha256, created });
  return { kind: 'stored', created };
}

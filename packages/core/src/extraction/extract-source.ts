import { CancelledError, InvalidInputError, ListingNotFoundError, throwIfCancelled } from '../errors/index.js';
import type { ListingPhotos } from '../model/listing-photo.js';
import type { Source } from '../model/source.js';
import type { ExtractionContext } from './extraction-context.js';
import { toExtractionFailure } from './extraction-failure.js';
import type { OutcomeTally } from './outcome-tally.js';
import { processPhoto } from './process-photo.js';
import type { PhotoResult } from './process-photo.js';

async function readListing(
  ctx: ExtractionContext,
  source: Source,
  listingUrl: string | null,
  tally: OutcomeTally,
): Promise<ListingPhotos | null> {
  const scraper = ctx.scrapers[source];
  if (scraper === undefined) {
    // PropertyExtractor checks this before starting; kept for direct callers.
    throw new InvalidInputError('extraction request', [{ path: 'sources', message: `no scraper configured for ${source}` }]);
  }
  try {
    const request = {
      property: ctx.property,
      listingUrl,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      ...(ctx.fetchMode === undefined ? {} : { fetchMode: ctx.fetchMode }),
    };
    return await scraper.listPhotos(request);
  } catch (error) {
    throwIfCancelled(ctx.signal);
    if (error instanceof CancelledError) throw error; // the scraper was closed under the run: a cancellation, not a failed source
    if (error instanceof ListingNotFoundError) {
      tally.skip(source, error.message);
      return null;
    }
    const failure = toExtractionFailure(error, source, listingUrl, `Could not read the ${source} listing page`);
    ctx.logger.warn({ source, url: listingUrl, code: failure.code }, 'listing page failed');
    tally.sourceFailed(failure);
    return null;
  }
}

function settle(
  ctx: ExtractionContext,
  listing: ListingPhotos,
  settled: readonly PromiseSettledResult<PhotoResult>[],
  tally: OutcomeTally,
): void {
  throwIfCancelled(ctx.signal);
  const cancelled = settled.find((r) => r.status === 'rejected' && r.reason instanceof CancelledError);
  if (cancelled !== undefined) throw (cancelled as PromiseRejectedResult).reason;
  let stored = 0;
  let storageError: { error: unknown } | undefined;
  for (const result of settled) {
    if (result.status === 'rejected') storageError ??= { error: result.reason };
    else if (result.value.kind === 'failed') tally.photoFailed(result.value.failure);
    else if (result.value.kind === 'unchanged') {
      tally.unchanged(result.value.placeholder);
      stored += 1;
    } else {
      tally.stored(result.value.created, result.value.placeholder);
      stored += 1;
    }
  }
  const { source, listingUrl } = listing;
  if (storageError !== undefined) {
    tally.sourceFailed(toExtractionFailure(storageError.error, source, listingUrl, `Storing the photos of ${source} listing`));
  } else if (stored === 0) {
    const message = `None of the ${settled.length} photos of the ${source} listing ${listingUrl} could be downloaded and decoded`;
    tally.sourceFailed({ source, url: listingUrl, code: 'ALL_PHOTOS_FAILED', message });
  } else {
    tally.read(source);
    // Every listed photo settled as stored, duplicate, unchanged or failed.
    tally.checkDeclared(source, listingUrl, listing.declaredPhotoCount, settled.length);
  }
}

/**
 * Extracts the photos of one property from one source into `tally`: skips a
 * source without a listing, fails a source whose page cannot be read or
 * lists no photo, lists only in a dry run, otherwise processes every photo
 * with bounded concurrency. A source read whose page declares more photos
 * than it accounted for is noted in `tally` (the property ends `partial`).
 *
 * @param ctx - the property's extraction context
 * @param source - the source to read
 * @param tally - receives counts, skips and failures
 * @throws {@link CancelledError} when the signal is aborted, or the scraper or fetcher rejects with it (closed
 *   under the run), after in-flight photos settle
 */
export async function extractSource(ctx: ExtractionContext, source: Source, tally: OutcomeTally): Promise<void> {
  throwIfCancelled(ctx.signal);
  const listingUrl = ctx.property.listingUrls[source] ?? null;
  // A property with no listing URL at all (a new address) is always looked up by the sites' address search.
  const hasAnyUrl = Object.values(ctx.property.listingUrls).some((url) => url !== undefined && url !== '');
  if (listingUrl === null && !ctx.searchByAddress && hasAnyUrl) {
    tally.skip(source, `no ${source} listing URL for this property`);
    return;
  }
  const listing = await readListing(ctx, source, listingUrl, tally);
  if (listing === null) return;
  const { photos, fetchMode } = listing;
  tally.fetched(source, fetchMode);
  const listed = { type: 'photos-listed', propertyId: ctx.property.id, source, count: photos.length } as const;
  ctx.emit(fetchMode === undefined ? listed : { ...listed, fetchMode });
  tally.listed(photos.map((p) => p.photoId));
  if (photos.length === 0) {
    const message = `The ${source} listing page ${listing.listingUrl} lists no photos`;
    tally.sourceFailed({ source, url: listing.listingUrl, code: 'NO_PHOTOS', message });
    return;
  }
  if (ctx.dryRun) {
    for (const photo of photos) ctx.emit({ type: 'photo-listed-dry-run', propertyId: ctx.property.id, source, photoId: photo.photoId });
    tally.read(source);
    tally.checkDeclared(source, listing.listingUrl, listing.declaredPhotoCount, photos.length);
    return;
  }
  try {
    await ctx.photoIndex.load(ctx.repository, ctx.dryRun ? null : ctx.store);
  } catch (error) {
    throwIfCancelled(ctx.signal);
    tally.sourceFailed(toExtractionFailure(error, source, listing.listingUrl, `Reading the stored photos before ${source}`));
    return;
  }
  const settled = await Promise.allSettled(
    photos.map((photo, position) => ctx.photoLimit(() => processPhoto(ctx, source, photo, position))),
  );
  // Written even when cancelled: the sightings happened. A failed write fails the source like a failed photo write.
  const flushed = await ctx.sightings.flush().then(
    () => null,
    (error: unknown) => ({ status: 'rejected', reason: error }) as const,
  );
  settle(ctx, listing, flushed === null ? settled : [...settled, flushed], tally);
}

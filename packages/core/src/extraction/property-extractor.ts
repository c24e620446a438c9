import pLimit from 'p-limit';
import { z } from 'zod';
import { InvalidInputError, throwIfCancelled } from '../errors/index.js';
import { DEFAULT_DECODE_PHOTO_OPTIONS, DEFAULT_VARIANT_SPECS, PixelBudget, variantSpecsSchema } from '../images/index.js';
import type { VariantSpec } from '../images/index.js';
import { DEFAULT_MAX_PERCEPTUAL_DISTANCE } from '../photos/same-photo.js';
import type { PropertyOutcome } from '../model/extraction-job.js';
import { FETCH_MODES } from '../model/fetch-mode.js';
import type { FetchMode } from '../model/fetch-mode.js';
import type { JobId, PropertyId } from '../model/ids.js';
import type { Property } from '../model/property.js';
import { SOURCES } from '../model/source.js';
import type { Source } from '../model/source.js';
import { systemClock } from '../ports/clock.js';
import type { Clock } from '../ports/clock.js';
import type { ImageStore } from '../ports/image-store.js';
import { noopLogger } from '../ports/logger.js';
import type { Logger } from '../ports/logger.js';
import type { PhotoFetcher } from '../ports/photo-fetcher.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { PhotoScraper } from '../ports/photo-scraper.js';
import { parseInput } from '../validation/index.js';
import type { ExtractionContext } from './extraction-context.js';
import type { ExtractionEvent, ExtractionEventListener } from './extraction-event.js';
import { extractSource } from './extract-source.js';
import { OutcomeTally } from './outcome-tally.js';
import { PhotoIndex } from './photo-index.js';
import { SightingBatch } from './sighting-batch.js';

/** Options of {@link PropertyExtractor}. Dependencies are borrowed: the extractor never closes them. */
export interface PropertyExtractorOptions {
  /** A scraper per source; each requested source must have one. */
  readonly scrapers: Readonly<Partial<Record<Source, PhotoScraper>>>;
  /** Downloads photo bytes. */
  readonly fetcher: PhotoFetcher;
  /** Where photo files go. */
  readonly store: ImageStore;
  /** Where photo records go; decides new vs duplicate. */
  readonly repository: PhotoRepository;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock for `seenAt`; default the system clock. */
  readonly clock?: Clock;
  /** Photos of one property downloaded and decoded at once. Integer 1-64; default 4. */
  readonly photoConcurrency?: number;
  /** Largest accepted photo in pixels. Integer ≥ 1; default 100 000 000 (see `decodePhoto`). */
  readonly maxPixels?: number;
  /**
   * Bound on the pixels being decoded at once (see {@link PixelBudget}); give
   * the same budget to every extractor of a process to bound the process.
   * Default: a budget of this extractor's own of {@link DEFAULT_MAX_DECODE_PIXELS}.
   */
  readonly decodeBudget?: PixelBudget;
  /**
   * When `true`, a source without a listing URL is still asked (its scraper
   * resolves the listing from the address, or throws `ListingNotFoundError`,
   * which skips the source); when `false`, such a source is skipped at once
   * if the property has a listing URL on another source. A property with no
   * listing URL at all (a new address) is always searched on every requested
   * source. Default `false`.
   */
  readonly searchByAddress?: boolean;
  /**
   * Web variants written next to each stored original, as WebP, never
   * upscaled. Default {@link DEFAULT_VARIANT_SPECS}: `web` ≤ 2048 px and
   * `thumb` ≤ 400 px. An empty list writes none.
   */
  readonly variants?: readonly VariantSpec[];
  /**
   * Largest Hamming distance between perceptual hashes for two photos of a
   * property to count as one picture. Integer 0-32; 0 merges only identical
   * hashes. Default {@link DEFAULT_MAX_PERCEPTUAL_DISTANCE} (10).
   */
  readonly maxPerceptualDistance?: number;
  /**
   * When `true`, a photo already recorded whose URL is listed again is asked
   * for again with the ETags the hosts sent for it (`If-None-Match`): a 304,
   * or the same bytes, counts as unchanged (one request, no body on a 304);
   * other bytes at that URL are processed as a newly listed photo (new, or a
   * duplicate of a picture already stored). Records without an ETag, and
   * photos known by photo id only, are not asked for again. When `false`,
   * known photos cost no request at all (polite, but a photo replaced behind
   * the same URL goes unnoticed). Default `false`.
   */
  readonly revalidateKnownPhotos?: boolean;
}

/**
 * Default bound on the pixels being decoded at once by one extractor:
 * 100 000 000, one photo at the 100 MP limit or about fifty 2 MP listing
 * photos, so ordinary photos never wait.
 */
export const DEFAULT_MAX_DECODE_PIXELS = 100_000_000;

/** One request to {@link PropertyExtractor.extractProperty}. */
export interface ExtractPropertyRequest {
  /** Sources to read, in order; non-empty, each with a scraper. */
  readonly sources: readonly Source[];
  /** When `true`, photos are listed only: nothing is downloaded, stored or recorded. */
  readonly dryRun: boolean;
  /** The job this runs for (recorded with each photo), or `null` for an in-process run. */
  readonly jobId: JobId | null;
  /**
   * How the listing pages are fetched, passed to each scraper call as
   * `ScrapeRequest.fetchMode` (`auto`, `http` or `browser`); absent: each
   * scraper's own default.
   */
  readonly fetchMode?: FetchMode;
  /** Aborting it stops the extraction promptly with `CancelledError`; what was stored stays stored. */
  readonly signal?: AbortSignal;
  /** Receives progress events; must not throw (a throw is logged and ignored). */
  readonly onEvent?: ExtractionEventListener;
  /**
   * Runs `wait` (a pause between attempts at the property, e.g. a
   * `Retry-After`) with the property's concurrency slot handed to the next
   * property in line, and takes a slot again, waiting in line, before it
   * settles as `wait` did. Given by `runExtraction`; absent when the caller
   * holds no slot. `PropertyExtractor` itself never waits and ignores it;
   * a retrying wrapper (the job layer's) uses it.
   */
  readonly waitOutsideSlot?: <T>(wait: () => Promise<T>) => Promise<T>;
}

/** Anything that extracts one property the way {@link PropertyExtractor} does (tests may supply their own). */
export interface PropertyExtracting {
  /** See {@link PropertyExtractor.extractProperty}. */
  extractProperty(property: Property, request: ExtractPropertyRequest): Promise<PropertyOutcome>;
}

const hasMethod = (name: string) => (value: unknown) => typeof (value as Record<string, unknown> | null)?.[name] === 'function';

const optionsSchema = z.object({
  scrapers: z.partialRecord(z.enum(SOURCES), z.custom<PhotoScraper>(hasMethod('listPhotos'), 'must be a PhotoScraper')),
  fetcher: z.custom<PhotoFetcher>(hasMethod('fetchPhoto'), 'must be a PhotoFetcher'),
  store: z.custom<ImageStore>((v) => hasMethod('put')(v) && hasMethod('listFiles')(v), 'must be an ImageStore (put, get, list, listFiles)'),
  repository: z.custom<PhotoRepository>((v) => hasMethod('recordPhoto')(v) && hasMethod('markRemoved')(v), 'must be a PhotoRepository'),
  logger: z.custom<Logger>(hasMethod('child'), 'must be a Logger').default(() => noopLogger),
  clock: z.custom<Clock>(hasMethod('now'), 'must be a Clock').default(() => systemClock),
  photoConcurrency: z.number().int().min(1).max(64).default(4),
  maxPixels: z.number().int().positive().default(DEFAULT_DECODE_PHOTO_OPTIONS.maxPixels),
  // A function default: each extractor gets a budget of its own unless one is shared on purpose.
  decodeBudget: z
    .instanceof(PixelBudget, { message: 'must be a PixelBudget' })
    .default(() => new PixelBudget({ maxPixels: DEFAULT_MAX_DECODE_PIXELS })),
  searchByAddress: z.boolean().default(false),
  variants: variantSpecsSchema.default(() => [...DEFAULT_VARIANT_SPECS]),
  maxPerceptualDistance: z.number().int().min(0).max(32).default(DEFAULT_MAX_PERCEPTUAL_DISTANCE),
  revalidateKnownPhotos: z.boolean().default(false),
});

const requestSchema = z.object({
  sources: z.array(z.enum(SOURCES)).min(1, 'name at least one source'),
  dryRun: z.boolean(),
  jobId: z.string().min(1).nullable(),
  fetchMode: z.enum(FETCH_MODES).optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  onEvent: z.custom<ExtractionEventListener>((v) => typeof v === 'function', 'must be a function').optional(),
});

const propertySchema = z.object({
  id: z.string().min(1),
  address: z.string().min(1),
  listingUrls: z.partialRecord(z.enum(SOURCES), z.string()),
});

type ResolvedOptions = Required<PropertyExtractorOptions>;
type ParsedRequest = z.output<typeof requestSchema>;

function resolveOptions(options: PropertyExtractorOptions): ResolvedOptions {
  const o = parseInput(optionsSchema, options, 'PropertyExtractor options');
  return { ...o, logger: o.logger.child({ component: 'property-extractor' }), variants: o.variants as readonly VariantSpec[] };
}

/** After a run in which every source read succeeded: records no longer listed are marked removed. */
async function markRemoved(ctx: ExtractionContext, tally: OutcomeTally): Promise<void> {
  if (!tally.noSourceFailed || tally.sourcesRead.length === 0) return;
  const records = ctx.photoIndex.recordsForRemoval();
  const query = {
    propertyId: ctx.property.id,
    sourcesRead: tally.sourcesRead,
    listedPhotoIds: tally.listedPhotoIds,
    removedAt: ctx.clock.now(),
    // The index holds every record with this run's sightings (flushed after each source): no second read.
    ...(records === null ? {} : { records }),
  };
  const count = await ctx.repository.markRemoved(query);
  tally.removed(count);
  if (count > 0) {
    ctx.logger.info({ count }, 'photos no longer listed marked removed');
    ctx.emit({ type: 'photos-removed', propertyId: ctx.property.id, count });
  }
}

/** Writes the property's manifest when the store keeps one; a failure is logged, not fatal (the records are the truth). */
async function writeManifest(ctx: ExtractionContext): Promise<void> {
  if (ctx.store.writeManifest === undefined) return;
  try {
    const photos = await ctx.repository.listPhotos(ctx.property.id);
    await ctx.store.writeManifest(ctx.property.id, { propertyId: ctx.property.id, writtenAt: ctx.clock.now(), photos });
  } catch (error) {
    ctx.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'manifest not written');
  }
}

/** One line per property whose photos' files were stored again (missing, or damaged: another size than recorded). */
function logRestoredFiles(ctx: ExtractionContext): void {
  const { missing, sizeMismatch } = ctx.photoIndex.restoredFiles();
  if (missing + sizeMismatch > 0) ctx.logger.warn({ photos: missing + sizeMismatch, missing, sizeMismatch }, 'photo files stored again');
}

function safeEmitter(listener: ExtractionEventListener | undefined, logger: Logger): (event: ExtractionEvent) => void {
  return (event) => {
    if (listener === undefined) return;
    try {
      listener(event);
    } catch (error) {
      logger.warn({ event: event.type, error: error instanceof Error ? error.message : String(error) }, 'event listener threw');
    }
  };
}

/**
 * Extracts the listing photos of one property at a time: for each requested
 * source, reads the listing's gallery with that source's scraper, then
 * downloads each photo, validates it with `decodePhoto`, stores it as
 * `<sha256>.<ext>` and records it (the repository decides new vs duplicate).
 * Reports progress as {@link ExtractionEvent}s.
 *
 * Failure rules: a photo that cannot be downloaded or decoded fails alone; a
 * source whose page cannot be read, that lists no photo, whose every photo
 * failed, or whose photos cannot be stored fails, and so does the property;
 * a source without a listing is skipped. Safe to use for several properties
 * at once.
 *
 * @example
 * ```ts
 * import type { ImageStore, Logger, PhotoFetcher, PhotoRepository, PhotoScraper, Property } from '@phx/core';
 * declare const zillow: PhotoScraper, redfin: PhotoScraper, fetcher: PhotoFetcher;
 * declare const store: ImageStore, repository: PhotoRepository, logger: Logger, property: Property;
 * const extractor = new PropertyExtractor({ scrapers: { zillow, redfin }, fetcher, store, repository, logger });
 * const outcome = await extractor.extractProperty(property, { sources: ['zillow', 'redfin'], dryRun: false, jobId: null });
 * ```
 */
export class PropertyExtractor implements PropertyExtracting {
  readonly #o: ResolvedOptions;

  /**
   * @param options - scrapers, fetcher, store, repository and tuning; see {@link PropertyExtractorOptions}
   * @throws {@link InvalidInputError} listing every invalid option
   */
  constructor(options: PropertyExtractorOptions) {
    this.#o = resolveOptions(options);
  }

  /**
   * Extracts one property's photos from the requested sources, one source
   * after the other, and always releases the scrapers' hold on the property
   * at the end (`releaseProperty`).
   *
   * @param property - the property, with its listing URLs
   * @param request - sources, dry run, job id, fetch mode, abort signal, event listener
   * @returns the outcome: `completed` iff at least one source was read and
   *   none failed, with counts, sources read/skipped, the fetch mode that served each page read, and every failure
   * @throws {@link CancelledError} when `signal` is aborted, or a scraper or the fetcher rejects with it (closed
   *   under the run, e.g. `kit.close()`), after in-flight photos settle
   * @throws {@link InvalidInputError} when the property or request is invalid
   *   or a requested source has no scraper
   */
  async extractProperty(property: Property, request: ExtractPropertyRequest): Promise<PropertyOutcome> {
    const parsed = this.#validate(property, request);
    throwIfCancelled(parsed.signal);
    const ctx = this.#context(property, parsed);
    ctx.logger.info({ address: property.address, sources: parsed.sources, dryRun: parsed.dryRun }, 'property started');
    ctx.emit({ type: 'property-started', propertyId: property.id, address: property.address });
    const tally = new OutcomeTally(property);
    try {
      for (const source of parsed.sources) await extractSource(ctx, source, tally);
      if (!parsed.dryRun) await markRemoved(ctx, tally);
      if (!parsed.dryRun && tally.sourcesRead.length > 0) await writeManifest(ctx);
    } finally {
      await this.#release(property.id, parsed.sources, ctx.logger);
    }
    logRestoredFiles(ctx);
    const outcome = tally.toOutcome();
    ctx.logger.info({ status: outcome.status, newImages: outcome.newImages, failedImages: outcome.failedImages }, 'property finished');
    ctx.emit({ type: 'property-finished', outcome });
    return outcome;
  }

  #validate(property: Property, request: ExtractPropertyRequest): ParsedRequest {
    parseInput(propertySchema, property, 'property');
    const parsed = parseInput(requestSchema, request, 'extraction request');
    const missing = parsed.sources.filter((s) => this.#o.scrapers[s] === undefined);
    if (missing.length > 0) {
      const issues = missing.map((s) => ({ path: 'sources', message: `no scraper configured for ${s}` }));
      throw new InvalidInputError('extraction request', issues);
    }
    return { ...parsed, sources: [...new Set(parsed.sources)] };
  }

  #context(property: Property, request: ParsedRequest): ExtractionContext {
    const logger = this.#o.logger.child({ propertyId: property.id, jobId: request.jobId });
    return {
      ...this.#o,
      property,
      logger,
      dryRun: request.dryRun,
      jobId: request.jobId as JobId | null,
      fetchMode: request.fetchMode,
      signal: request.signal,
      photoLimit: pLimit(this.#o.photoConcurrency),
      recordLock: pLimit(1),
      photoIndex: new PhotoIndex(property.id),
      sightings: new SightingBatch(this.#o.repository),
      emit: safeEmitter(request.onEvent, logger),
    };
  }

  async #release(propertyId: PropertyId, sources: readonly Source[], logger: Logger): Promise<void> {
    const scrapers = new Set(sources.map((s) => this.#o.scrapers[s]));
    for (const scraper of scrapers) {
      try {
        await scraper?.releaseProperty(propertyId);
      } catch (error) {
        logger.warn({ source: scraper?.source, error: error instanceof Error ? error.message : String(error) }, 'releaseProperty failed');
      }
    }
  }
}

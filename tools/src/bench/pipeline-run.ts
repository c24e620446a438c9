import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileImageStore, MemoryPhotoRepository, PixelBudget, PropertyExtractor, runExtraction, toPropertyId } from '@phx/core';
import type {
  FetchedPhoto,
  ListingPhotos,
  PhotoFetcher,
  PhotoFetchRequest,
  PhotoScraper,
  Property,
  PropertyOutcome,
  ScrapeRequest,
} from '@phx/core';
import type { BenchPhoto } from './bench-inputs.js';

const PHOTO_HOST = 'https://photos.bench.invalid';

/** Serves the benchmark photos' bytes from memory, as a photo host would. */
class MemoryPhotoFetcher implements PhotoFetcher {
  constructor(private readonly bodies: ReadonlyMap<string, Buffer>) {}

  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    const bytes = this.bodies.get(request.url);
    if (bytes === undefined) throw new Error(`no bench photo at ${request.url}`);
    return { url: request.url, bytes, contentType: 'image/jpeg', etag: null, lastModified: null };
  }
}

/** Lists each bench property's photos without a browser. */
class MemoryGalleryScraper implements PhotoScraper {
  readonly source = 'zillow' as const;

  constructor(private readonly galleries: ReadonlyMap<string, readonly BenchPhoto[]>) {}

  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    const photos = (this.galleries.get(request.property.id) ?? []).map((p) => ({
      photoId: p.name,
      url: `${PHOTO_HOST}/${encodeURIComponent(p.name)}.jpg`,
      widthPx: null,
      heightPx: null,
      caption: null,
      variants: [],
    }));
    return { source: 'zillow', listingUrl: request.listingUrl ?? '', photos };
  }

  async releaseProperty(): Promise<void> {}
}

/** Options of {@link runPipeline}. */
export interface PipelineRunOptions {
  /** Photos per property (one listing each). */
  readonly photosPerProperty: number;
  /** Properties extracted at once. */
  readonly propertyConcurrency: number;
  /** Photos of one property in flight at once. */
  readonly photoConcurrency: number;
  /** Flush each stored file to disk before naming it. */
  readonly fsync: boolean;
  /** Pixels being decoded at once across the run (the worker's `MAX_DECODE_PIXELS`); default core's. */
  readonly maxDecodePixels?: number;
}

/**
 * Runs the photos through core's full pipeline: listing, download (from
 * memory), validation, upright decode, perceptual hash, de-duplication,
 * variants, atomic file writes in a fresh folder, records (in memory).
 * The folder is removed afterwards.
 *
 * @param photos - the inputs
 * @param options - batching and concurrency
 * @returns the property outcomes
 */
export async function runPipeline(photos: readonly BenchPhoto[], options: PipelineRunOptions): Promise<PropertyOutcome[]> {
  const rootDir = await mkdtemp(join(tmpdir(), 'phx-bench-images-'));
  try {
    const galleries = new Map<string, BenchPhoto[]>();
    const properties: Property[] = [];
    for (let i = 0; i < photos.length; i += options.photosPerProperty) {
      const id = toPropertyId(`bench-${properties.length + 1}`);
      galleries.set(id, photos.slice(i, i + options.photosPerProperty));
      properties.push({
        id,
        address: `${properties.length + 1} Bench Way, Phoenix, AZ 85001`,
        listingUrls: { zillow: `https://www.zillow.com/homedetails/${id}/` },
      });
    }
    const bodies = new Map(photos.map((p) => [`${PHOTO_HOST}/${encodeURIComponent(p.name)}.jpg`, p.bytes] as const));
    const extractor = new PropertyExtractor({
      scrapers: { zillow: new MemoryGalleryScraper(galleries) },
      fetcher: new MemoryPhotoFetcher(bodies),
      store: new FileImageStore({ rootDir, fsync: options.fsync }),
      repository: new MemoryPhotoRepository(),
      photoConcurrency: options.photoConcurrency,
      ...(options.maxDecodePixels === undefined ? {} : { decodeBudget: new PixelBudget({ maxPixels: options.maxDecodePixels }) }),
    });
    return await runExtraction(
      { properties, sources: ['zillow'], dryRun: false, jobId: null, propertyConcurrency: options.propertyConcurrency },
      extractor,
    );
  } finally {
    await rm(rootDir, { recursive: true, force: true });
  }
}

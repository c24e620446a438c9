import type { LimitFunction } from 'p-limit';
import type { PixelBudget, VariantSpec } from '../images/index.js';
import type { FetchMode } from '../model/fetch-mode.js';
import type { JobId } from '../model/ids.js';
import type { Property } from '../model/property.js';
import type { Source } from '../model/source.js';
import type { Clock } from '../ports/clock.js';
import type { ImageStore } from '../ports/image-store.js';
import type { Logger } from '../ports/logger.js';
import type { PhotoFetcher } from '../ports/photo-fetcher.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { PhotoScraper } from '../ports/photo-scraper.js';
import type { ExtractionEvent } from './extraction-event.js';
import type { PhotoIndex } from './photo-index.js';
import type { SightingBatch } from './sighting-batch.js';

/** Everything the steps of one property's extraction share (internal to the extraction folder). */
export interface ExtractionContext {
  readonly property: Property;
  readonly scrapers: Readonly<Partial<Record<Source, PhotoScraper>>>;
  readonly fetcher: PhotoFetcher;
  readonly store: ImageStore;
  readonly repository: PhotoRepository;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly maxPixels: number;
  /** Bound on the pixels being decoded at once, shared with whoever else holds it. */
  readonly decodeBudget: PixelBudget;
  readonly variants: readonly VariantSpec[];
  readonly maxPerceptualDistance: number;
  readonly searchByAddress: boolean;
  /** Ask hosts again about known photos with their ETags (see `PropertyExtractorOptions.revalidateKnownPhotos`). */
  readonly revalidateKnownPhotos: boolean;
  readonly dryRun: boolean;
  readonly jobId: JobId | null;
  /** Passed to each scraper call as `ScrapeRequest.fetchMode`; `undefined`: the scraper's default. */
  readonly fetchMode: FetchMode | undefined;
  readonly signal: AbortSignal | undefined;
  /** Bounds the photos of this property in flight at once. */
  readonly photoLimit: LimitFunction;
  /** Runs the find-store-record step of one photo at a time, so two copies of one picture cannot both become canonical. */
  readonly recordLock: LimitFunction;
  /** The property's photo records, read once (see `PhotoIndex`). */
  readonly photoIndex: PhotoIndex;
  /** Sightings of known records waiting to be written together; flushed after each source's photos settle. */
  readonly sightings: SightingBatch;
  /** Sends an event to the listener; never throws. */
  readonly emit: (event: ExtractionEvent) => void;
}

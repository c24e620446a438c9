import { PropertyExtractor } from '@phx/core';
import type { FetchMode, ImageStore, IsolationMode, Logger, PhotoRepository, PixelBudget, PropertyExtracting, Source } from '@phx/core';
import type { JobScraperMode, StoredExtractionJob } from '../repository/job-document.js';
import { ScraperModeMismatchError } from '../errors/job-error.js';
import { createScraperKit } from '@phx/scrapers';
import type { CircuitState, ScraperKit, ScraperKitMode } from '@phx/scrapers';

/** Options of {@link ExtractorFactory}. Store and repository are borrowed. */
export interface ExtractorFactoryOptions {
  /** Live sites or replay of the saved fixtures. */
  readonly mode: ScraperKitMode;
  /** Where photo files go. */
  readonly store: ImageStore;
  /** Where photo records go. */
  readonly repository: PhotoRepository;
  /** Logger of the kits and extractors. */
  readonly logger: Logger;
  /** Ask photo hosts again about known photos with their ETags; see core's `PropertyExtractorOptions.revalidateKnownPhotos`. Default `false`. */
  readonly revalidateKnownPhotos?: boolean;
  /**
   * Bound on the pixels being decoded at once, shared by the extractors of
   * every isolation mode (so by all the worker's jobs). Default: core's
   * `PropertyExtractor` default, one budget per extractor.
   */
  readonly decodeBudget?: PixelBudget;
  /**
   * Pages the shared browser context of the `virtual` kit serves before a
   * fresh one replaces it (1-100 000), or `null` never to replace it; see
   * scrapers' `BrowserPoolOptions.retireContextAfterPages`. Default: the
   * scrapers' default (100).
   */
  readonly retireContextAfterPages?: number | null;
  /**
   * How the kits fetch listing pages when a job names no mode (the worker's
   * `FETCH_MODE`): `auto`, `http` or `browser`; a job's own `fetchMode` is
   * passed per page read instead. Default: the scrapers' default (`auto`).
   */
  readonly fetchMode?: FetchMode;
  /**
   * Forward proxies per source for the live sites (`ZILLOW_PROXY_URLS`, `REDFIN_PROXY_URLS`), given to every kit
   * as `ScraperKitOptions.proxies`: sticky sessions per property, rotation when one is walled or its proxy fails.
   * Default none (direct connections).
   */
  readonly proxies?: Readonly<Partial<Record<Source, readonly string[]>>>;
}

/**
 * Gives each job the extractor for its isolation mode: one scraper kit (and
 * its Chromium) per isolation mode, made when a job first needs it and shared
 * by the jobs that follow. Owns the kits: `close()` closes them.
 */
export class ExtractorFactory {
  private readonly options: ExtractorFactoryOptions;
  private readonly kits = new Map<IsolationMode, Promise<ScraperKit>>();
  private readonly extractors = new Map<IsolationMode, Promise<PropertyExtracting>>();

  /**
   * @param options - scraper mode, store, repository, logger
   */
  constructor(options: ExtractorFactoryOptions) {
    this.options = options;
  }

  /**
   * @param job - the job to run
   * @returns the extractor for its isolation mode
   * @throws core's `InvalidInputError` from `createScraperKit` for a bad scraper setting (a missing fixtures folder, for one)
   * @throws {@link ScraperModeMismatchError} (rejected) for a job an in-process run of the other scraper mode wrote
   */
  forJob(job: StoredExtractionJob): Promise<PropertyExtracting> {
    // Typed as the job's field: a scraper mode the job documents cannot name would not compile here.
    const workerMode: JobScraperMode = this.options.mode.kind;
    if (job.scraperMode !== undefined && job.scraperMode !== workerMode) {
      return Promise.reject(new ScraperModeMismatchError(job.id, job.scraperMode, workerMode));
    }
    const mode = job.isolationMode;
    let extractor = this.extractors.get(mode);
    if (extractor === undefined) {
      extractor = this.kitFor(mode).then(
        (kit) =>
          new PropertyExtractor({
            scrapers: kit.scrapers,
            fetcher: kit.fetcher,
            store: this.options.store,
            repository: this.options.repository,
            logger: this.options.logger,
            revalidateKnownPhotos: this.options.revalidateKnownPhotos ?? false,
            ...(this.options.decodeBudget === undefined ? {} : { decodeBudget: this.options.decodeBudget }),
          }),
      );
      extractor.catch(() => this.extractors.delete(mode));
      this.extractors.set(mode, extractor);
    }
    return extractor;
  }

  /**
   * The circuit breaker state of each source's page scraper, over the kits
   * made so far: the least closed state across kits (`open` before
   * `half-open` before `closed`). Waits for kits still being made.
   *
   * @returns one state per source that has a scraper in a kit; empty before any job
   */
  async circuitStates(): Promise<Map<Source, CircuitState>> {
    const rank = (state: CircuitState): number => (state === 'open' ? 2 : state === 'half-open' ? 1 : 0);
    const states = new Map<Source, CircuitState>();
    for (const pending of [...this.kits.values()]) {
      const kit = await pending.catch(() => null);
      if (kit === null) continue;
      for (const [source, scraper] of Object.entries(kit.scrapers) as [Source, ScraperKit['scrapers'][Source]][]) {
        const state = scraper.guard.circuitState;
        if (rank(state) >= rank(states.get(source) ?? 'closed')) states.set(source, state);
      }
    }
    return states;
  }

  /** Closes every kit made (browsers, replay server). Idempotent. */
  async close(): Promise<void> {
    const kits = [...this.kits.values()];
    this.kits.clear();
    this.extractors.clear();
    await Promise.all(kits.map(async (kit) => (await kit.catch(() => null))?.close()));
  }

  private kitFor(isolationMode: IsolationMode): Promise<ScraperKit> {
    let kit = this.kits.get(isolationMode);
    if (kit === undefined) {
      const logger = this.options.logger.child({ isolationMode });
      const retire = this.options.retireContextAfterPages;
      kit = createScraperKit({
        mode: this.options.mode,
        isolationMode,
        logger,
        ...(retire === undefined ? {} : { retireContextAfterPages: retire }),
        ...(this.options.fetchMode === undefined ? {} : { fetchMode: this.options.fetchMode }),
        ...(this.options.proxies === undefined ? {} : { proxies: this.options.proxies }),
      });
      kit.catch(() => this.kits.delete(isolationMode));
      this.kits.set(isolationMode, kit);
      logger.info({ mode: this.options.mode.kind }, 'scraper kit created');
    }
    return kit;
  }
}

import { ListingNotFoundError, noopLogger, parseInput, throwIfCancelled } from '@phx/core';
import type { Logger, PhotoScraper, PropertyId, ScrapeRequest, Source } from '@phx/core';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { PhotoDataMissingError } from '../errors/index.js';
import type { PageSnapshot, ParsedListing, ScrapedListing } from '../listing/index.js';
import { BrowserPool } from './browser-pool.js';
import { loadListingPage } from './page-loader.js';

/** Options shared by the site scrapers. */
export interface ListingScraperOptions {
  /** The browser pool to load pages in; borrowed, never closed by the scraper. */
  readonly pool: BrowserPool;
  /** Time allowed for a listing page to arrive, in ms (1 000-300 000). Default 45 000. */
  readonly navigationTimeoutMs?: number;
  /** Extra time to wait for the page's `load` event, in ms (0-60 000). Default 5 000. */
  readonly settleMs?: number;
  /** Logger; default drops everything. */
  readonly logger?: Logger;
}

/** Defaults of {@link ListingScraperOptions}. */
export const DEFAULT_LISTING_SCRAPER_OPTIONS = Object.freeze({
  navigationTimeoutMs: 45_000,
  settleMs: 5_000,
});

const optionsSchema = z
  .object({
    pool: z.instanceof(BrowserPool, { message: 'must be a BrowserPool' }),
    navigationTimeoutMs: z.number().int().min(1_000).max(300_000).optional(),
    settleMs: z.number().int().min(0).max(60_000).optional(),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).optional(),
  })
  .strict();

/**
 * The navigation half of a site scraper: loads the listing page in the pool's
 * browser state for the property, checks for bot walls and removed listings,
 * and hands the page to the site's pure parser (the HTML as served first,
 * then the rendered DOM). Subclasses supply the site-specific steps.
 */
export abstract class ListingPageScraper implements PhotoScraper {
  /** The site this scraper reads. */
  abstract readonly source: Source;
  /** The pool pages are loaded in. */
  protected readonly pool: BrowserPool;
  /** Logger of this scraper. */
  protected readonly logger: Logger;
  private readonly navigationTimeoutMs: number;
  private readonly settleMs: number;

  /**
   * @param options - pool, timeouts and logger
   * @param component - name for the logger
   * @throws `InvalidInputError` (core) listing every bad option
   */
  protected constructor(options: ListingScraperOptions, component: string) {
    parseInput(optionsSchema, options, `${component} options`);
    this.pool = options.pool;
    this.navigationTimeoutMs = options.navigationTimeoutMs ?? DEFAULT_LISTING_SCRAPER_OPTIONS.navigationTimeoutMs;
    this.settleMs = options.settleMs ?? DEFAULT_LISTING_SCRAPER_OPTIONS.settleMs;
    this.logger = (options.logger ?? noopLogger).child({ component });
  }

  /**
   * Reads the listing's photos from its page.
   *
   * @param request - property, listing URL (else `property.listingUrls[source]`) and abort signal
   * @returns the gallery in order, with how it was found; empty only when the page's data says the listing has no photos
   * @throws `ListingNotFoundError` (core) when no listing URL is known for the property
   * @throws {@link UnsupportedUrlError} when the URL is not a detail page URL of this site
   * @throws {@link BotWallError} when the site answers with a bot wall (kind `blocked`)
   * @throws {@link ListingRemovedError} when the page is gone (404/410, redirect away from the listing)
   * @throws {@link PhotoDataMissingError} when the page loaded but no photo data was found
   * @throws {@link NavigationError} on timeouts, network errors, 429 and 5xx (kind `transient`)
   * @throws `CancelledError` (core) when `request.signal` aborts
   */
  async listPhotos(request: ScrapeRequest): Promise<ScrapedListing> {
    throwIfCancelled(request.signal);
    const url = request.listingUrl ?? request.property.listingUrls[this.source] ?? null;
    if (url === null) {
      throw new ListingNotFoundError(this.source, request.property.address, 'no listing URL was given and address search is not available');
    }
    this.checkListingUrl(url);
    const started = Date.now();
    const log = { propertyId: request.property.id, source: this.source, url };
    const result = await this.pool.withPage(
      request.property.id,
      async (page) => {
        const snapshot = await loadListingPage(page, url, {
          source: this.source,
          timeoutMs: this.navigationTimeoutMs,
          settleMs: this.settleMs,
          ...(request.signal === undefined ? {} : { signal: request.signal }),
        });
        this.assertNotBotWall(snapshot);
        this.assertStillListed(snapshot);
        const parsed = this.parseSnapshot(snapshot);
        return this.complete(page, snapshot, parsed, request.signal);
      },
      request.signal,
    );
    const photos: ScrapedListing = { source: this.source, listingUrl: result.url, ...result.parsed };
    if (result.parsed.declaredPhotoCount !== null && result.parsed.declaredPhotoCount > photos.photos.length) {
      this.logger.warn(
        { ...log, photos: photos.photos.length, declared: result.parsed.declaredPhotoCount, dataPath: photos.dataPath },
        'gallery shorter than the page declares',
      );
    }
    this.logger.info({ ...log, photos: photos.photos.length, dataPath: photos.dataPath, durationMs: Date.now() - started }, 'listing photos read');
    return photos;
  }

  /**
   * Releases the property's browser state in the pool. Idempotent.
   *
   * @param propertyId - the property that is done
   */
  releaseProperty(propertyId: PropertyId): Promise<void> {
    return this.pool.releaseProperty(propertyId);
  }

  /** Throws `UnsupportedUrlError` unless `url` is a detail page URL of this site. */
  protected abstract checkListingUrl(url: string): void;
  /** Throws `BotWallError` when the snapshot is a bot wall. */
  protected abstract assertNotBotWall(snapshot: PageSnapshot): void;
  /** Throws `ListingRemovedError` when the page is no longer the listing (e.g. redirected to a search page). */
  protected abstract assertStillListed(snapshot: PageSnapshot): void;
  /** The site's pure page parser. */
  protected abstract parse(html: string, url: string): ParsedListing;

  /**
   * Lets a site fill in what the page left out (e.g. a gallery the page
   * rendered only in part). Default: nothing.
   */
  protected complete(
    _page: Page,
    snapshot: PageSnapshot,
    parsed: ParsedListing,
    _signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    return Promise.resolve({ url: snapshot.finalUrl, parsed });
  }

  private parseSnapshot(snapshot: PageSnapshot): ParsedListing {
    try {
      return this.parse(snapshot.html, snapshot.finalUrl);
    } catch (served) {
      if (!(served instanceof PhotoDataMissingError) || snapshot.renderedHtml === snapshot.html) throw served;
      try {
        return this.parse(snapshot.renderedHtml, snapshot.finalUrl);
      } catch (rendered) {
        if (!(rendered instanceof PhotoDataMissingError)) throw rendered;
        throw new PhotoDataMissingError(snapshot.finalUrl, this.source, [
          ...served.pathsTried.map((p) => `served HTML: ${p}`),
          ...rendered.pathsTried.map((p) => `rendered DOM: ${p}`),
        ]);
      }
    }
  }
}

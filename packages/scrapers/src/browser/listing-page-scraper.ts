import { ListingNotFoundError, noopLogger, parseInput, throwIfCancelled } from '@phx/core';
import type { Logger, PhotoScraper, Property, PropertyId, ScrapeRequest, Source } from '@phx/core';
import type { Page } from 'playwright-core';
import { z } from 'zod';
import { BrowserCrashedError, LayoutChangedError, NotAListingPageError, PhotoDataMissingError } from '../errors/index.js';
import type { NonListingPage } from '../errors/index.js';
import type { PageSnapshot, ParsedListing, ScrapedListing } from '../listing/index.js';
import { HostRateLimiter } from '../politeness/host-rate-limiter.js';
import { DEFAULT_POLITENESS_OPTIONS, politenessOptionsSchema, resolvePolitenessOptions } from '../politeness/politeness-options.js';
import type { ResolvedPolitenessOptions } from '../politeness/politeness-options.js';
import { SourceGuard } from '../politeness/source-guard.js';
import { eitherSignal } from '../politeness/abortable.js';
import type { JoinedSignal } from '../politeness/abortable.js';
import { checkFindListingUrlArgs, checkScrapeRequest } from './scraper-call-inputs.js';
import { BrowserPool } from './browser-pool.js';
import { loadListingPage } from './page-loader.js';
import type { PageDataReadiness } from './page-loader.js';

/** `true` for the parse failures that the rendered DOM may still answer. */
function isUnreadable(error: unknown): error is PhotoDataMissingError | LayoutChangedError {
  return error instanceof PhotoDataMissingError || error instanceof LayoutChangedError;
}

/** Added to navigation and settle time to make the default attempt timeout, in ms. */
const ATTEMPT_SLACK_MS = 30_000;

/**
 * Run-time schema of {@link ListingScraperOptions}, with their defaults (the
 * one place they are written; the scraper kit's `navigationTimeoutMs` is this
 * field). The site scrapers parse their options with it once.
 */
export const listingScraperOptionsSchema = z
  .object({
    /** The browser pool to load pages in; borrowed, never closed by the scraper. */
    pool: z.instanceof(BrowserPool, { message: 'must be a BrowserPool' }),
    /** Time allowed for a listing page's HTML (headers and whole body) to arrive, in ms (1 000-300 000). Default 45 000. */
    navigationTimeoutMs: z.number().int().min(1_000).max(300_000).default(45_000),
    /**
     * Time allowed for the data step once the page's HTML arrived, in ms
     * (0-60 000): the rendered DOM is watched for what the parser needs (the
     * listing data or the rendered gallery) unless the HTML as served already
     * holds it; the `load` event is never awaited. Default 5 000.
     */
    settleMs: z.number().int().min(0).max(60_000).default(5_000),
    /**
     * Time allowed for one whole attempt at a page (navigation, settling,
     * reading), in ms (1 000-900 000). When it passes the browser is taken as
     * hung: it is replaced and the property retried once. Default
     * `navigationTimeoutMs + settleMs + 30 000`.
     */
    attemptTimeoutMs: z.number().int().min(1_000).max(900_000).exactOptional(),
    /** Request rate, concurrency, retries and circuit breaker of this source. Default {@link DEFAULT_POLITENESS_OPTIONS}. */
    politeness: politenessOptionsSchema.exactOptional(),
    /** Defaults for unset politeness fields (the kit passes the replay ones in replay). Default {@link DEFAULT_POLITENESS_OPTIONS}. */
    politenessDefaults: z
      .custom<ResolvedPolitenessOptions>((v) => typeof v === 'object' && v !== null)
      .default(() => DEFAULT_POLITENESS_OPTIONS),
    /** Logger; default drops everything. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).default(() => noopLogger),
  })
  .strict();

/** Options shared by the site scrapers. */
export type ListingScraperOptions = z.input<typeof listingScraperOptionsSchema>;

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
  /** Spaces this source's page and API requests per host. */
  protected readonly limiter: HostRateLimiter;
  private readonly navigationTimeoutMs: number;
  private readonly settleMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly politeness: ResolvedPolitenessOptions;
  private guardOf: SourceGuard | null = null;

  /**
   * @param options - pool, timeouts and logger
   * @param component - name for the logger
   * @throws `InvalidInputError` (core) listing every bad option
   */
  protected constructor(options: ListingScraperOptions, component: string) {
    const o = parseInput(listingScraperOptionsSchema, options, `${component} options`);
    this.pool = o.pool;
    this.navigationTimeoutMs = o.navigationTimeoutMs;
    this.settleMs = o.settleMs;
    this.attemptTimeoutMs = o.attemptTimeoutMs ?? o.navigationTimeoutMs + o.settleMs + ATTEMPT_SLACK_MS;
    this.politeness = resolvePolitenessOptions(o.politeness, o.politenessDefaults);
    this.limiter = new HostRateLimiter({ requestsPerSecond: this.politeness.pageRequestsPerSecond, jitterMs: this.politeness.jitterMs });
    this.logger = o.logger.child({ component });
  }

  /** The guard of this source: concurrency, retries and circuit breaker (made on first use, once `source` is set). */
  get guard(): SourceGuard {
    const p = this.politeness;
    this.guardOf ??= new SourceGuard({
      source: this.source,
      concurrency: p.pageConcurrency,
      maxRetries: p.maxRetries,
      initialBackoffMs: p.initialBackoffMs,
      maxBackoffMs: p.maxBackoffMs,
      jitterMs: p.jitterMs,
      blocksToOpenCircuit: p.blocksToOpenCircuit,
      circuitOpenMs: p.circuitOpenMs,
      logger: this.logger,
    });
    return this.guardOf;
  }

  /**
   * Reads the listing's photos from its page.
   *
   * @param request - property, listing URL (else `property.listingUrls[source]`, else the site's address search) and abort signal
   * @returns the gallery in order, with how it was found; empty only when the page's data says the listing has no photos
   * @throws `ListingNotFoundError` (core) when no listing URL is known and none is found for the address
   * @throws {@link UnsupportedUrlError} when the URL is not a detail page URL of this site
   * @throws {@link BotWallError} when the site answers with a bot wall (kind `blocked`)
   * @throws {@link ListingRemovedError} when the page is gone (404/410, redirect away from the listing)
   * @throws {@link PhotoDataMissingError} when the page loaded but no photo data was found
   * @throws {@link NotAListingPageError} when the page at the listing URL is another kind of page (search results with N home cards...)
   * @throws {@link LayoutChangedError} when the page's listing data cannot be trusted (e.g. emptied photo arrays
   *   without the count that would confirm "no photos"); also logged as the error `page layout changed`
   * @throws {@link NavigationError} on timeouts, network errors, 429 and 5xx (kind `transient`), after the retries
   * @throws {@link RateLimitedError} when a site data API the scraper asks (Redfin `aboveTheFold`) answers 429/503 (kind
   *   `transient`, `retryAfterMs`), after the retries, each waiting at least `Retry-After`
   * @throws {@link UnexpectedContentError} when such an API answers an HTML page where JSON is expected (kind `transient`), after the retries
   * @throws {@link BrowserCrashedError} when the browser crashed or hung twice in a row for this page
   * @throws {@link BrowserLaunchError} when the pool's `chromiumPath` does not start as Chromium
   * @throws {@link SourceBlockedError} when this source's circuit is open after repeated bot walls
   * @throws `CancelledError` (core) promptly when `request.signal` aborts or the pool is closed, whether the call runs, waits in line or backs off
   * @throws `InvalidInputError` (core) `listPhotos request` naming each bad field: a request that is not an object
   *   or has unknown keys, `property` (with `id`, `address` and `listingUrls`), `listingUrl` (a URL string, a `URL`
   *   object read as its `href`, or `null`/left out to use `property.listingUrls` or search the address),
   *   `property.address` when it is blank and no URL is known, `signal` when it is not an `AbortSignal`
   */
  async listPhotos(request: ScrapeRequest): Promise<ScrapedListing> {
    const { property, listingUrl, signal: given } = checkScrapeRequest(request, this.source);
    const signal = this.callSignal(given);
    try {
      return await this.listPhotosUnder(property, listingUrl, signal);
    } finally {
      signal.clear();
    }
  }

  private async listPhotosUnder(property: Property, listingUrl: string | null, signal: AbortSignal): Promise<ScrapedListing> {
    const url = listingUrl ?? property.listingUrls[this.source] ?? (await this.searchAddress(property.address, property.id, signal));
    this.checkListingUrl(url);
    const started = Date.now();
    const log = { propertyId: property.id, source: this.source, url };
    const result = await this.readListing(property.id, url, signal);
    const photos: ScrapedListing = { source: this.source, listingUrl: result.url, ...result.parsed };
    if (result.parsed.declaredPhotoCount !== null && result.parsed.declaredPhotoCount > photos.photos.length) {
      this.logger.warn(
        { ...log, photos: photos.photos.length, declared: result.parsed.declaredPhotoCount, dataPath: photos.dataPath },
        'gallery shorter than the page declares',
      );
    }
    this.logger.info(
      { ...log, photos: photos.photos.length, dataPath: photos.dataPath, durationMs: Date.now() - started },
      'listing photos read',
    );
    return photos;
  }

  /**
   * Finds the listing page of an address on this site the way a person's
   * browser would (the site's own address search), politely like any page.
   *
   * @param address - a street address, e.g. `1000 Plymouth Dr, Austin, TX 78758`
   * @param options - abort signal, and the property whose browser state to use (default one derived from the address)
   * @returns the listing page URL
   * @throws `ListingNotFoundError` (core) when the site has no listing for the address
   * @throws {@link BotWallError}, {@link NavigationError}, {@link SourceBlockedError}, {@link BrowserLaunchError} as {@link listPhotos} does
   * @throws `CancelledError` (core) when the signal aborts or the pool is closed
   * @throws `InvalidInputError` (core) `findListingUrl arguments` naming `address` (not a string, or blank: nothing
   *   is searched), `options` (not an object, unknown keys) or `options.signal` (not an `AbortSignal`)
   */
  async findListingUrl(address: string, options?: { readonly signal?: AbortSignal; readonly propertyId?: PropertyId }): Promise<string> {
    const args = checkFindListingUrlArgs(address, options);
    const signal = this.callSignal(args.signal);
    const searchId = args.propertyId ?? (`address-search:${address}` as PropertyId);
    try {
      return await this.searchAddress(address, searchId, signal);
    } finally {
      signal.clear();
      if (args.propertyId === undefined) await this.pool.releaseProperty(searchId); // the browser state made for this search only
    }
  }

  /**
   * The signal a public call works under: the caller's (checked already)
   * joined with the pool's "closed" signal.
   *
   * @param given - the caller's signal, if any
   * @returns the joined signal, not aborted yet; `clear()` it when the call ends
   * @throws `CancelledError` (core) when either signal has aborted already
   */
  private callSignal(given: AbortSignal | undefined): JoinedSignal {
    const signal = eitherSignal(given, this.pool.closedSignal);
    if (signal.aborted) signal.clear();
    throwIfCancelled(signal);
    return signal;
  }

  /**
   * The site's address search. Default: none, so `ListingNotFoundError`.
   *
   * @param address - the address
   * @param _propertyId - the property whose browser state to use
   * @param _signal - aborts the search
   * @returns the listing page URL
   * @throws `ListingNotFoundError` (core) when no listing is found
   */
  protected searchAddress(address: string, _propertyId: PropertyId, _signal: AbortSignal | undefined): Promise<string> {
    return Promise.reject(new ListingNotFoundError(this.source, address, 'no listing URL was given and this site has no address search'));
  }

  /**
   * Runs `work` on a page of the property's browser state, politely: under
   * the source's guard (concurrency, retries, circuit breaker), after the
   * host's rate limit, within the attempt time limit, and once more on a
   * fresh browser if the browser crashed or hung.
   *
   * @param propertyId - whose browser state to use
   * @param url - the URL `work` loads first (rate limit key, errors)
   * @param signal - aborts everything
   * @param work - loads `url` in the page and reads it
   * @returns what `work` returns
   */
  protected inPage<T>(
    propertyId: PropertyId,
    url: string,
    signal: AbortSignal | undefined,
    work: (page: Page, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const once = async (): Promise<T> => {
      await this.limiter.acquire(url, signal);
      return this.pool.withPage(propertyId, (page) => work(page, signal), {
        ...(signal === undefined ? {} : { signal }),
        timeoutMs: this.attemptTimeoutMs,
        url,
        source: this.source,
      });
    };
    return this.guard.run(url, signal, async (attempt) => {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof BrowserCrashedError)) throw error;
        this.logger.warn(
          { propertyId, source: this.source, url, attempt, failure: error.failure },
          'browser failed under the page; retrying once',
        );
        return once();
      }
    });
  }

  /**
   * Loads a page as a listing scraper does (status checks, data step, abort).
   *
   * @param page - the page
   * @param url - the URL
   * @param signal - aborts the load
   * @param dataReady - what to wait for after the HTML arrived; default the `load` event
   * @returns the snapshot
   */
  protected loadPage(page: Page, url: string, signal: AbortSignal | undefined, dataReady?: PageDataReadiness): Promise<PageSnapshot> {
    return loadListingPage(page, url, {
      source: this.source,
      timeoutMs: this.navigationTimeoutMs,
      settleMs: this.settleMs,
      ...(dataReady === undefined ? {} : { dataReady }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  private readListing(
    propertyId: PropertyId,
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    const dataReady: PageDataReadiness = {
      ...this.renderedDataReady,
      servedHtmlReady: (html) => {
        try {
          this.parse(html, url);
          return true;
        } catch {
          return false;
        }
      },
    };
    return this.inPage(propertyId, url, signal, async (page) => {
      const snapshot = await this.loadPage(page, url, signal, dataReady);
      this.assertNotBotWall(snapshot);
      this.assertStillListed(snapshot);
      const parsed = this.parseSnapshot(snapshot);
      return this.complete(page, snapshot, parsed, signal);
    });
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
  /** What the page is when it is not a listing (search results, map...), or `null`; asked only when parsing failed. */
  protected abstract describeNonListing(html: string): NonListingPage | null;
  /** What the parser needs in the rendered DOM (when the HTML as served does not hold it), for the loader to wait for. */
  protected abstract readonly renderedDataReady: Pick<PageDataReadiness, 'description' | 'domReady'>;
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
      if (!isUnreadable(served)) throw served;
      if (snapshot.renderedHtml === snapshot.html) throw this.reported(this.nonListingOr(served, snapshot), snapshot);
      try {
        return this.parse(snapshot.renderedHtml, snapshot.finalUrl);
      } catch (rendered) {
        if (!isUnreadable(rendered)) throw this.reported(rendered, snapshot);
        const other = this.describeNonListing(snapshot.html) ?? this.describeNonListing(snapshot.renderedHtml);
        if (other !== null) throw new NotAListingPageError(snapshot.finalUrl, this.source, other);
        const pathsTried = [...served.pathsTried.map((p) => `served HTML: ${p}`), ...rendered.pathsTried.map((p) => `rendered DOM: ${p}`)];
        if (snapshot.dataMissing !== undefined) pathsTried.push(`waited for ${snapshot.dataMissing}: not there`);
        const layoutChanged = served instanceof LayoutChangedError || rendered instanceof LayoutChangedError;
        const error = layoutChanged
          ? new LayoutChangedError(snapshot.finalUrl, this.source, pathsTried)
          : new PhotoDataMissingError(snapshot.finalUrl, this.source, pathsTried);
        throw this.reported(error, snapshot);
      }
    }
  }

  /** A {@link NotAListingPageError} when the page says what else it is, else `error`. */
  private nonListingOr(error: unknown, snapshot: PageSnapshot): unknown {
    const other = this.describeNonListing(snapshot.html);
    return other === null ? error : new NotAListingPageError(snapshot.finalUrl, this.source, other);
  }

  /** Logs a layout change as an error (an alert: the parser needs an update); returns `error` to throw. */
  private reported(error: unknown, snapshot: PageSnapshot): unknown {
    if (error instanceof LayoutChangedError) {
      this.logger.error(
        { source: this.source, url: snapshot.finalUrl, code: error.code, pathsTried: error.pathsTried },
        'page layout changed',
      );
    }
    return error;
  }
}

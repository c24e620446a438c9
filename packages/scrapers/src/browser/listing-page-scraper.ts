import { InvalidInputError, ListingNotFoundError, inSpan, parseInput, throwIfCancelled } from '@phx/core';
import type { FetchMode, Logger, PageFetchMode, PhotoScraper, Property, PropertyId, ScrapeRequest, Source } from '@phx/core';
import { CookieJar } from 'tough-cookie';
import { BotWallError, BrowserCrashedError, ListingRemovedError, OffSiteRedirectError, UnexpectedContentError } from '../errors/index.js';
import type { NonListingPage } from '../errors/index.js';
import { FetchModePlanner, photoListDifference } from '../http/fetch-mode-planner.js';
import { HttpPageAccess } from '../http/http-page-access.js';
import { HttpPageClient } from '../http/http-page-client.js';
import type { PageAccess, PageSnapshot, ParsedListing, ScrapedListing } from '../listing/index.js';
import { LISTING_ID_NAMES, listingIdOf } from '../listing/listing-id.js';
import { HostRateLimiter } from '../politeness/host-rate-limiter.js';
import { resolvePolitenessOptions } from '../politeness/politeness-options.js';
import type { ResolvedPolitenessOptions } from '../politeness/politeness-options.js';
import { SourceGuard } from '../politeness/source-guard.js';
import { runWithSessionRotation } from '../sessions/session-rotation.js';
import type { Session } from '../sessions/session.js';
import type { SessionPool } from '../sessions/session-pool.js';
import { eitherSignal } from '../politeness/abortable.js';
import type { JoinedSignal } from '../politeness/abortable.js';
import { checkFindListingUrlArgs, checkScrapeRequest } from './scraper-call-inputs.js';
import type { BrowserPool } from './browser-pool.js';
import { BrowserPageAccess } from './browser-page-access.js';
import type { PageDataReadiness } from './page-loader.js';
import { listingScraperOptionsSchema } from './listing-scraper-options.js';
import { isUnreadable, parseListingSnapshot } from './listing-snapshot-parse.js';
import type { ListingScraperOptions } from './listing-scraper-options.js';

export { listingScraperOptionsSchema } from './listing-scraper-options.js';
export type { ListingScraperOptions } from './listing-scraper-options.js';

/** `true` for what plain HTTP got that Chromium may still read: a wall, no readable data, an off-site redirect, not HTML. */
function browserMayRead(error: unknown): boolean {
  return (
    error instanceof BotWallError || isUnreadable(error) || error instanceof OffSiteRedirectError || error instanceof UnexpectedContentError
  );
}

/** Added to navigation and settle time to make the default attempt timeout, in ms. */
const ATTEMPT_SLACK_MS = 30_000;

/** A listing read by one attempt, and what served it. */
interface ReadListing {
  readonly url: string;
  readonly parsed: ParsedListing;
  readonly fetchMode: PageFetchMode;
}

/** One attempt at a page: whose browser state and cookies, which URL, the call's signal, the guard's attempt number, the session. */
interface PageAttempt {
  readonly propertyId: PropertyId;
  readonly url: string;
  readonly signal: AbortSignal | undefined;
  /** 1-based attempt number of the source guard. */
  readonly attempt: number;
  readonly session: Session | null;
}

/**
 * The navigation half of a site scraper: loads the listing page over plain
 * HTTP or in the pool's browser state for the property (the fetch mode, see
 * {@link ListingScraperOptions.fetchMode}), checks for bot walls and removed
 * listings, and hands the page to the site's pure parser (the HTML as served
 * first, then the rendered DOM). Both modes run the same checks on a
 * {@link PageSnapshot}; `auto` reads over HTTP first and falls back to
 * Chromium. Subclasses supply the site-specific steps.
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
  private readonly fetchMode: FetchMode;
  private readonly browserOnlySources: readonly Source[];
  private readonly http: HttpPageClient;
  private readonly planner: FetchModePlanner;
  private readonly cookieJars = new Map<PropertyId, CookieJar>();
  private readonly sessions: SessionPool | null;

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
    this.fetchMode = o.fetchMode;
    this.browserOnlySources = o.browserOnlySources;
    this.http = o.http ?? new HttpPageClient({ timeoutMs: o.navigationTimeoutMs, maxBodyBytes: o.maxPageBytes });
    this.planner = new FetchModePlanner(o.autoFetch ?? {});
    this.sessions = o.sessions;
  }

  /** The mode pages of this source are fetched in when a call does not say (`ListingScraperOptions.fetchMode`). */
  get defaultFetchMode(): FetchMode {
    return this.fetchMode;
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
   * @param request - property, listing URL (else `property.listingUrls[source]`, else the site's address search), abort
   *   signal, and `fetchMode` to override the scraper's (`auto`, `http`, `browser`)
   * @returns the gallery in order, with how it was found and `fetchMode` saying what served the page (`http` or
   *   `browser`); empty only when the page's data says the listing has no photos
   * @throws `ListingNotFoundError` (core) when no listing URL is known and none is found for the address
   * @throws {@link UnsupportedUrlError} when the URL is not a detail page URL of this site
   * @throws {@link BotWallError} when the site answers with a bot wall (kind `blocked`)
   * @throws {@link ListingRemovedError} when the page is gone (404/410, redirect away from the listing)
   * @throws {@link PhotoDataMissingError} when the page loaded but no photo data was found
   * @throws {@link NotAListingPageError} when the page at the listing URL is another kind of page (search results with N home cards...)
   * @throws {@link LayoutChangedError} when the page's listing data cannot be trusted (e.g. emptied photo arrays
   *   without the count that would confirm "no photos"); also logged as the error `page layout changed`
   * @throws {@link NavigationError} on timeouts, network errors, 429 and 5xx (kind `transient`), after the retries
   * @throws {@link OffSiteRedirectError} in `http` mode when the page redirects off the site (not followed)
   * @throws {@link PageTooLargeError} over plain HTTP when a page is over `maxPageBytes`
   * @throws {@link UnexpectedContentError} in `http` mode when the page is not HTML
   * @throws {@link RateLimitedError} when a site data API the scraper asks (Redfin `aboveTheFold`) answers 429/503 (kind
   *   `transient`, `retryAfterMs`), after the retries, each waiting at least `Retry-After`
   * @throws {@link UnexpectedContentError} when such an API answers an HTML page where JSON is expected (kind `transient`), after the retries
   * @throws {@link BrowserCrashedError} when the browser crashed or hung twice in a row for this page
   * @throws {@link BrowserLaunchError} when the pool's `chromiumPath` does not start as Chromium
   * @throws {@link SourceBlockedError} when this source's circuit is open after repeated bot walls, or (with `sessions`)
   *   when no session is left: every proxy cools down or too many sessions in a row were walled or lost their proxy
   * @throws `CancelledError` (core) promptly when `request.signal` aborts or the pool is closed, whether the call runs, waits in line or backs off
   * @throws `InvalidInputError` (core) `listPhotos request` naming each bad field: a request that is not an object
   *   or has unknown keys, `property` (with `id`, `address` and `listingUrls`), `listingUrl` (a URL string, a `URL`
   *   object read as its `href`, or `null`/left out to use `property.listingUrls` or search the address),
   *   `property.address` when it is blank and no URL is known, `signal` when it is not an `AbortSignal`
   */
  async listPhotos(request: ScrapeRequest): Promise<ScrapedListing> {
    const { property, listingUrl, signal: given, fetchMode } = checkScrapeRequest(request, this.source);
    const signal = this.callSignal(given);
    try {
      return await this.listPhotosUnder(property, listingUrl, this.modeFor(fetchMode ?? this.fetchMode), signal);
    } finally {
      signal.clear();
    }
  }

  /** The mode a call runs in: `auto` is `browser` for a browser-only source. */
  private modeFor(mode: FetchMode): FetchMode {
    return mode === 'auto' && this.browserOnlySources.includes(this.source) ? 'browser' : mode;
  }

  private async listPhotosUnder(
    property: Property,
    listingUrl: string | null,
    mode: FetchMode,
    signal: AbortSignal,
  ): Promise<ScrapedListing> {
    const url = listingUrl ?? property.listingUrls[this.source] ?? (await this.searchAddress(property.address, property.id, signal, mode));
    this.checkListingUrl(url);
    const started = Date.now();
    const log = { propertyId: property.id, source: this.source, url };
    const result = await this.readListing(property.id, url, signal, mode);
    const photos: ScrapedListing = { source: this.source, listingUrl: result.url, ...result.parsed, fetchMode: result.fetchMode };
    if (result.parsed.declaredPhotoCount !== null && result.parsed.declaredPhotoCount > photos.photos.length) {
      this.logger.warn(
        { ...log, photos: photos.photos.length, declared: result.parsed.declaredPhotoCount, dataPath: photos.dataPath },
        'gallery shorter than the page declares',
      );
    }
    this.logger.info(
      { ...log, photos: photos.photos.length, dataPath: photos.dataPath, fetchMode: photos.fetchMode, durationMs: Date.now() - started },
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
      return await this.searchAddress(address, searchId, signal, this.modeFor(this.fetchMode));
    } finally {
      signal.clear();
      if (args.propertyId === undefined) await this.releaseProperty(searchId); // the browser state made for this search only
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
   * @param _propertyId - the property whose browser state and cookies to use
   * @param _signal - aborts the search
   * @param _mode - the fetch mode of the call (see {@link inMode})
   * @returns the listing page URL
   * @throws `ListingNotFoundError` (core) when no listing is found
   */
  protected searchAddress(address: string, _propertyId: PropertyId, _signal: AbortSignal | undefined, _mode: FetchMode): Promise<string> {
    return Promise.reject(new ListingNotFoundError(this.source, address, 'no listing URL was given and this site has no address search'));
  }

  /**
   * Runs `work` on a {@link PageAccess} of the fetch mode, politely: under
   * the source's guard (concurrency, retries, circuit breaker), after the
   * host's rate limit. `browser`: a page of the property's browser state,
   * within the attempt time limit and once more on a fresh browser if the
   * browser crashed or hung. `http`: plain GETs with the property's cookies.
   * `auto`: as the planner says (see `autoStep`): plain HTTP, then the browser when HTTP got a wall or
   * unreadable data, or the browser first while plain HTTP keeps failing the site.
   *
   * @param mode - the fetch mode
   * @param propertyId - whose browser state and cookies to use
   * @param url - the URL `work` loads first (rate limit key, errors)
   * @param signal - aborts everything
   * @param work - loads `url` through the access and reads it
   * @returns what `work` returns
   */
  protected inMode<T>(
    mode: FetchMode,
    propertyId: PropertyId,
    url: string,
    signal: AbortSignal | undefined,
    work: (access: PageAccess) => Promise<T>,
  ): Promise<T> {
    return this.guard.run(url, signal, (attempt) =>
      this.inSession(propertyId, url, signal, async (session) => {
        const at: PageAttempt = { propertyId, url, signal, attempt, session };
        if (mode === 'browser') return this.inBrowser(at, work);
        if (mode === 'http') return this.overHttp(at, work);
        return (await this.autoStep(at, work)).result;
      }),
    );
  }

  /**
   * Runs one attempt at a page in the property's session when the scraper has
   * a {@link SessionPool}: a session walled or cut off by its proxy is retired
   * and the attempt moved to another (see `runWithSessionRotation`); without
   * a pool, `work(null)` (direct connections, cookies per property).
   *
   * @throws {@link SourceBlockedError} when no session is left
   * @throws `InvalidInputError` (core) when the session pool is another source's
   */
  private inSession<T>(
    propertyId: PropertyId,
    url: string,
    signal: AbortSignal | undefined,
    work: (session: Session | null) => Promise<T>,
  ): Promise<T> {
    const sessions = this.sessions;
    if (sessions === null) return work(null);
    if (sessions.source !== this.source) {
      throw new InvalidInputError(`${this.source} scraper options`, [
        { path: 'sessions', message: `is the session pool of ${sessions.source}, not of ${this.source}` },
      ]);
    }
    return runWithSessionRotation(sessions, propertyId, signal, work, { url });
  }

  private async overHttp<T>(at: PageAttempt, work: (access: PageAccess) => Promise<T>): Promise<T> {
    const { propertyId, url, signal, session } = at;
    await this.limiter.acquire(url, signal);
    const http = session === null ? { dispatcher: this.http.dispatcher, cookieJar: this.cookieJarOf(propertyId) } : session;
    return work(new HttpPageAccess({ client: this.http, source: this.source, session: http, timeoutMs: this.navigationTimeoutMs, signal }));
  }

  /** The property's plain-HTTP cookies when it has no session (dropped by {@link releaseProperty}). */
  private cookieJarOf(propertyId: PropertyId): CookieJar {
    let cookieJar = this.cookieJars.get(propertyId);
    if (cookieJar === undefined) this.cookieJars.set(propertyId, (cookieJar = new CookieJar()));
    return cookieJar;
  }

  private inBrowser<T>(at: PageAttempt, work: (access: PageAccess) => Promise<T>): Promise<T> {
    const { propertyId, url, signal, attempt, session } = at;
    const access = { source: this.source, timeoutMs: this.navigationTimeoutMs, settleMs: this.settleMs, signal };
    const once = async (): Promise<T> => {
      await this.limiter.acquire(url, signal);
      return this.pool.withPage(propertyId, (page) => work(new BrowserPageAccess(page, access)), {
        ...(signal === undefined ? {} : { signal }),
        timeoutMs: this.attemptTimeoutMs,
        url,
        source: this.source,
        ...(session === null ? {} : { session }),
      });
    };
    return once().catch((error: unknown) => {
      if (!(error instanceof BrowserCrashedError)) throw error;
      this.logger.warn(
        { propertyId, source: this.source, url, attempt, failure: error.failure },
        'browser failed under the page; retrying once',
      );
      return once();
    });
  }

  /**
   * Refuses a page that a redirect made another listing's (another zpid or
   * Redfin id than the URL asked for): its photos are another home's. A
   * redirect that keeps the id (a new address slug) is the same listing.
   *
   * @throws ListingRemovedError naming both URLs and both ids
   */
  private assertSameListing(snapshot: PageSnapshot): void {
    const asked = listingIdOf(this.source, snapshot.requestedUrl);
    const served = listingIdOf(this.source, snapshot.finalUrl);
    if (asked === null || served === null || asked === served) return;
    const name = LISTING_ID_NAMES[this.source];
    const seen = `redirected to another listing, ${snapshot.finalUrl} (${name} ${served}, not ${asked})`;
    throw new ListingRemovedError(snapshot.requestedUrl, this.source, snapshot.status, seen);
  }

  private logFallback(url: string, reason: unknown): void {
    const why = reason instanceof Error ? ((reason as { code?: string }).code ?? reason.message) : String(reason);
    this.logger.info({ source: this.source, url, reason: why }, 'plain HTTP could not serve the page; reading it in the browser');
  }

  private readListing(propertyId: PropertyId, url: string, signal: AbortSignal | undefined, mode: FetchMode): Promise<ReadListing> {
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
    const read = (access: PageAccess): Promise<ReadListing> =>
      inSpan(
        'page',
        { 'phx.source': this.source, 'phx.fetch_mode': access.mode, 'server.address': new URL(url).hostname },
        async (span) => {
          const snapshot = await access.load(url, dataReady);
          this.assertNotBotWall(snapshot);
          this.assertStillListed(snapshot);
          this.assertSameListing(snapshot);
          const parsed = this.parseSnapshot(snapshot);
          const listing = await this.complete(access, snapshot, parsed, signal);
          span.setAttributes({ 'phx.page.photos': listing.parsed.photos.length, 'phx.page.data_path': listing.parsed.dataPath });
          return { ...listing, fetchMode: access.mode };
        },
      );
    if (mode !== 'auto') return this.inMode(mode, propertyId, url, signal, read);
    return this.guard.run(url, signal, (attempt) =>
      this.inSession(propertyId, url, signal, (session) => this.readAuto({ propertyId, url, signal, attempt, session }, read)),
    );
  }

  /** `auto`: the planner's first mode, the browser when plain HTTP cannot serve the page, and the sample check. */
  private async readAuto(at: PageAttempt, read: (access: PageAccess) => Promise<ReadListing>): Promise<ReadListing> {
    const { result: served, overHttp } = await this.autoStep(at, read);
    if (!overHttp) return served;
    if (served.parsed.dataPath.startsWith('rendered')) {
      return this.fallBack(at, read, `the data came only from the ${served.parsed.dataPath}`);
    }
    if (!this.planner.httpServed()) return served;
    let checked: ReadListing;
    try {
      checked = await this.inBrowser(at, read);
    } catch (error) {
      throwIfCancelled(at.signal);
      // The sample check is a check: the page plain HTTP read stands when the browser cannot read it now.
      this.logger.warn(
        { source: this.source, url: at.url, err: error instanceof Error ? error.message : String(error) },
        'browser check of a plain-HTTP page failed',
      );
      return served;
    }
    const difference = photoListDifference(served.parsed.photos, checked.parsed.photos);
    if (difference === null) return served;
    this.planner.diverged();
    this.logger.warn(
      { source: this.source, url: at.url, difference },
      'plain HTTP and the browser read different photo lists; going browser-first',
    );
    return checked;
  }

  /**
   * `auto`'s first step, for listing pages and address searches alike: the
   * browser when the planner says browser-first, else plain HTTP, falling
   * back to the browser (counted by the planner) when HTTP cannot serve.
   *
   * @returns what `work` returned and whether plain HTTP served it
   */
  private async autoStep<T>(
    at: PageAttempt,
    work: (access: PageAccess) => Promise<T>,
  ): Promise<{ readonly result: T; readonly overHttp: boolean }> {
    if (this.planner.plan().first === 'browser') {
      return { result: await this.inBrowser(at, work), overHttp: false };
    }
    try {
      return { result: await this.overHttp(at, work), overHttp: true };
    } catch (error) {
      if (!browserMayRead(error)) throw error;
      return { result: await this.fallBack(at, work, error), overHttp: false };
    }
  }

  private fallBack<T>(at: PageAttempt, work: (access: PageAccess) => Promise<T>, reason: unknown): Promise<T> {
    this.planner.fellBack();
    this.logFallback(at.url, reason);
    return this.inBrowser(at, work);
  }

  /**
   * Releases the property's browser state in the pool and its plain-HTTP cookies. Idempotent.
   *
   * @param propertyId - the property that is done
   */
  releaseProperty(propertyId: PropertyId): Promise<void> {
    this.cookieJars.delete(propertyId);
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
   * rendered only in part), through the access that served the page.
   * Default: nothing.
   */
  protected complete(
    _access: PageAccess,
    snapshot: PageSnapshot,
    parsed: ParsedListing,
    _signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    return Promise.resolve({ url: snapshot.finalUrl, parsed });
  }

  private parseSnapshot(snapshot: PageSnapshot): ParsedListing {
    return parseListingSnapshot(snapshot, {
      source: this.source,
      logger: this.logger,
      parse: (html, url) => this.parse(html, url),
      describeNonListing: (html) => this.describeNonListing(html),
    });
  }
}

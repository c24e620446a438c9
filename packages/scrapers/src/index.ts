/**
 * `@phx/scrapers`: Zillow and Redfin listing-photo scrapers on Playwright
 * and Chromium, a browser pool with isolation modes, an HTTP photo fetcher
 * with a size cap and image checks, and a replay mode that serves saved
 * pages and photos under their real URLs.
 *
 * The root is the library's public API: the scraper kit, the two scrapers,
 * the browser pool, the photo fetchers, sessions and proxies, every error
 * class and the option and result types. Parsers, URL helpers, replay and record machinery used by
 * phx's own packages, tests and benchmarks are under `@phx/scrapers/internal`
 * (no stability promise).
 *
 * @packageDocumentation
 */
export {
  ScraperError,
  BotWallError,
  ListingRemovedError,
  PhotoDataMissingError,
  LayoutChangedError,
  NotAListingPageError,
  UnsupportedUrlError,
  NavigationError,
  RateLimitedError,
  UnexpectedContentError,
  DownloadError,
  NotAPhotoError,
  PhotoTooLargeError,
  DisallowedHostError,
  SourceBlockedError,
  BrowserCrashedError,
  BrowserLaunchError,
  OffSiteRedirectError,
  PageTooLargeError,
} from './errors/index.js';
export type { ScraperErrorContext, BotWallVendor, BrowserFailure, NonListingPage, NonListingPageKind } from './errors/index.js';

export { createScraperKit, scraperKitOptionsSchema } from './kit/index.js';
export type { ScraperKit, ScraperKitOptions, ScraperKitMode, ResolvedScraperKitOptions } from './kit/index.js';

export { ZillowScraper } from './zillow/index.js';
export { RedfinScraper } from './redfin/index.js';

export {
  BrowserPool,
  browserPoolOptionsSchema,
  DEFAULT_IDLE_CLOSE_MS,
  DEFAULT_RETIRE_CONTEXT_AFTER_PAGES,
  listingScraperOptionsSchema,
  DEFAULT_CHROMIUM_PATH,
  CHROMIUM_ARGS,
} from './browser/index.js';
export type { BrowserPoolOptions, ResolvedBrowserPoolOptions, WithPageOptions, ListingScraperOptions } from './browser/index.js';

export { HttpPhotoFetcher, PolitePhotoFetcher, httpPhotoFetcherOptionsSchema, DEFAULT_PHOTO_HOSTS } from './download/index.js';
export type { HttpPhotoFetcherOptions, PolitePhotoFetcherOptions } from './download/index.js';

export {
  ProxyConfiguration,
  proxyConfigurationOptionsSchema,
  SessionPool,
  sessionPoolOptionsSchema,
  runWithSessionRotation,
  sessionRotationOptionsSchema,
  proxyUrlSchema,
} from './sessions/index.js';
export type {
  Session,
  SessionPoolOptions,
  ProxyConfigurationOptions,
  SessionRotationOptions,
  BrowserProxySettings,
  ProxyEndpoint,
  SessionRetireCause,
} from './sessions/index.js';

export { DEFAULT_POLITENESS_OPTIONS } from './politeness/index.js';
export type { PolitenessOptions, ResolvedPolitenessOptions, CircuitState } from './politeness/index.js';

export { HttpPageClient, DEFAULT_MAX_PAGE_BYTES, CHROMIUM_USER_AGENT, autoFetchOptionsSchema } from './http/index.js';
export type { HttpPageClientOptions, HttpGetRequest, HttpAnswer, HttpSession, HttpRequestKind, AutoFetchOptions } from './http/index.js';

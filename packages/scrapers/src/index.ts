/**
 * `@phx/scrapers`: Zillow and Redfin listing-photo scrapers on Playwright
 * and Chromium, a browser pool with isolation modes, an HTTP photo fetcher
 * with a size cap and image checks, and a replay mode that serves saved
 * pages and photos under their real URLs.
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
} from './errors/index.js';
export type { ScraperErrorContext, BotWallVendor, BrowserFailure, NonListingPage, NonListingPageKind } from './errors/index.js';

export {
  HostRateLimiter,
  SourceGuard,
  DEFAULT_POLITENESS_OPTIONS,
  REPLAY_POLITENESS_OPTIONS,
  politenessOptionsSchema,
  resolvePolitenessOptions,
  createRetryAfterBackoff,
  retryAfterMsOf,
} from './politeness/index.js';
export type {
  HostRateLimiterOptions,
  SourceGuardOptions,
  CircuitState,
  PolitenessOptions,
  ResolvedPolitenessOptions,
  RetryAfterBackoffOptions,
} from './politeness/index.js';

export { formatFromUrl, sortVariantsLargestFirst, addressKey, isSameAddress } from './listing/index.js';
export type { ParsedListing, ScrapedListing, PageSnapshot, AddressKey } from './listing/index.js';

export {
  ZillowScraper,
  ZILLOW_PHOTO_HOST,
  ZILLOW_PAGE_HOSTS,
  ZILLOW_PHOTO_ARRAYS,
  ZILLOW_GALLERY_SELECTOR,
  STREET_VIEW_HOST,
  STREET_VIEW_CAPTION,
  parseStreetViewUrl,
  parseZillowListingPage,
  parseZillowPropertyJson,
  assertNotZillowBotWall,
  findZillowProperty,
  zillowPhotosFromProperty,
  zillowPhotosFromGalleryDom,
  zillowAddress,
  parseZillowPhotoUrl,
  zillowVariantWidth,
  isZillowListingPhotoUrl,
  parseZillowListingUrl,
  zillowSearchUrl,
  parseZillowSearchResults,
  matchZillowSearchResult,
} from './zillow/index.js';
export type { ZillowSearchResult, ZillowPhotoUrl, StreetViewUrl, ZillowPropertyLookup, ZillowPropertyPhotos, ZillowGalleryDom } from './zillow/index.js';

export {
  RedfinScraper,
  REDFIN_PHOTO_HOST,
  REDFIN_PAGE_HOSTS,
  REDFIN_PHOTO_SIZES,
  REDFIN_ABOVE_THE_FOLD_PATH,
  REDFIN_PHOTO_TAGS_PATH,
  REDFIN_MEDIA_BROWSER_SELECTOR,
  parseRedfinListingPage,
  parseRedfinAboveTheFoldJson,
  assertNotRedfinBotWall,
  readRedfinDataCache,
  parseRedfinApiBody,
  cachedApiBody,
  redfinPhotosFromAboveTheFold,
  redfinCaptionsFromPhotoTags,
  redfinPhotosFromDom,
  redfinAddress,
  parseRedfinPhotoUrl,
  redfinPhotoUrlForSize,
  parseRedfinListingUrl,
  REDFIN_AUTOCOMPLETE_PATH,
  redfinHostForAddress,
  redfinAutocompleteUrl,
  parseRedfinAutocomplete,
  matchRedfinAutocomplete,
} from './redfin/index.js';
export type { RedfinAutocompleteRow, RedfinPhotoUrl, RedfinDataCache, RedfinPayloadPhotos, RedfinDomPhotos } from './redfin/index.js';

export {
  BrowserPool,
  DEFAULT_BROWSER_POOL_OPTIONS,
  DEFAULT_RETIRE_CONTEXT_AFTER_PAGES,
  ListingPageScraper,
  DEFAULT_LISTING_SCRAPER_OPTIONS,
  DEFAULT_CHROMIUM_PATH,
  CHROMIUM_ARGS,
  FIRST_PARTY_HOST_SUFFIXES,
  BLOCKED_RESOURCE_TYPES,
  REPLAY_MISS_HEADER,
  installRequestBlocking,
  loadListingPage,
  browserPid,
  killBrowser,
} from './browser/index.js';
export type { BrowserPoolOptions, WithPageOptions, ListingScraperOptions, LoadPageOptions } from './browser/index.js';

export {
  HttpPhotoFetcher,
  PolitePhotoFetcher,
  DEFAULT_HTTP_PHOTO_FETCHER_OPTIONS,
  DEFAULT_PHOTO_HOSTS,
  sourceOfPhotoHost,
  parseRetryAfterMs,
  sniffImageSignature,
} from './download/index.js';
export type { HttpPhotoFetcherOptions, PolitePhotoFetcherOptions, ImageSignature } from './download/index.js';

export {
  ReplayArchive,
  ReplayPhotoServer,
  REPLAY_PHOTO_HOSTS,
  REDFIN_REPLAY_WIDTHS,
  DEFAULT_REPLAY_PHOTO_SERVER_OPTIONS,
  createReplayDispatcher,
  installReplayRoutes,
  assignReplayPhotos,
  listHousePhotos,
  zillowPageUrl,
  redfinPageUrl,
} from './replay/index.js';
export type {
  ReplayArchiveOptions,
  ReplayListing,
  ReplayOtherPage,
  ReplayPageInput,
  ReplayPhotoSource,
  ReplayResponse,
  ReplayPhotoServerOptions,
  HousePhoto,
} from './replay/index.js';

export { createScraperKit, DEFAULT_SCRAPER_KIT_OPTIONS, scraperKitOptionsSchema } from './kit/index.js';
export type { ScraperKit, ScraperKitOptions, ScraperKitMode } from './kit/index.js';

export { runRecordCommand } from './cli/index.js';
export type { CommandOutput } from './cli/index.js';

export { BrowserPool, DEFAULT_BROWSER_POOL_OPTIONS } from './browser-pool.js';
export type { BrowserPoolOptions } from './browser-pool.js';
export { DEFAULT_CHROMIUM_PATH, CHROMIUM_ARGS, FIRST_PARTY_HOST_SUFFIXES, hostMatches } from './chromium-launch.js';
export { installRequestBlocking, BLOCKED_RESOURCE_TYPES } from './request-blocking.js';
export { loadListingPage, REPLAY_MISS_HEADER } from './page-loader.js';
export type { LoadPageOptions } from './page-loader.js';
export { ListingPageScraper, DEFAULT_LISTING_SCRAPER_OPTIONS } from './listing-page-scraper.js';
export type { ListingScraperOptions } from './listing-page-scraper.js';

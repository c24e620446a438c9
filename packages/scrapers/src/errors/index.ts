export { ScraperError } from './scraper-error.js';
export type { ScraperErrorContext } from './scraper-error.js';
export {
  BotWallError,
  ListingRemovedError,
  PhotoDataMissingError,
  UnsupportedUrlError,
  NavigationError,
} from './page-errors.js';
export type { BotWallVendor } from './page-errors.js';
export { LayoutChangedError, NotAListingPageError } from './layout-errors.js';
export type { NonListingPage, NonListingPageKind } from './layout-errors.js';
export { RateLimitedError, UnexpectedContentError } from './api-errors.js';
export { DownloadError, NotAPhotoError, PhotoTooLargeError, DisallowedHostError } from './download-errors.js';
export { SourceBlockedError, BrowserCrashedError, BrowserLaunchError } from './resilience-errors.js';
export type { BrowserFailure } from './resilience-errors.js';

/**
 * `@phx/scrapers/urls`: the pure readers of the sites' listing URLs (no
 * browser, no Playwright), for light entries such as the API server's job
 * layer: which site a listing URL is of and its listing id (Zillow zpid,
 * Redfin property id).
 *
 * @packageDocumentation
 */
export { parseZillowListingUrl, ZILLOW_PAGE_HOSTS } from './zillow/zillow-urls.js';
export { parseRedfinListingUrl, REDFIN_PAGE_HOSTS } from './redfin/redfin-urls.js';
export { UnsupportedUrlError } from './errors/index.js';
export { listingIdOf, LISTING_ID_NAMES } from './listing/listing-id.js';

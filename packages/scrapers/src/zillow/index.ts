export {
  ZILLOW_PHOTO_HOST,
  ZILLOW_PAGE_HOSTS,
  parseZillowPhotoUrl,
  zillowVariantWidth,
  isZillowListingPhotoUrl,
  parseZillowListingUrl,
} from './zillow-urls.js';
export type { ZillowPhotoUrl } from './zillow-urls.js';
export { findZillowProperty } from './zillow-property-data.js';
export type { ZillowPropertyLookup } from './zillow-property-data.js';
export { zillowPhotosFromProperty, ZILLOW_PHOTO_ARRAYS, STREET_VIEW_CAPTION } from './zillow-photos.js';
export { parseStreetViewUrl, STREET_VIEW_HOST } from './zillow-street-view.js';
export type { StreetViewUrl } from './zillow-street-view.js';
export type { ZillowPropertyPhotos } from './zillow-photos.js';
export { zillowPhotosFromGalleryDom, ZILLOW_GALLERY_SELECTOR } from './zillow-gallery-dom.js';
export type { ZillowGalleryDom } from './zillow-gallery-dom.js';
export { parseZillowListingPage, parseZillowPropertyJson, assertNotZillowBotWall, zillowAddress } from './zillow-page.js';
export { ZillowScraper } from './zillow-scraper.js';
export { zillowSearchUrl, parseZillowSearchResults, matchZillowSearchResult } from './zillow-search.js';
export type { ZillowSearchResult } from './zillow-search.js';

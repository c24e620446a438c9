export {
  REDFIN_PHOTO_HOST,
  REDFIN_PAGE_HOSTS,
  REDFIN_PHOTO_SIZES,
  parseRedfinPhotoUrl,
  redfinPhotoUrlForSize,
  parseRedfinListingUrl,
} from './redfin-urls.js';
export type { RedfinPhotoUrl } from './redfin-urls.js';
export {
  REDFIN_ABOVE_THE_FOLD_PATH,
  REDFIN_PHOTO_TAGS_PATH,
  readRedfinDataCache,
  parseRedfinApiBody,
  cachedApiBody,
} from './redfin-server-state.js';
export type { RedfinDataCache } from './redfin-server-state.js';
export { redfinPhotosFromAboveTheFold, redfinCaptionsFromPhotoTags, redfinAddress } from './redfin-photos.js';
export type { RedfinPayloadPhotos } from './redfin-photos.js';
export { redfinPhotosFromDom, REDFIN_MEDIA_BROWSER_SELECTOR } from './redfin-dom.js';
export type { RedfinDomPhotos } from './redfin-dom.js';
export { parseRedfinListingPage, parseRedfinAboveTheFoldJson, assertNotRedfinBotWall } from './redfin-page.js';
export { RedfinScraper } from './redfin-scraper.js';
export {
  REDFIN_AUTOCOMPLETE_PATH,
  redfinHostForAddress,
  redfinAutocompleteUrl,
  parseRedfinAutocomplete,
  matchRedfinAutocomplete,
} from './redfin-autocomplete.js';
export type { RedfinAutocompleteRow } from './redfin-autocomplete.js';
export { readRedfinApiAnswer, askRedfinApi } from './redfin-api-answer.js';
export type { RedfinApiAnswer } from './redfin-api-answer.js';

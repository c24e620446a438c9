export { parseRedfinPhotoUrl, parseRedfinListingUrl, REDFIN_PAGE_HOSTS } from './redfin-urls.js';
export { parseRedfinListingPage, parseRedfinAboveTheFoldJson, assertNotRedfinBotWall } from './redfin-page.js';
export { RedfinScraper } from './redfin-scraper.js';
export { redfinAutocompleteUrl } from './redfin-autocomplete.js';
export { readRedfinApiAnswer } from './redfin-api-answer.js';

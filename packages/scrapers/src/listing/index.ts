export type { ParsedListing, ScrapedListing } from './scraped-listing.js';
export type { PageSnapshot } from './page-snapshot.js';
export { formatFromUrl, sortVariantsLargestFirst } from './photo-variants.js';
export { isRecord, recordAt, arrayAt, stringAt, numberAt, parseJsonDeep, scriptTextById, sliceJsonValue } from './json-access.js';
export type { JsonRecord } from './json-access.js';
export { imageCandidates } from './srcset.js';
export { addressKey, isSameAddress } from './address-match.js';
export { canonicalOrOgUrl } from './canonical-url.js';

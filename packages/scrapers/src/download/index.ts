export { HttpPhotoFetcher, httpPhotoFetcherOptionsSchema } from './http-photo-fetcher.js';
export type { HttpPhotoFetcherOptions } from './http-photo-fetcher.js';
export { DEFAULT_PHOTO_HOSTS, sourceOfPhotoHost, parseRetryAfterMs } from './photo-hosts.js';
export { sniffImageSignature, firstBytesHex } from './image-signature.js';
export type { ImageSignature } from './image-signature.js';
export { PolitePhotoFetcher } from './polite-photo-fetcher.js';
export type { PolitePhotoFetcherOptions } from './polite-photo-fetcher.js';

export { noopLogger } from './logger.js';
export type { Logger, LogContext } from './logger.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export type { PhotoScraper, ScrapeRequest } from './photo-scraper.js';
export type { PhotoFetcher, PhotoFetchRequest, FetchedPhoto } from './photo-fetcher.js';
export { MANIFEST_FILE_NAME } from './image-store.js';
export type { ImageStore, StoredFile, PropertyManifest } from './image-store.js';
export type { PhotoRepository, PhotoObservation, PhotoRecord, StoredVariant, DuplicateImage } from './photo-repository.js';

export { noopLogger } from './logger.js';
export type { Logger, LogContext } from './logger.js';
export { systemClock } from './clock.js';
export type { Clock } from './clock.js';
export type { PhotoScraper, ScrapeRequest } from './photo-scraper.js';
export { isNotModified } from './photo-fetcher.js';
export type { PhotoFetcher, PhotoFetchRequest, FetchedPhoto, NotModifiedPhoto } from './photo-fetcher.js';
export { MANIFEST_FILE_NAME } from './image-store.js';
export type { ImageStore, StoredFile, StoredFileInfo, PropertyManifest } from './image-store.js';
export { UNKNOWN_PHOTO_SIZE, photoRecordKey } from './photo-repository.js';
export type {
  PhotoRepository,
  PhotoFacts,
  PhotoObservation,
  GalleryPlace,
  PhotoRecord,
  StoredVariant,
  DuplicateImage,
  PhotoSizeChoice,
  RemovedPhotosQuery,
  SightingLists,
} from './photo-repository.js';

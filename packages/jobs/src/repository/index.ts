export { JobRepository, JOBS_COLLECTION } from './job-repository.js';
export type { JobRepositoryOptions, ListJobsOptions, JobProgress, JobRunEnd, JobRunStart, ActiveJobRef } from './job-repository.js';
export type {
  StoredExtractionJob,
  ExtractionJobDocument,
  JobOrigin,
  JobOriginFields,
  CatalogSelection,
  JobScraperMode,
} from './job-document.js';
export { MongoPhotoRepository } from './mongo-photo-repository.js';
export {
  PHOTOS_COLLECTION,
  PHOTO_COLLECTION_PARTITIONS,
  photoCollectionName,
  photoCollectionNames,
  findPhotoDocuments,
} from './photo-partitions.js';
export type { MongoPhotoRepositoryOptions, PhotoDocument } from './mongo-photo-repository.js';
export { JobRunLeases, RUNS_COLLECTION, isLeaseHeld } from './job-run-leases.js';
export type { JobRunLease, JobRunLeasesOptions } from './job-run-leases.js';
export { CancelRequests, CANCELS_COLLECTION } from './cancel-requests.js';
export type { CancelRequestsOptions } from './cancel-requests.js';
export { JobPropertyStore, JOB_PROPERTIES_COLLECTION, JOB_OUTCOMES_COLLECTION, JOB_PROPERTY_CHUNK_SIZE } from './job-property-store.js';
export type { JobPropertyEntry, IndexedOutcome, JobPropertyStatusFilter, JobPropertyPage } from './job-property-store.js';
export {
  MAX_DOCUMENT_BYTES,
  MAX_PROPERTY_LIST_DOCUMENT_BYTES,
  MAX_PROPERTIES_PER_DOCUMENT,
  MONGODB_MAX_DOCUMENT_BYTES,
  PROPERTY_LIST_COLLECTIONS,
  documentBoundOf,
  isDocumentTooLargeError,
  withJobId,
} from './document-bounds.js';

export { JobRepository, JOBS_COLLECTION } from './job-repository.js';
export type { JobRepositoryOptions, ListJobsOptions, JobProgress, JobRunEnd, JobRunStart, ActiveJobRef } from './job-repository.js';
export type { StoredExtractionJob, ExtractionJobDocument, JobOrigin, JobOriginFields } from './job-document.js';
export { MongoPhotoRepository, PHOTOS_COLLECTION } from './mongo-photo-repository.js';
export type { MongoPhotoRepositoryOptions, PhotoDocument } from './mongo-photo-repository.js';
export { JobRunLeases, RUNS_COLLECTION, isLeaseHeld } from './job-run-leases.js';
export type { JobRunLease, JobRunLeasesOptions } from './job-run-leases.js';
export { CancelRequests, CANCELS_COLLECTION } from './cancel-requests.js';
export type { CancelRequestsOptions } from './cancel-requests.js';

export type { Brand } from './brand.js';
export { SOURCES, isSource, parseSources } from './source.js';
export type { Source } from './source.js';
export { toJobId, newJobId, toPropertyId, propertyIdArgument, isPropertyId, MAX_PROPERTY_ID_LENGTH, toContentHash } from './ids.js';
export type { JobId, PropertyId, ContentHash } from './ids.js';
export type { Property } from './property.js';
export type { ListingPhoto, ListingPhotos, PhotoVariantRef } from './listing-photo.js';
export {
  JOB_STATUSES,
  FINAL_JOB_STATUSES,
  isFinalJobStatus,
  ISOLATION_MODES,
  ZERO_COUNTERS,
  PROPERTY_OUTCOME_STATUSES,
} from './extraction-job.js';
export type {
  JobStatus,
  IsolationMode,
  ExtractionCounters,
  ExtractionFailure,
  PropertyOutcome,
  PropertyOutcomeStatus,
  ExtractionJob,
} from './extraction-job.js';

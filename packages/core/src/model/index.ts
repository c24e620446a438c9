export type { Brand } from './brand.js';
export { SOURCES, isSource, parseSources } from './source.js';
export type { Source } from './source.js';
export { FETCH_MODES, PAGE_FETCH_MODES, DEFAULT_FETCH_MODE, isFetchMode } from './fetch-mode.js';
export type { FetchMode, PageFetchMode } from './fetch-mode.js';
export { toJobId, newJobId, toPropertyId, propertyIdArgument, isPropertyId, MAX_PROPERTY_ID_LENGTH, toContentHash } from './ids.js';
export type { JobId, PropertyId, ContentHash } from './ids.js';
export type { Property } from './property.js';
export type { ListingPhoto, ListingPhotos, PhotoVariantRef } from './listing-photo.js';
export {
  JOB_STATUSES,
  FINAL_JOB_STATUSES,
  isFinalJobStatus,
  ISOLATION_MODES,
  DEFAULT_ISOLATION_MODE,
  PROPERTY_OUTCOME_STATUSES,
  ZERO_OUTCOME_COUNTS,
  FAILED_PROPERTIES_LIST_LIMIT,
  JOB_TIME_LIMIT_RANGE_MS,
  jobTimeLimitIssue,
} from './extraction-job.js';
export {
  PROPERTY_COUNTER_NAMES,
  PHOTO_COUNTER_NAMES,
  COUNTER_NAMES,
  ZERO_COUNTERS,
  STATUS_COUNTER,
  pickCounters,
  addCounters,
  maxCounters,
  outcomeCounters,
  countOutcomes,
  finishedProperties,
  photosSeen,
} from './extraction-counters.js';
export type { CounterName, ExtractionCounters } from './extraction-counters.js';
export type {
  JobStatus,
  IsolationMode,
  ExtractionFailure,
  PropertyOutcome,
  SourceFetchMode,
  PropertyOutcomeCounts,
  PropertyOutcomeStatus,
  ExtractionJob,
} from './extraction-job.js';
export {
  MAX_ADDRESS_LENGTH,
  MAX_LISTING_URL_LENGTH,
  MAX_STORED_TEXT_LENGTH,
  MAX_STORED_URL_LENGTH,
  MAX_STORED_TOKEN_LENGTH,
  MAX_CAPTION_LENGTH,
  MAX_OUTCOME_FAILURES,
  MORE_FAILURES_CODE,
  MAX_PHOTO_SIGHTINGS,
  MAX_PHOTO_DUPLICATES,
  MAX_PROPERTY_LABELS,
  limitIssue,
  propertyLimitIssues,
  assertWithinLimits,
  truncateStoredText,
  boundFailure,
  boundOutcome,
  boundPhotoObservation,
  keepLatest,
} from './storage-limits.js';

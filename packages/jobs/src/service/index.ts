export { JobService, CANCELLED_BEFORE_START_MESSAGE, ORIGIN_PRIORITY, MAX_JOB_PROPERTY_PAGE } from './job-service.js';
export type { JobServiceOptions, ListJobsInput, EnqueuedExtraction, SourceExtraction } from './job-service.js';
export { JobResultCleanup } from './job-result-cleanup.js';
export type { JobResultCleanupOptions } from './job-result-cleanup.js';
export { PendingJobDedupe, DEDUPE_COLLECTION, dedupeKeyOf, selectionDedupeKeyOf } from './pending-job-dedupe.js';
export type { PendingJobDedupeOptions } from './pending-job-dedupe.js';
export { resolveEnqueueExtractionInput, resolveExtractionOptions } from './enqueue-extraction-input.js';
export type {
  EnqueueExtractionInput,
  ResolvedEnqueueExtractionInput,
  ExtractionOptionsInput,
  ResolvedExtractionOptions,
} from './enqueue-extraction-input.js';

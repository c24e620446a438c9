export { JobService, CANCELLED_BEFORE_START_MESSAGE } from './job-service.js';
export type { JobServiceOptions, ListJobsInput } from './job-service.js';
export { resolveEnqueueExtractionInput } from './enqueue-extraction-input.js';
export type { EnqueueExtractionInput, ResolvedEnqueueExtractionInput } from './enqueue-extraction-input.js';

/**
 * `@phx/jobs/worker`: the job definitions a worker process registers on its
 * Agenda queue.
 *
 * @packageDocumentation
 */
export {
  EXTRACT_IMAGES_JOB,
  extractImagesPayloadSchema,
  defineExtractImagesJob,
  DEFAULT_EXTRACT_IMAGES_JOB_OPTIONS,
} from './jobs/extract-images.job.js';
export type { ExtractImagesPayload, ExtractImagesJobDeps, ExtractImagesJobHandle } from './jobs/extract-images.job.js';
export type { ExtractorProvider } from './jobs/extraction-job-runner.js';
export { RunStoppedError } from './jobs/run-stopped-error.js';
export type { RunStopReason } from './jobs/run-stopped-error.js';
export { createExtractionJobRunner } from './jobs/extract-images.job.js';
export type { ResolvedExtractionJobRunner } from './jobs/extract-images.job.js';
export { runExtractionJobNow } from './jobs/run-extraction-job-now.js';
export { ExtractorFactory } from './jobs/extractor-factory.js';
export type { ExtractorFactoryOptions } from './jobs/extractor-factory.js';
export { defineRunScheduleJob } from './schedules/run-schedule.job.js';
export type { RunScheduleJobDeps } from './schedules/run-schedule.job.js';
export { ScheduleTicker } from './schedules/schedule-ticker.js';
export type { TickResult } from './schedules/schedule-ticker.js';
export { RetryingPropertyExtractor, DEFAULT_PROPERTY_RETRY_SETTINGS } from './jobs/retrying-property-extractor.js';
export type { PropertyRetrySettings, RetryingPropertyExtractorOptions } from './jobs/retrying-property-extractor.js';
export { isRetryableOutcome } from './jobs/property-attempts.js';
export { DatabaseHealth } from './repository/database-health.js';
export type { DatabaseProbe, DatabaseHealthOptions } from './repository/database-health.js';
export { JobPhotoCensus } from './repository/job-photo-census.js';
export type { JobPhotoCensusOptions } from './repository/job-photo-census.js';

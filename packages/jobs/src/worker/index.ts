/**
 * `@phx/jobs/worker`: the job definitions a worker process registers on its
 * Agenda queue.
 *
 * @packageDocumentation
 */
export { EXTRACT_IMAGES_JOB, extractImagesPayloadSchema } from '../agenda/job-payloads.js';
export type { ExtractImagesPayload } from '../agenda/job-payloads.js';
export { defineExtractImagesJob } from './extract-images.job.js';
export { extractImagesJobSettingsSchema } from './extract-images-settings.js';
export type { ExtractImagesJobSettings, ResolvedExtractImagesJobSettings } from './extract-images-settings.js';
export type { ExtractImagesJobDeps, ExtractImagesJobHandle } from './extract-images.job.js';
export type { ExtractorProvider } from './extraction-job-runner.js';
export { RunStoppedError } from './run-stopped-error.js';
export type { RunProgressKind, RunStopReason } from './run-stopped-error.js';
export { createExtractionJobRunner } from './extract-images.job.js';
export type { ResolvedExtractionJobRunner } from './extract-images.job.js';
export { runExtractionJobNow } from './run-extraction-job-now.js';
export { ExtractorFactory } from './extractor-factory.js';
export type { ExtractorFactoryOptions } from './extractor-factory.js';
export { defineRunScheduleJob } from './run-schedule.job.js';
export type { RunScheduleJobDeps } from './run-schedule.job.js';
export { ScheduleTicker } from './schedule-ticker.js';
export type { TickResult } from './schedule-ticker.js';
export { RetryingPropertyExtractor, DEFAULT_PROPERTY_RETRY_SETTINGS } from './retrying-property-extractor.js';
export type { PropertyRetrySettings, RetryingPropertyExtractorOptions } from './retrying-property-extractor.js';
export { isRetryableOutcome } from './property-attempts.js';
export { DatabaseHealth } from './database-health.js';
export type { DatabaseProbe, DatabaseHealthOptions } from './database-health.js';
export { JobPhotoCensus } from './job-photo-census.js';
export type { JobPhotoCensusOptions } from './job-photo-census.js';
export { listCatalogSelection, emptySelectionMessage } from './selection-listing.js';
export type { SelectionListing } from './selection-listing.js';

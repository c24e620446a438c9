/**
 * `@phx/jobs/worker`: the job definitions a worker process registers on its
 * Agenda queue.
 *
 * @packageDocumentation
 */
export { EXTRACT_IMAGES_JOB, extractImagesPayloadSchema } from './jobs/extract-images.job.js';
export type { ExtractImagesPayload } from './jobs/extract-images.job.js';

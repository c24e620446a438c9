import { ZERO_COUNTERS } from '@phx/core';
import type { JobProgress } from '@phx/jobs';

/**
 * Counters a worker would write, for tests that play the worker: every image
 * new, nothing failed, no outcomes.
 *
 * @param totalProperties - properties in the job
 * @param completedProperties - properties done
 * @param images - images found so far (all new)
 * @returns the progress to save with `JobRepository.saveProgress` or `endRun`
 */
export function workerProgress(totalProperties: number, completedProperties: number, images: number): JobProgress {
  return {
    ...ZERO_COUNTERS,
    totalProperties,
    completedProperties,
    totalImages: images,
    newImages: images,
    failedPropertiesList: [],
  };
}

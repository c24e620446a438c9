import { NotFoundError } from '@phx/core';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { createExtractionJobRunner } from './extract-images.job.js';
import type { ExtractImagesJobDeps } from './extract-images.job.js';

/**
 * Runs an extraction job in this process, without a queue: the same run as
 * the `extract-images` job (run claim, progress writes, cancel requests,
 * resume), for the CLI's in-process mode. The job document must exist
 * (see `JobService.createExtraction`); a job that another worker holds or
 * that is already final is left as it is.
 *
 * @param jobId - the job to run
 * @param deps - job documents, extractor, logger, settings (as for the queued job)
 * @returns the job document after the run
 * @throws core's `NotFoundError` when the job does not exist
 * @throws core's `InvalidInputError` listing every invalid setting
 */
export async function runExtractionJobNow(jobId: string, deps: ExtractImagesJobDeps): Promise<StoredExtractionJob> {
  const { runner } = createExtractionJobRunner(deps);
  await runner.run(jobId, {
    touch: async () => undefined,
    // Without a queue there is nothing to reschedule: a handed-back job stays pending for a worker.
    requeueAt: () => undefined,
  });
  const job = await deps.repository.get(jobId);
  if (job === null) throw new NotFoundError('job', jobId);
  return job;
}

import type { ExtractionJob, Property, PropertyOutcome } from '@phx/core';
import type { JobRepository, StoredExtractionJob } from '@phx/jobs';

/** A job as a test writes it: the job, its properties and, when it ran, the outcomes its run stored. */
export type TestJob = ExtractionJob & { readonly properties: readonly Property[]; readonly propertyOutcomes?: readonly PropertyOutcome[] };

/**
 * Writes a job as a worker would have left it: the document, its property list and its outcomes (each at its property's position).
 *
 * @param repository - the job repository of the test database
 * @param job - the job with its properties and outcomes
 * @returns the stored job
 */
export async function storeJob(repository: JobRepository, job: TestJob): Promise<StoredExtractionJob> {
  const { properties, propertyOutcomes = [], ...fields } = job;
  const stored = await repository.create(fields, properties);
  const at = new Map(properties.map((p, i) => [p.id, i]));
  await repository.properties.recordOutcomes(
    stored.id,
    propertyOutcomes.map((outcome) => ({ index: at.get(outcome.propertyId) ?? -1, outcome })),
    job.completedAt ?? job.progressUpdatedAt,
  );
  return stored;
}

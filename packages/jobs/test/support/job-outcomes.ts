import type { Db } from 'mongodb';
import type { PropertyOutcome } from '@phx/core';
import { JobPropertyStore } from '../../src/repository/job-property-store.js';

/**
 * The stored outcomes of a job, by position in its property list.
 *
 * @param db - the test database
 * @param jobId - the job
 * @returns its outcomes (empty when none)
 */
export async function outcomesOf(db: Db, jobId: string): Promise<PropertyOutcome[]> {
  return (await new JobPropertyStore({ db }).outcomes(jobId)).map((o) => o.outcome);
}

import type { JobPropertyStatusFilter } from '@phx/jobs';
import { registerEnumType } from 'type-graphql';

/** The GraphQL `JobPropertyStatus` enum: a property's outcome status in a job, or `pending` while it has none. */
export const JobPropertyStatusEnum = Object.freeze({
  PENDING: 'pending',
  COMPLETED: 'completed',
  PARTIAL: 'partial',
  DEFERRED: 'deferred',
  FAILED: 'failed',
} as const satisfies Record<string, JobPropertyStatusFilter>);

registerEnumType(JobPropertyStatusEnum, {
  name: 'JobPropertyStatus',
  description: 'Where one property of a job stands: PENDING until it has an outcome, then the outcome status (see PropertyOutcomeStatus).',
  valuesConfig: {
    PENDING: { description: 'Not finished yet (not started, under way, or left by a run that stopped).' },
    COMPLETED: { description: 'Finished COMPLETED.' },
    PARTIAL: { description: 'Finished PARTIAL: photos the listing declares are missing.' },
    DEFERRED: { description: 'Finished DEFERRED: a site asked for a longer wait; a later run tries it again.' },
    FAILED: { description: 'Finished FAILED.' },
  },
});

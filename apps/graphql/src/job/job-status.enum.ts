import type { JobStatus } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `JobStatus` enum: conventional upper-case names whose internal
 * values are the domain's (the seed's) lower-case statuses, so a domain
 * `in_progress` serialises as `IN_PROGRESS` and an `IN_PROGRESS` argument
 * arrives in resolvers as `in_progress`.
 */
export const JobStatusEnum = Object.freeze({
  PENDING: 'pending',
  IN_PROGRESS: 'in_progress',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
} as const satisfies Record<string, JobStatus>);

registerEnumType(JobStatusEnum, {
  name: 'JobStatus',
  description: 'Where a job is in its life. COMPLETED, FAILED and CANCELLED are final.',
  valuesConfig: {
    PENDING: { description: 'Queued; no worker has started it yet.' },
    IN_PROGRESS: { description: 'A worker holds it and is extracting.' },
    COMPLETED: {
      description:
        'Every property was processed and at least one did not fail: completed wholly or partially, or deferred to a later run (see failedProperties, partialProperties and deferredProperties).',
    },
    FAILED: { description: 'The job itself failed; see errorMessage.' },
    CANCELLED: { description: 'Cancelled by a user before it finished.' },
  },
});

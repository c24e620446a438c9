import type { JobOrigin } from '@phx/jobs';
import { registerEnumType } from 'type-graphql';

/**
 * The GraphQL `JobOrigin` enum: upper-case names over the job layer's
 * lower-case origins (`interactive`, `scheduled`).
 */
export const JobOriginEnum = Object.freeze({
  INTERACTIVE: 'interactive',
  SCHEDULED: 'scheduled',
} as const satisfies Record<string, JobOrigin>);

registerEnumType(JobOriginEnum, {
  name: 'JobOrigin',
  description: 'Who asked for a job.',
  valuesConfig: {
    INTERACTIVE: { description: 'A person or program (enqueueExtraction, the CLI).' },
    SCHEDULED: { description: 'A tick of a schedule (see scheduleId).' },
  },
});

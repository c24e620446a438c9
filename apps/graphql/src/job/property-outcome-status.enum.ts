import type { PropertyOutcome } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/** The GraphQL `PropertyOutcomeStatus` enum over the domain's `completed` / `failed`. */
export const PropertyOutcomeStatusEnum = Object.freeze({
  COMPLETED: 'completed',
  FAILED: 'failed',
} as const satisfies Record<string, PropertyOutcome['status']>);

registerEnumType(PropertyOutcomeStatusEnum, {
  name: 'PropertyOutcomeStatus',
  description: 'How one property of a job ended.',
  valuesConfig: {
    COMPLETED: { description: 'At least one source was read and none failed (sources without a listing are skipped).' },
    FAILED: { description: 'A source failed or none could be read; see failures.' },
  },
});

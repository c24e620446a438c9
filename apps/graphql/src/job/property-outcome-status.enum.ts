import type { PropertyOutcome } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/** The GraphQL `PropertyOutcomeStatus` enum over the domain's `completed` / `partial` / `deferred` / `failed`. */
export const PropertyOutcomeStatusEnum = Object.freeze({
  COMPLETED: 'completed',
  PARTIAL: 'partial',
  DEFERRED: 'deferred',
  FAILED: 'failed',
} as const satisfies Record<string, PropertyOutcome['status']>);

registerEnumType(PropertyOutcomeStatusEnum, {
  name: 'PropertyOutcomeStatus',
  description: 'How one property of a job ended.',
  valuesConfig: {
    COMPLETED: { description: 'At least one source was read and none failed (sources without a listing are skipped).' },
    PARTIAL: {
      description:
        'Every source was read, but a listing page declares more photos than were stored, duplicate, unchanged or failed: see missingPhotos and the PHOTOS_MISSING failures.',
    },
    DEFERRED: {
      description:
        'A site asked for a longer wait (Retry-After) than the job may take (PROPERTY_MAX_DEFER_MS): not failed, tried again no earlier than retryAt by a later run; see the failures.',
    },
    FAILED: { description: 'A source failed or none could be read; see failures.' },
  },
});

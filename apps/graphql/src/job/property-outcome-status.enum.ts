import type { PropertyOutcome } from '@phx/core';
import { registerEnumType } from 'type-graphql';

/** The GraphQL `PropertyOutcomeStatus` enum over the domain's `completed` / `partial` / `failed`. */
export const PropertyOutcomeStatusEnum = Object.freeze({
  COMPLETED: 'completed',
  PARTIAL: 'partial',
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
    FAILED: { description: 'A source failed or none could be read; see failures.' },
  },
});

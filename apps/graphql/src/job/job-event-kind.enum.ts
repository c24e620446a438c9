import type { JobEventKind } from '@phx/jobs';
import { registerEnumType } from 'type-graphql';

/** The GraphQL `JobEventType` enum over the job layer's event kinds. */
export const JobEventKindEnum = Object.freeze({
  STATUS: 'status',
  PROPERTY_STARTED: 'property-started',
  PROPERTY_FINISHED: 'property-finished',
  PHOTO_STORED: 'photo-stored',
  PHOTO_FAILED: 'photo-failed',
  COUNTERS: 'counters',
} as const satisfies Record<string, JobEventKind>);

registerEnumType(JobEventKindEnum, {
  name: 'JobEventType',
  description: 'What a job event tells.',
  valuesConfig: {
    STATUS: { description: 'The job changed status (status holds the new one; error why it failed or was cancelled).' },
    PROPERTY_STARTED: { description: 'A worker started a property (again, for a retried one).' },
    PROPERTY_FINISHED: { description: 'A property ended (propertyStatus says how).' },
    PHOTO_STORED: { description: 'A photo was stored (isNew: new for the property, else a duplicate).' },
    PHOTO_FAILED: { description: 'A photo or source failed (error).' },
    COUNTERS: { description: 'Counters changed otherwise: photos listed, found unchanged, listed in a dry run, marked removed.' },
  },
});

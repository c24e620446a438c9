import type { JobStatus, PropertyOutcomeStatus } from '@phx/core';
import type { JobEvent, JobEventKind } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JobCountersType } from './job-counters.type.js';
import { JobEventKindEnum } from './job-event-kind.enum.js';
import { JobStatusEnum } from './job-status.enum.js';
import { PropertyOutcomeStatusEnum } from './property-outcome-status.enum.js';

/** GraphQL `JobEventError` (see its `description`). */
@ObjectType('JobEventError', { description: 'What failed: a photo or source (PHOTO_FAILED), or the job (STATUS FAILED or CANCELLED).' })
export class JobEventErrorType {
  @Field(() => String, { description: 'Stable code, e.g. INVALID_IMAGE, JOB_FAILED, CANCELLED.' })
  readonly code!: string;

  @Field(() => String, { description: 'Message naming the page, photo or reason.' })
  readonly message!: string;

  @Field(() => String, { nullable: true, description: 'URL of the page or photo involved; null when none.' })
  readonly url!: string | null;
}

/** GraphQL `JobEvent` (see its `description`). */
@ObjectType('JobEvent', {
  description: "One entry of a job's event log, the same on every server, with the job's status and counters just after it.",
})
export class JobEventType {
  @Field(() => ID, {
    description: 'Opaque, stable id. Pass the last one you received as afterEventId to get what you missed, then live events.',
  })
  readonly id!: string;

  @Field(() => ID, { description: 'The job.' })
  readonly jobId!: string;

  @Field(() => Int, { description: "Place in the job's log: 1, 2, 3, … without gaps." })
  readonly seq!: number;

  @Field(() => JobEventKindEnum, { description: 'What happened.' })
  readonly type!: JobEventKind;

  @Field(() => DateTimeResolver, { description: 'When the worker (or server) recorded it.' })
  readonly at!: Date;

  @Field(() => JobStatusEnum, { description: "The job's status after the event." })
  readonly status!: JobStatus;

  @Field(() => JobCountersType, { description: "The job's counters after the event." })
  readonly counters!: JobCountersType;

  @Field(() => ID, { nullable: true, description: 'The property, for property and photo events; else null.' })
  readonly propertyId!: string | null;

  @Field(() => String, { nullable: true, description: 'Its address, for PROPERTY_STARTED and PROPERTY_FINISHED; else null.' })
  readonly address!: string | null;

  @Field(() => String, { nullable: true, description: 'The source, for photo events; else null.' })
  readonly source!: string | null;

  @Field(() => String, { nullable: true, description: "The photo's id on its source (PHOTO_STORED, some COUNTERS); else null." })
  readonly photoId!: string | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the stored photo (PHOTO_STORED, unchanged photos); else null.' })
  readonly sha256!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'PHOTO_STORED: true when new for the property, false for a duplicate; else null.' })
  readonly isNew!: boolean | null;

  @Field(() => PropertyOutcomeStatusEnum, { nullable: true, description: 'PROPERTY_FINISHED: how the property ended; else null.' })
  readonly propertyStatus!: PropertyOutcomeStatus | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'PROPERTY_FINISHED: photos the listing pages declare that the run did not account for (see PropertyOutcome.missingPhotos); else null.',
  })
  readonly missingPhotos!: number | null;

  @Field(() => DateTimeResolver, {
    nullable: true,
    description: 'PROPERTY_FINISHED of a DEFERRED property: the earliest time it is tried again; else null.',
  })
  readonly retryAt!: Date | null;

  @Field(() => JobEventErrorType, { nullable: true, description: 'PHOTO_FAILED: the failure; STATUS FAILED or CANCELLED: why; else null.' })
  readonly error!: JobEventErrorType | null;
}

/**
 * Maps a job event of the log to its GraphQL shape.
 *
 * @param event - the event
 * @returns the GraphQL `JobEvent`
 */
export function toJobEventType(event: JobEvent): JobEventType {
  return {
    id: event.id,
    jobId: event.jobId,
    seq: event.seq,
    type: event.kind,
    at: event.at,
    status: event.status,
    counters: { ...event.counters },
    propertyId: event.propertyId,
    address: event.address,
    source: event.source,
    photoId: event.photoId,
    sha256: event.sha256,
    isNew: event.isNew,
    propertyStatus: event.propertyStatus,
    missingPhotos: event.missingPhotos,
    retryAt: event.retryAt,
    error: event.error === null ? null : { ...event.error },
  };
}

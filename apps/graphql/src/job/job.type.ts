import { pickCounters } from '@phx/core';
import type { ExtractionJob, FetchMode, IsolationMode, JobStatus } from '@phx/core';
import type { CatalogSelection, JobOrigin } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { catalogSelectionFields } from './catalog-selection-fields.js';
import { FetchModeEnum } from './fetch-mode.enum.js';
import { IsolationModeEnum } from './isolation-mode.enum.js';
import { JobCountersType } from './job-counters.type.js';
import { JobOriginEnum } from './job-origin.enum.js';
import { JobStatusEnum } from './job-status.enum.js';

/** GraphQL `Job` (see its `description`); its counters are those of {@link JobCountersType}. */
@ObjectType('Job', {
  description:
    'An image-extraction job: its request, status and progress counters; its properties and their outcomes page by page (properties).',
})
export class JobType extends JobCountersType {
  @Field(() => ID, { description: 'Job id (a UUID).' })
  readonly id!: string;

  @Field(() => JobStatusEnum, { description: 'Current status.' })
  readonly status!: JobStatus;

  @Field(() => DateTimeResolver, { description: 'When the job was enqueued.' })
  readonly createdAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When a worker first started it; null while pending.' })
  readonly startedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it reached a final status; null before.' })
  readonly completedAt!: Date | null;

  @Field(() => DateTimeResolver, { description: 'When a counter or the status last changed.' })
  readonly progressUpdatedAt!: Date;

  @Field(() => [String], { description: 'Sources to read, in order, e.g. ["zillow", "redfin"].' })
  readonly sources!: readonly string[];

  @Field(() => IsolationModeEnum, { description: 'Browser isolation mode.' })
  readonly isolationMode!: IsolationMode;

  @Field(() => FetchModeEnum, {
    nullable: true,
    description: "How the job's listing pages are fetched; null: the worker's FETCH_MODE (its default, AUTO unless set).",
  })
  readonly fetchMode!: FetchMode | null;

  @Field(() => Boolean, { description: 'When true, photos are listed but not downloaded or stored.' })
  readonly dryRun!: boolean;

  @Field(() => Int, {
    nullable: true,
    description:
      "The job's own wall-time limit, in seconds, counted from its first start (startedAt, also when another worker resumed it): " +
      "past it the job is stopped and fails (JOB_TIMEOUT). null: none; only the worker's JOB_TIMEOUT stops a run, when no property " +
      'finished for that long (it then fails with errorMessage saying how long; retryJob takes the unfinished properties).',
  })
  readonly timeoutSeconds!: number | null;

  @Field(() => [String], {
    description:
      "Addresses of the first 100 properties that failed, in the job's order (failedProperties counts them all; page them with properties(status: FAILED)).",
  })
  readonly failedPropertiesList!: readonly string[];

  @Field(() => String, { nullable: true, description: 'Why the job failed or was cancelled; null otherwise.' })
  readonly errorMessage!: string | null;

  @Field(() => JobOriginEnum, {
    description: 'Who asked for the job: INTERACTIVE (enqueueExtraction, the CLI) or SCHEDULED (a schedule tick).',
  })
  readonly origin!: JobOrigin;

  @Field(() => ID, { nullable: true, description: 'The schedule whose tick made the job; null for interactive jobs.' })
  readonly scheduleId!: string | null;

  @Field(() => Boolean, {
    description:
      "False while the job's property list is not written yet: a job enqueued for all or a label has its list read from the " +
      'catalog by the worker that takes it up; until then totalProperties is 0 and properties is empty.',
  })
  readonly propertiesListed!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The catalog label the job was enqueued for (its worker lists the properties with it); null otherwise.',
  })
  readonly selectionLabel!: string | null;

  @Field(() => Boolean, { description: 'True when the job was enqueued for every catalog property (all: true).' })
  readonly selectionAll!: boolean;
}

/**
 * A time limit in whole seconds, as GraphQL shows it (one set in ms through the library reads rounded up).
 *
 * @param ms - the limit, in ms, or `null`
 * @returns seconds, or `null` for none
 */
export function secondsOf(ms: number | null): number | null {
  return ms === null ? null : Math.ceil(ms / 1000);
}

/**
 * Maps a domain job to its GraphQL shape.
 *
 * @param job - the domain job; `origin` and `scheduleId` when the job layer recorded them (absent: interactive)
 * @returns the GraphQL `Job`
 */
export function toJobType(
  job: ExtractionJob & {
    readonly origin?: JobOrigin;
    readonly scheduleId?: string;
    readonly catalogSelection?: CatalogSelection | null;
    readonly propertiesListed?: boolean;
  },
): JobType {
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    progressUpdatedAt: job.progressUpdatedAt,
    sources: job.sources,
    isolationMode: job.isolationMode,
    fetchMode: job.fetchMode,
    dryRun: job.dryRun,
    timeoutSeconds: secondsOf(job.timeoutMs),
    ...pickCounters(job),
    failedPropertiesList: job.failedPropertiesList,
    errorMessage: job.errorMessage,
    origin: job.origin ?? 'interactive',
    scheduleId: job.scheduleId ?? null,
    propertiesListed: job.propertiesListed ?? true,
    ...catalogSelectionFields(job.catalogSelection),
  };
}

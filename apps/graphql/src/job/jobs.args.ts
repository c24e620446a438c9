import type { JobStatus } from '@phx/core';
import { InvalidInputError, isSource } from '@phx/core';
import type { JobFilterQuery, JobOrigin, JobPageQuery } from '@phx/jobs';
import { MAX_JOB_PAGE_SIZE, toScheduleId } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { JobOriginEnum } from './job-origin.enum.js';
import { JobStatusEnum } from './job-status.enum.js';

/** GraphQL `JobFilter` of the `jobs` query (see its `description`). */
@InputType('JobFilter', { description: 'Which jobs to list; every field is optional and they combine with AND.' })
export class JobFilterInput {
  @Field(() => JobStatusEnum, { nullable: true, description: 'Only jobs in this status.' })
  readonly status?: JobStatus | null | undefined;

  @Field(() => String, { nullable: true, description: 'Only jobs that read this source, e.g. "zillow". Unknown names: BAD_USER_INPUT.' })
  readonly source?: string | null | undefined;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Only jobs created at or after this time.' })
  readonly createdFrom?: Date | null | undefined;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Only jobs created before this time (after createdFrom).' })
  readonly createdBefore?: Date | null | undefined;

  @Field(() => JobOriginEnum, {
    nullable: true,
    description: 'Only jobs of this origin: INTERACTIVE (enqueueExtraction, the CLI) or SCHEDULED (schedule ticks).',
  })
  readonly origin?: JobOrigin | null | undefined;

  @Field(() => ID, { nullable: true, description: "Only jobs made by this schedule's ticks. Not a UUID: BAD_USER_INPUT." })
  readonly scheduleId?: string | null | undefined;
}

/** Arguments of the `jobs` query: a filter and a cursor page, newest first. */
@ArgsType()
export class JobsArgs {
  @Field(() => JobFilterInput, { nullable: true, description: 'Which jobs; absent means every job.' })
  readonly filter?: JobFilterInput | null | undefined;

  @Field(() => Int, { defaultValue: 20, description: `Page size, 1..${MAX_JOB_PAGE_SIZE}.` })
  readonly first!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The endCursor of the previous page (or any edge cursor); absent for the first page.',
  })
  readonly after?: string | null | undefined;
}

/**
 * Checks a `JobFilter` and turns it into the history service's filter.
 *
 * @param filter - the GraphQL filter; absent or `null` = every job
 * @returns the service's filter
 * @throws {@link InvalidInputError} naming an unknown source or a schedule id that is not a UUID (the service checks the time range)
 */
export function toJobFilterQuery(filter: JobFilterInput | null | undefined): JobFilterQuery {
  const given = filter ?? {};
  const source = given.source ?? undefined;
  if (source !== undefined && !isSource(source)) {
    throw new InvalidInputError('jobs arguments', [
      { path: 'filter.source', message: `unknown source "${source}"; expected zillow or redfin` },
    ]);
  }
  const scheduleId = given.scheduleId ?? undefined;
  return {
    ...(given.status === null || given.status === undefined ? {} : { status: given.status }),
    ...(source === undefined ? {} : { source }),
    ...(given.createdFrom === null || given.createdFrom === undefined ? {} : { createdFrom: given.createdFrom }),
    ...(given.createdBefore === null || given.createdBefore === undefined ? {} : { createdBefore: given.createdBefore }),
    ...(given.origin === null || given.origin === undefined ? {} : { origin: given.origin }),
    ...(scheduleId === undefined ? {} : { scheduleId: checkedScheduleId(scheduleId) }),
  };
}

/**
 * Checks the arguments of a `jobs` query and turns them into the history service's query.
 *
 * @param args - the GraphQL arguments
 * @returns the page query
 * @throws {@link InvalidInputError} naming an unknown source or a malformed schedule id (the service checks the page size, range and cursor)
 */
export function toJobPageQuery(args: JobsArgs): JobPageQuery {
  return {
    first: args.first,
    ...(args.after === null || args.after === undefined ? {} : { after: args.after }),
    ...toJobFilterQuery(args.filter),
  };
}

function checkedScheduleId(value: string): string {
  try {
    return toScheduleId(value);
  } catch (error) {
    throw new InvalidInputError('jobs arguments', [{ path: 'filter.scheduleId', message: `"${value}" is not a schedule id (a UUID)` }], {
      cause: error,
    });
  }
}

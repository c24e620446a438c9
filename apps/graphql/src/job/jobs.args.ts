import type { JobStatus } from '@phx/core';
import { InvalidInputError, isSource } from '@phx/core';
import type { JobPageQuery } from '@phx/jobs';
import { MAX_JOB_PAGE_SIZE } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
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
 * Checks the arguments of a `jobs` query and turns them into the history service's query.
 *
 * @param args - the GraphQL arguments
 * @returns the page query
 * @throws {@link InvalidInputError} naming an unknown source (the service checks the page size, range and cursor)
 */
export function toJobPageQuery(args: JobsArgs): JobPageQuery {
  const filter = args.filter ?? {};
  const source = filter.source ?? undefined;
  if (source !== undefined && !isSource(source)) {
    throw new InvalidInputError('jobs arguments', [
      { path: 'filter.source', message: `unknown source "${source}"; expected zillow or redfin` },
    ]);
  }
  return {
    first: args.first,
    ...(args.after === null || args.after === undefined ? {} : { after: args.after }),
    ...(filter.status === null || filter.status === undefined ? {} : { status: filter.status }),
    ...(source === undefined ? {} : { source }),
    ...(filter.createdFrom === null || filter.createdFrom === undefined ? {} : { createdFrom: filter.createdFrom }),
    ...(filter.createdBefore === null || filter.createdBefore === undefined ? {} : { createdBefore: filter.createdBefore }),
  };
}

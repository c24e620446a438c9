import type { JobStatus } from '@phx/core';
import { InvalidInputError, type InputIssue } from '@phx/core';
import { ArgsType, Field, Int } from 'type-graphql';
import type { ListJobsQuery } from '../graphql-context.js';
import { JobStatusEnum } from './job-status.enum.js';

/** Largest page the `jobs` query returns. */
export const MAX_JOBS_PAGE_SIZE = 100;

/** Arguments of the `jobs` query: a status filter and an offset page, newest first. */
@ArgsType()
export class JobsArgs {
  /** Only jobs in this status; absent = any. */
  @Field(() => JobStatusEnum, { nullable: true, description: 'Only jobs in this status; absent means any.' })
  readonly status?: JobStatus | null | undefined;

  /** Page size, 1..100. */
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1..${MAX_JOBS_PAGE_SIZE}.` })
  readonly limit!: number;

  /** Jobs to skip, newest first. */
  @Field(() => Int, { defaultValue: 0, description: 'Jobs to skip (newest first), 0 or more.' })
  readonly offset!: number;
}

/**
 * Checks the page of a `jobs` query and turns it into the service's query.
 *
 * @param args - the GraphQL arguments
 * @returns the service query
 * @throws {@link InvalidInputError} naming a limit outside 1..100 or a negative offset
 */
export function toListJobsQuery(args: JobsArgs): ListJobsQuery {
  const issues: InputIssue[] = [];
  if (args.limit < 1 || args.limit > MAX_JOBS_PAGE_SIZE) {
    issues.push({ path: 'limit', message: `${args.limit} is outside 1..${MAX_JOBS_PAGE_SIZE}` });
  }
  if (args.offset < 0) issues.push({ path: 'offset', message: `${args.offset} is negative` });
  if (issues.length > 0) throw new InvalidInputError('jobs arguments', issues);
  return {
    ...(args.status === null || args.status === undefined ? {} : { status: args.status }),
    limit: args.limit,
    offset: args.offset,
  };
}

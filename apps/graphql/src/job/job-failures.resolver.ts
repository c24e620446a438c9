import { toJobId } from '@phx/core';
import { MAX_FAILURE_GROUPS } from '@phx/jobs';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { JobFailureGroupType } from './job-failure-group.type.js';
import { JobType } from './job.type.js';

/** `Job.failureGroups`: the job's failures grouped, read from its outcomes. */
@Resolver(() => JobType)
export class JobFailuresResolver {
  /** `Job.failureGroups` (see its `description`). */
  @FieldResolver(() => [JobFailureGroupType], {
    description:
      `The failures of the job's FAILED and PARTIAL properties grouped by (source, code, message), largest count first, at most ${MAX_FAILURE_GROUPS} groups. ` +
      `Counts in the query cost as a list of ${MAX_FAILURE_GROUPS}.`,
  })
  async failureGroups(@Root() job: JobType, @Ctx() { services }: GraphqlContext): Promise<JobFailureGroupType[]> {
    return [...(await services.history.failureGroups(toJobId(job.id)))];
  }
}

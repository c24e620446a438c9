import { toJobId } from '@phx/core';
import { Arg, Args, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { EnqueueExtractionInput, toEnqueueExtraction } from './enqueue-extraction.input.js';
import { JobType, toJobType } from './job.type.js';
import { JobsArgs, toListJobsQuery } from './jobs.args.js';

/** Queries and mutations of extraction jobs: read, list, enqueue, cancel. */
@Resolver(() => JobType)
export class JobResolver {
  /**
   * Reads one job.
   *
   * @throws NotFoundError (NOT_FOUND) for an unknown id; InvalidInputError (BAD_USER_INPUT) for a malformed one
   */
  @Query(() => JobType, { description: 'One job by id. Unknown id: NOT_FOUND; malformed id: BAD_USER_INPUT.' })
  async job(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<JobType> {
    return toJobType(await services.jobs.getJob(toJobId(id)));
  }

  /** Lists jobs, newest first. */
  @Query(() => [JobType], { description: 'Jobs, newest first, optionally only those in one status.' })
  async jobs(@Args(() => JobsArgs) args: JobsArgs, @Ctx() { services }: GraphqlContext): Promise<JobType[]> {
    const jobs = await services.jobs.listJobs(toListJobsQuery(args));
    return jobs.map(toJobType);
  }

  /**
   * Enqueues an extraction of catalog properties.
   *
   * @throws InvalidInputError (BAD_USER_INPUT) for no properties or an unknown source; NotFoundError (NOT_FOUND) for an address not in the catalog
   */
  @Mutation(() => JobType, {
    description:
      'Enqueues an extraction job for catalog properties and returns it (PENDING). ' +
      'No or empty selection, or an unknown source: BAD_USER_INPUT; an address not in the catalog: NOT_FOUND.',
  })
  async enqueueExtraction(
    @Arg('input', () => EnqueueExtractionInput) input: EnqueueExtractionInput,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobType> {
    const { selection, options } = toEnqueueExtraction(input);
    const properties = await services.catalog.select(selection);
    return toJobType(await services.jobs.enqueueExtraction({ properties, ...options }));
  }

  /**
   * Cancels a job that has not finished.
   *
   * @throws NotFoundError (NOT_FOUND) for an unknown id; a JOB_ALREADY_FINISHED error (CONFLICT) for a finished job
   */
  @Mutation(() => JobType, {
    description: 'Cancels a job that has not finished and returns it. Unknown id: NOT_FOUND; already finished: CONFLICT.',
  })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<JobType> {
    return toJobType(await services.jobs.cancelJob(toJobId(id)));
  }
}

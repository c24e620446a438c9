import { InvalidInputError, jobTimeLimitIssue, toJobId } from '@phx/core';
import { enqueueCatalogSelection } from '@phx/jobs';
import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { EnqueueExtractionInput, RETRY_TIMEOUT_SECONDS_DESCRIPTION, toEnqueueExtraction } from './enqueue-extraction.input.js';
import { JobType, toJobType } from './job.type.js';
import { JobConnectionType, toJobConnection } from './job-connection.type.js';
import { JobStatusCountsType, toJobStatusCounts } from './job-status-counts.type.js';
import { JobFilterInput, JobsArgs, toJobFilterQuery, toJobPageQuery } from './jobs.args.js';

/** Queries and mutations of extraction jobs: read, list, enqueue, retry, cancel. */
@Resolver(() => JobType)
export class JobResolver {
  /** The `job` query (see its `description`). */
  @Query(() => JobType, { description: 'One job by id. Unknown id: NOT_FOUND; malformed id: BAD_USER_INPUT.' })
  async job(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<JobType> {
    return toJobType(await services.jobs.getJob(toJobId(id)));
  }

  /** The `jobs` query (see its `description`). */
  @Query(() => JobConnectionType, {
    description:
      'Jobs, newest first (a stable order), filtered by status, source and creation time; first/after cursor pages. ' +
      'A bad page size, source, range or cursor: BAD_USER_INPUT.',
  })
  async jobs(@Args(() => JobsArgs) args: JobsArgs, @Ctx() { services }: GraphqlContext): Promise<JobConnectionType> {
    return toJobConnection(await services.history.pageJobs(toJobPageQuery(args)));
  }

  /** The `jobCounts` query (see its `description`). */
  @Query(() => JobStatusCountsType, {
    description:
      'How many jobs the filter (as jobs takes it) matches, per status and in all. A bad source, range or schedule id: BAD_USER_INPUT.',
  })
  async jobCounts(
    @Arg('filter', () => JobFilterInput, { nullable: true, description: 'Which jobs; absent means every job.' })
    filter: JobFilterInput | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobStatusCountsType> {
    return toJobStatusCounts(await services.history.countJobs(toJobFilterQuery(filter)));
  }

  /** The `enqueueExtraction` mutation (see its `description`). */
  @Mutation(() => JobType, {
    description:
      'Enqueues an extraction job for catalog properties and returns it (PENDING). For all or a label the job answers at once ' +
      'with propertiesListed false and totalProperties 0: the worker that takes it up reads the selection from the catalog, ' +
      'writes its property list and sets totalProperties (jobProgress shows it), then runs it. ' +
      'No selection, parts given together (named), an id no address makes, a malformed label, an unknown source or timeoutSeconds ' +
      'out of range: BAD_USER_INPUT; ' +
      'an id the catalog lacks, or a label no property has: NOT_FOUND (naming it).',
  })
  async enqueueExtraction(
    @Arg('input', () => EnqueueExtractionInput) input: EnqueueExtractionInput,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobType> {
    const { selection, options } = toEnqueueExtraction(input);
    return toJobType(await enqueueCatalogSelection(services.catalog, services.jobs, selection, options));
  }

  /** The `retryJob` mutation (see its `description`). */
  @Mutation(() => JobType, {
    description:
      'Enqueues a new job for the failed, deferred and unfinished (a cancel or JOB_TIMEOUT stopped the job before they ran) properties ' +
      "only of a finished job (same sources and options, timeoutSeconds included unless the timeoutSeconds argument gives another: the new job's limit counts from its own start) and returns it. " +
      'timeoutSeconds out of range: BAD_USER_INPUT; unknown id: NOT_FOUND; a job not finished (reason ' +
      'JOB_NOT_FINISHED) or without failed, deferred or unfinished properties (reason NO_FAILED_PROPERTIES): CONFLICT.',
  })
  async retryJob(
    @Arg('id', () => ID) id: string,
    @Arg('timeoutSeconds', () => Int, { nullable: true, description: RETRY_TIMEOUT_SECONDS_DESCRIPTION })
    timeoutSeconds: number | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobType> {
    const seconds = timeoutSeconds ?? null;
    const issue = seconds === null ? null : jobTimeLimitIssue(seconds, 'timeoutSeconds');
    if (issue !== null) throw new InvalidInputError('retryJob arguments', [issue]);
    const options = seconds === null ? {} : { timeoutMs: seconds * 1000 };
    return toJobType(await services.history.retryJob(toJobId(id), options));
  }

  /** The `cancelJob` mutation (see its `description`). */
  @Mutation(() => JobType, {
    description: 'Cancels a job that has not finished and returns it. Unknown id: NOT_FOUND; already finished: CONFLICT.',
  })
  async cancelJob(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<JobType> {
    return toJobType(await services.jobs.cancelJob(toJobId(id)));
  }
}

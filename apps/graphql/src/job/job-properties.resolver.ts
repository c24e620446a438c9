import { InvalidInputError, toJobId } from '@phx/core';
import type { JobPropertyStatusFilter } from '@phx/jobs';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { JobType } from './job.type.js';
import { JobPropertyStatusEnum } from './job-property-status.enum.js';
import {
  JobPropertyConnectionType,
  countWithStatus,
  decodeJobPropertyCursor,
  toJobPropertyConnection,
} from './job-property-connection.type.js';
import { PropertyOutcomeType, toPropertyOutcomeType } from './property-outcome.type.js';

/** Page size of `Job.properties` when `first` is not given. */
export const DEFAULT_JOB_PROPERTY_PAGE = 20;
/** Largest page of `Job.properties`. */
export const MAX_JOB_PROPERTY_PAGE_GRAPHQL = 100;
/** Outcomes the deprecated `Job.propertyOutcomes` lists when `first` is not given. */
export const DEFAULT_LISTED_OUTCOMES = 20;
/** Most outcomes the deprecated `Job.propertyOutcomes` lists (its `first` counts in the query cost as a page size does). */
export const MAX_LISTED_OUTCOMES = 100;

/** The fields of `Job` read from the job's property store rather than its document: `properties` and `propertyOutcomes`. */
@Resolver(() => JobType)
export class JobPropertiesResolver {
  /** `Job.properties` (see its `description`). */
  @FieldResolver(() => JobPropertyConnectionType, {
    description:
      "A page of the job's properties by position, each with its outcome once it has one: first (1..100) after the cursor after, " +
      'only those with status when given. A page size out of range or a bad cursor: BAD_USER_INPUT.',
  })
  async properties(
    @Root() job: JobType,
    @Arg('status', () => JobPropertyStatusEnum, { nullable: true, description: 'Only properties in this status; absent lists all.' })
    status: JobPropertyStatusFilter | null | undefined,
    @Arg('first', () => Int, { defaultValue: DEFAULT_JOB_PROPERTY_PAGE, description: `Page size, 1..${MAX_JOB_PROPERTY_PAGE_GRAPHQL}.` })
    first: number,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page; absent for the first page.' })
    after: string | null | undefined,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobPropertyConnectionType> {
    const issues = [];
    if (!Number.isInteger(first) || first < 1 || first > MAX_JOB_PROPERTY_PAGE_GRAPHQL)
      issues.push({ path: 'first', message: `${first} is outside 1..${MAX_JOB_PROPERTY_PAGE_GRAPHQL}` });
    const afterIndex = after == null ? undefined : decodeJobPropertyCursor(after);
    if (afterIndex === null) issues.push({ path: 'after', message: `"${after}" is not a cursor of this list (use an edge's cursor)` });
    if (issues.length > 0) throw new InvalidInputError('Job.properties arguments', issues);
    const page = await services.jobs.jobProperties(toJobId(job.id), {
      first,
      ...(status == null ? {} : { status }),
      ...(afterIndex == null ? {} : { after: afterIndex }),
    });
    return toJobPropertyConnection(page, countWithStatus(job, status ?? undefined));
  }

  /** `Job.propertyOutcomes` (see its `description`). */
  @FieldResolver(() => [PropertyOutcomeType], {
    description: `Outcomes of the first finished properties by position in the job: first (1..${MAX_LISTED_OUTCOMES}) of them. Outside that range: BAD_USER_INPUT.`,
    deprecationReason: 'Use properties(status, first, after): it pages the outcomes of a job of any size.',
  })
  async propertyOutcomes(
    @Root() job: JobType,
    @Arg('first', () => Int, { defaultValue: DEFAULT_LISTED_OUTCOMES, description: `How many, 1..${MAX_LISTED_OUTCOMES}.` })
    first: number,
    @Ctx() { services }: GraphqlContext,
  ): Promise<PropertyOutcomeType[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_LISTED_OUTCOMES)
      throw new InvalidInputError('Job.propertyOutcomes arguments', [
        { path: 'first', message: `${first} is outside 1..${MAX_LISTED_OUTCOMES}` },
      ]);
    const outcomes = await services.jobs.jobOutcomes(toJobId(job.id), first);
    return outcomes.map((o) => toPropertyOutcomeType(o.outcome));
  }
}

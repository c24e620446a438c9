import type { JobStatusCounts } from '@phx/jobs';
import { Field, Int, ObjectType } from 'type-graphql';

/** GraphQL `JobStatusCounts` (see its `description`): the `jobCounts` query's answer. */
@ObjectType('JobStatusCounts', { description: 'How many jobs a filter matches, per status and in all.' })
export class JobStatusCountsType {
  @Field(() => Int, { description: 'Jobs waiting for a worker.' })
  readonly pending!: number;

  @Field(() => Int, { description: 'Jobs a worker runs now.' })
  readonly inProgress!: number;

  @Field(() => Int, { description: 'Jobs that ended with every property processed and at least one not failed.' })
  readonly completed!: number;

  @Field(() => Int, { description: 'Jobs that failed.' })
  readonly failed!: number;

  @Field(() => Int, { description: 'Jobs cancelled by a user.' })
  readonly cancelled!: number;

  @Field(() => Int, { description: 'Every job the filter matches (the sum of the above).' })
  readonly total!: number;
}

/**
 * Maps the history service's counts to their GraphQL shape.
 *
 * @param counts - counts per job status (`in_progress` and the others) and the total
 * @returns the GraphQL `JobStatusCounts`
 */
export function toJobStatusCounts(counts: JobStatusCounts): JobStatusCountsType {
  const { pending, in_progress: inProgress, completed, failed, cancelled, total } = counts;
  return { pending, inProgress, completed, failed, cancelled, total };
}

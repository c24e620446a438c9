import { MAX_NEXT_RUNS, MAX_SCHEDULE_JOBS } from '@phx/jobs';
import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { JobType, toJobType } from '../job/job.type.js';
import { ScheduleType } from './schedule.type.js';

/** Occurrences `Schedule.nextRuns` lists when `count` is not given. */
export const DEFAULT_NEXT_RUNS = 5;
/** Jobs `Schedule.recentJobs` lists when `first` is not given. */
export const DEFAULT_RECENT_JOBS = 5;

/** The fields of `Schedule` about its runs: when the next ones come (`nextRuns`) and the last jobs it made (`recentJobs`). */
@Resolver(() => ScheduleType)
export class ScheduleRunsResolver {
  /** `Schedule.nextRuns` (see its `description`). */
  @FieldResolver(() => [DateTimeResolver], {
    description:
      "The next times the cron expression fires, read in the schedule's time zone, ascending; a paused schedule lists those " +
      `it would run at once resumed. count outside 1..${MAX_NEXT_RUNS}: BAD_USER_INPUT.`,
  })
  nextRuns(
    @Root() schedule: ScheduleType,
    @Arg('count', () => Int, { defaultValue: DEFAULT_NEXT_RUNS, description: `How many, 1..${MAX_NEXT_RUNS}.` }) count: number,
    @Ctx() { services }: GraphqlContext,
  ): readonly Date[] {
    return services.schedules.nextRuns(schedule, count);
  }

  /** `Schedule.recentJobs` (see its `description`). */
  @FieldResolver(() => [JobType], {
    description: `The newest jobs this schedule's ticks made, newest first. first outside 1..${MAX_SCHEDULE_JOBS}: BAD_USER_INPUT.`,
  })
  async recentJobs(
    @Root() schedule: ScheduleType,
    @Arg('first', () => Int, { defaultValue: DEFAULT_RECENT_JOBS, description: `How many, 1..${MAX_SCHEDULE_JOBS}.` }) first: number,
    @Ctx() { services }: GraphqlContext,
  ): Promise<JobType[]> {
    return (await services.history.scheduleJobs(schedule.id, first)).map(toJobType);
  }
}

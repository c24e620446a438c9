import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphqlContext } from '../graphql-context.js';
import { ScheduleExtractionInput, toScheduledExtraction } from './schedule-extraction.input.js';
import { ScheduleType, toScheduleType } from './schedule.type.js';

/** Queries and mutations of recurring extractions: create, list, pause, resume, remove. */
@Resolver(() => ScheduleType)
export class ScheduleResolver {
  /** The `schedules` query (see its `description`). */
  @Query(() => [ScheduleType], { description: 'Every schedule, by name, with its next tick.' })
  async schedules(@Ctx() { services }: GraphqlContext): Promise<ScheduleType[]> {
    return (await services.schedules.listSchedules()).map(toScheduleType);
  }

  /** The `scheduleExtraction` mutation (see its `description`). */
  @Mutation(() => ScheduleType, {
    description:
      'Creates a recurring extraction of catalog properties and returns it. Bad cron expression, time zone, selection or source: BAD_USER_INPUT ' +
      '(extensions.issues names each); an address not in the catalog: NOT_FOUND; a name in use: CONFLICT.',
  })
  async scheduleExtraction(
    @Arg('input', () => ScheduleExtractionInput) input: ScheduleExtractionInput,
    @Ctx() { services }: GraphqlContext,
  ): Promise<ScheduleType> {
    const { selection, options } = toScheduledExtraction(input);
    // All or a label: each run's worker lists the catalog selection (the schedule holds no property list).
    const large = await services.catalog.catalogSelectionOf(selection);
    const created = await services.schedules.createSchedule({
      name: input.name,
      cron: input.cron,
      ...(input.timeZone === null || input.timeZone === undefined ? {} : { timeZone: input.timeZone }),
      ...(input.paused === null || input.paused === undefined ? {} : { paused: input.paused }),
      ...(large === null ? { properties: await services.catalog.select(selection) } : { selection: large }),
      ...options,
    });
    return toScheduleType(created);
  }

  /** The `pauseSchedule` mutation (see its `description`). */
  @Mutation(() => ScheduleType, {
    description: 'Pauses a schedule (a run going on goes on). Unknown id: NOT_FOUND; malformed: BAD_USER_INPUT.',
  })
  async pauseSchedule(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<ScheduleType> {
    return toScheduleType(await services.schedules.pauseSchedule(id));
  }

  /** The `resumeSchedule` mutation (see its `description`). */
  @Mutation(() => ScheduleType, { description: 'Resumes a schedule from its next tick. Unknown id: NOT_FOUND; malformed: BAD_USER_INPUT.' })
  async resumeSchedule(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<ScheduleType> {
    return toScheduleType(await services.schedules.resumeSchedule(id));
  }

  /** The `removeSchedule` mutation (see its `description`). */
  @Mutation(() => ScheduleType, {
    description: 'Removes a schedule and returns it as it was; the jobs it started stay. Unknown id: NOT_FOUND.',
  })
  async removeSchedule(@Arg('id', () => ID) id: string, @Ctx() { services }: GraphqlContext): Promise<ScheduleType> {
    return toScheduleType(await services.schedules.removeSchedule(id));
  }
}

import type { FetchMode, IsolationMode } from '@phx/core';
import { DateTimeResolver } from 'graphql-scalars';
import { catalogSelectionFields } from '../job/catalog-selection-fields.js';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { ScheduleRecord } from '../graphql-context.js';
import { FetchModeEnum } from '../job/fetch-mode.enum.js';
import { secondsOf } from '../job/job.type.js';
import { IsolationModeEnum } from '../job/isolation-mode.enum.js';
import { PropertyType, toPropertyType } from '../property/property.type.js';

/** GraphQL `Schedule` (see its `description`). */
@ObjectType('Schedule', { description: 'A recurring extraction: each tick of its cron expression (in its time zone) enqueues a job.' })
export class ScheduleType {
  @Field(() => ID, { description: 'Schedule id (a UUID).' })
  readonly id!: string;

  @Field(() => String, { description: 'Unique name.' })
  readonly name!: string;

  @Field(() => String, { description: 'Cron expression: 5 fields (minute hour day month weekday) or 6 (seconds first).' })
  readonly cron!: string;

  @Field(() => String, { description: 'IANA time zone the expression is read in, e.g. "America/Phoenix".' })
  readonly timeZone!: string;

  @Field(() => Boolean, { description: 'When true, ticks start nothing.' })
  readonly paused!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'The next tick that will enqueue a run; null while paused.' })
  readonly nextRunAt!: Date | null;

  @Field(() => [PropertyType], {
    description: 'The properties each run extracts, in order; empty for a schedule of all or a label (each run lists them).',
  })
  readonly properties!: readonly PropertyType[];

  @Field(() => String, {
    nullable: true,
    description: 'The catalog label each run extracts (its worker lists the properties with it); null otherwise.',
  })
  readonly selectionLabel!: string | null;

  @Field(() => Boolean, { description: 'True when each run extracts every catalog property (all: true).' })
  readonly selectionAll!: boolean;

  @Field(() => [String], { description: 'Sources each run reads, e.g. ["zillow", "redfin"].' })
  readonly sources!: readonly string[];

  @Field(() => IsolationModeEnum, { description: 'Browser isolation of each run.' })
  readonly isolationMode!: IsolationMode;

  @Field(() => FetchModeEnum, { nullable: true, description: "How each run fetches listing pages; null: the worker's FETCH_MODE." })
  readonly fetchMode!: FetchMode | null;

  @Field(() => Boolean, { description: 'When true, runs list photos without downloading them.' })
  readonly dryRun!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: "Each run's own wall-time limit, in seconds, counted from its first start (see Job.timeoutSeconds); null: none.",
  })
  readonly timeoutSeconds!: number | null;

  @Field(() => DateTimeResolver, { description: 'When the schedule was created.' })
  readonly createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When the schedule was last created, paused or resumed.' })
  readonly updatedAt!: Date;
}

/**
 * Maps a schedule of the service to its GraphQL shape.
 *
 * @param schedule - the schedule with its next tick
 * @returns the GraphQL `Schedule`
 */
export function toScheduleType(schedule: ScheduleRecord): ScheduleType {
  return {
    id: schedule.id,
    name: schedule.name,
    cron: schedule.cron,
    timeZone: schedule.timeZone,
    paused: schedule.paused,
    nextRunAt: schedule.nextRunAt,
    properties: schedule.properties.map(toPropertyType),
    ...catalogSelectionFields(schedule.catalogSelection),
    sources: schedule.sources,
    isolationMode: schedule.isolationMode,
    fetchMode: schedule.fetchMode,
    dryRun: schedule.dryRun,
    timeoutSeconds: secondsOf(schedule.timeoutMs),
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}

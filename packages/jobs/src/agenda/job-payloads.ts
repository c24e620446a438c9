import { z } from 'zod';

/** Agenda name of the repeating job that ticks a schedule. */
export const RUN_SCHEDULE_JOB = 'run-extraction-schedule';

/** Payload of a `run-extraction-schedule` Agenda job: the schedule it ticks. */
export const runSchedulePayloadSchema = z.object({ scheduleId: z.guid() });

/** See {@link runSchedulePayloadSchema}. */
export type RunSchedulePayload = z.infer<typeof runSchedulePayloadSchema>;

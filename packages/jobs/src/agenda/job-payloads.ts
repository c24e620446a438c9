/**
 * The queue's contract between the processes that enqueue jobs (API servers,
 * CLI, schedules) and the workers that run them: each Agenda job name with the
 * zod schema of its payload (`job.attrs.data`). Loads no runner code, so the
 * light entry exports it.
 */
import { z } from 'zod';

/** Agenda name of the job that extracts the photos of one extraction job. */
export const EXTRACT_IMAGES_JOB = 'extract-images';

/** Payload of an `extract-images` Agenda job: the id of the job document to run. */
export const extractImagesPayloadSchema = z.object({ jobId: z.guid() });

/** See {@link extractImagesPayloadSchema}. */
export type ExtractImagesPayload = z.infer<typeof extractImagesPayloadSchema>;

/** Agenda name of the repeating job that ticks a schedule. */
export const RUN_SCHEDULE_JOB = 'run-extraction-schedule';

/** Payload of a `run-extraction-schedule` Agenda job: the schedule it ticks. */
export const runSchedulePayloadSchema = z.object({ scheduleId: z.guid() });

/** See {@link runSchedulePayloadSchema}. */
export type RunSchedulePayload = z.infer<typeof runSchedulePayloadSchema>;

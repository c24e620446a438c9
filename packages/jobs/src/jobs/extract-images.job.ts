import { z } from 'zod';

/** Agenda name of the job that extracts the photos of one extraction job. */
export const EXTRACT_IMAGES_JOB = 'extract-images';

/** Payload of an `extract-images` Agenda job: the id of the job document to run. */
export const extractImagesPayloadSchema = z.object({ jobId: z.guid() });

/** See {@link extractImagesPayloadSchema}. */
export type ExtractImagesPayload = z.infer<typeof extractImagesPayloadSchema>;

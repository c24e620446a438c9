import { hostname } from 'node:os';
import { z } from 'zod';
import { propertyConcurrencySchema } from '@phx/core';
import { queueSettingsSchema } from '../agenda/queue-settings.js';
import type { PropertyRetrySettings } from './retrying-property-extractor.js';

/**
 * The settings of the `extract-images` job, each with its range and default
 * (the one place they are written; the worker's environment reads its
 * variables with these fields). Parsed once, by `createExtractionJobRunner`.
 */
export const extractImagesJobSettingsSchema = z.object({
  /** Name of this worker in the job document and the run lease, at most 255 characters (it is stored); default `<hostname>:<pid>`. */
  workerName: z
    .string()
    .min(1)
    .max(255, 'a worker name is at most 255 characters (it is stored with every job and run it takes)')
    .default(() => `${hostname()}:${process.pid}`),
  /** Properties extracted at once within one job: core's {@link propertyConcurrencySchema}. */
  propertyConcurrency: propertyConcurrencySchema,
  /** How often a running job checks for a cancel request, in ms, 50-10 000; default 500. */
  cancelPollIntervalMs: z.number().int().min(50).max(10_000).default(500),
  /** Least time between two progress writes while properties run, in ms, 0-60 000; default 250. */
  progressWriteIntervalMs: z.number().int().min(0).max(60_000).default(250),
  /** Longest a run may go without a finished property before it is stopped and the job failed (`JOB_TIMEOUT`): the queue's `jobTimeoutMs`. */
  jobTimeoutMs: queueSettingsSchema.shape.jobTimeoutMs,
  /** How long the job stays locked to this worker without a heartbeat: the queue's `lockLifetimeMs`. */
  lockLifetimeMs: queueSettingsSchema.shape.lockLifetimeMs,
  /** Attempts at one property, the first included (`PROPERTY_MAX_ATTEMPTS`), 1-10; default 3. Only transient failures are tried again. */
  propertyMaxAttempts: z.number().int().min(1).max(10).default(3),
  /** Delay before the first retry of a property (`PROPERTY_RETRY_BACKOFF_MS`), in ms, 0-600 000; default 1000. Grows exponentially, with jitter. */
  propertyRetryInitialBackoffMs: z.number().int().min(0).max(600_000).default(1_000),
  /** Longest delay between two attempts at a property (`PROPERTY_RETRY_MAX_BACKOFF_MS`), in ms, 0-3 600 000; default 30 000. */
  propertyRetryMaxBackoffMs: z.number().int().min(0).max(3_600_000).default(30_000),
  /**
   * Longest wait for MongoDB to answer again after a property failed while it
   * was unreachable, in ms, at least 0; default 300 000. The property is then
   * redone without counting an attempt.
   */
  databaseOutageWaitMs: z.number().int().min(0).default(300_000),
  /**
   * Longest `Retry-After` a source may ask for that the job waits out before
   * trying the property again (`PROPERTY_MAX_DEFER_MS`), in ms, 0-86 400 000;
   * default 300 000. The property gives up its concurrency slot meanwhile; a
   * longer wait ends the property `deferred` with `retryAt` (not failed), for
   * a later run.
   */
  propertyMaxDeferMs: z.number().int().min(0).max(86_400_000).default(300_000),
});

/** The settings of the `extract-images` job as callers give them (every field optional): see {@link extractImagesJobSettingsSchema}. */
export type ExtractImagesJobSettings = z.input<typeof extractImagesJobSettingsSchema>;

/** The settings of the `extract-images` job, parsed (defaults filled in): see {@link extractImagesJobSettingsSchema}. */
export type ResolvedExtractImagesJobSettings = z.output<typeof extractImagesJobSettingsSchema>;

/**
 * The retry part of parsed job settings, in the shape `RetryingPropertyExtractor` takes.
 *
 * @param s - parsed settings (see {@link extractImagesJobSettingsSchema})
 * @returns attempts, backoff bounds, outage wait and longest deferral, in ms
 */
export function propertyRetrySettingsOf(s: ResolvedExtractImagesJobSettings): PropertyRetrySettings {
  return {
    maxAttempts: s.propertyMaxAttempts,
    initialBackoffMs: s.propertyRetryInitialBackoffMs,
    maxBackoffMs: s.propertyRetryMaxBackoffMs,
    databaseOutageWaitMs: s.databaseOutageWaitMs,
    maxDeferMs: s.propertyMaxDeferMs,
  };
}

import { z } from 'zod';
import {
  JOB_TIME_LIMIT_RANGE_MS,
  SOURCES,
  assertWithinLimits,
  fetchModeSchema,
  isolationModeSchema,
  parseInput,
  parseSources,
  propertyLimitIssues,
  toPropertyId,
} from '@phx/core';
import type { FetchMode, IsolationMode, Property, Source } from '@phx/core';

/** What a client asks to extract. */
export interface EnqueueExtractionInput {
  /** The properties, in order; at least one. */
  readonly properties: readonly Property[];
  /** Source names (case-insensitive); all sources when absent; an empty list is refused. */
  readonly sources?: readonly string[];
  /** Browser isolation; see core's `isolationModeSchema` (default `virtual`). */
  readonly isolationMode?: IsolationMode;
  /**
   * How the job's listing pages are fetched (`auto`, `http`, `browser`; see
   * core's `fetchModeSchema`); absent or `null`: the worker's `FETCH_MODE`.
   */
  readonly fetchMode?: FetchMode | null;
  /** List photos without downloading them; default `false`. */
  readonly dryRun?: boolean;
  /**
   * The job's own wall-time limit, in ms, an integer in core's `JOB_TIME_LIMIT_RANGE_MS` (1 s-30 days), counted from
   * its first start; past it the run is stopped and the job fails (`JOB_TIMEOUT`). Absent or `null` (default): none.
   */
  readonly timeoutMs?: number | null;
}

/** The options of an extraction request: {@link EnqueueExtractionInput} without its properties. */
export type ExtractionOptionsInput = Omit<EnqueueExtractionInput, 'properties'>;

/** {@link ExtractionOptionsInput} after validation: sources parsed, defaults filled. */
export type ResolvedExtractionOptions = Omit<ResolvedEnqueueExtractionInput, 'properties'>;

/** {@link EnqueueExtractionInput} after validation: sources parsed, defaults filled. */
export interface ResolvedEnqueueExtractionInput {
  readonly properties: readonly Property[];
  readonly sources: readonly Source[];
  readonly isolationMode: IsolationMode;
  /** `null`: the worker's default. */
  readonly fetchMode: FetchMode | null;
  readonly dryRun: boolean;
  /** `null`: no limit of its own. */
  readonly timeoutMs: number | null;
}

const propertySchema = z.object({
  id: z.string().min(1, 'property id must not be empty'),
  address: z.string().trim().min(1, 'address must not be empty'),
  listingUrls: z.partialRecord(z.enum(SOURCES), z.url('listing URL must be an absolute URL')),
});

const optionsShape = {
  sources: z.array(z.string()).optional(),
  isolationMode: isolationModeSchema,
  // No default here: a job that names no mode runs with the worker's FETCH_MODE.
  fetchMode: fetchModeSchema.unwrap().nullish(),
  dryRun: z.boolean().default(false),
  timeoutMs: z
    .number()
    .int('must be a whole number of ms')
    .min(JOB_TIME_LIMIT_RANGE_MS.min, `must be at least ${JOB_TIME_LIMIT_RANGE_MS.min} ms (1 s)`)
    .max(JOB_TIME_LIMIT_RANGE_MS.max, `must be at most ${JOB_TIME_LIMIT_RANGE_MS.max} ms (30 days)`)
    .nullish(),
};

const inputSchema = z.object({
  properties: z.array(propertySchema).min(1, 'at least one property is required; the list is empty'),
  ...optionsShape,
});

const optionsSchema = z.object(optionsShape);

/**
 * Validates the options of an extraction request (a request for a catalog selection, whose properties a worker reads).
 *
 * @param input - the untrusted options
 * @returns the options with sources parsed and defaults filled
 * @throws core's `InvalidInputError` naming every problem: an empty sources list, an unknown source, isolation mode or fetch mode,
 *   a time limit out of range
 */
export function resolveExtractionOptions(input: ExtractionOptionsInput): ResolvedExtractionOptions {
  const parsed = parseInput(optionsSchema, input, 'extraction input');
  return {
    sources: parseSources(parsed.sources),
    isolationMode: parsed.isolationMode,
    fetchMode: parsed.fetchMode ?? null,
    dryRun: parsed.dryRun,
    timeoutMs: parsed.timeoutMs ?? null,
  };
}

/**
 * Validates an enqueue request.
 *
 * @param input - the untrusted request
 * @returns the request with sources parsed (unknown names rejected) and defaults filled
 * @throws core's `InvalidInputError` naming every problem: an empty property list,
 *   a property without address, an empty sources list, an unknown source, isolation mode or fetch mode, a time limit out of range
 * @throws core's `InputTooLongError` (a `BAD_USER_INPUT` `InvalidInputError`) naming each address over
 *   `MAX_ADDRESS_LENGTH` and listing URL over `MAX_LISTING_URL_LENGTH` characters, with the limit
 */
export function resolveEnqueueExtractionInput(input: EnqueueExtractionInput): ResolvedEnqueueExtractionInput {
  const parsed = parseInput(inputSchema, input, 'extraction input');
  assertWithinLimits(
    'extraction input',
    parsed.properties.flatMap((p, i) => propertyLimitIssues(p, `properties.${i}`)),
  );
  const sources = parseSources(parsed.sources);
  const properties: Property[] = parsed.properties.map((p) => ({
    id: toPropertyId(p.id),
    address: p.address,
    listingUrls: p.listingUrls,
  }));
  return {
    properties,
    sources,
    isolationMode: parsed.isolationMode,
    fetchMode: parsed.fetchMode ?? null,
    dryRun: parsed.dryRun,
    timeoutMs: parsed.timeoutMs ?? null,
  };
}

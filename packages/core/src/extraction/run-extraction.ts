import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { z } from 'zod';
import { CancelledError, throwIfCancelled } from '../errors/index.js';
import { ZERO_OUTCOME_COUNTS } from '../model/extraction-job.js';
import type { PropertyOutcome } from '../model/extraction-job.js';
import type { JobId, PropertyId } from '../model/ids.js';
import type { Property } from '../model/property.js';
import { SOURCES } from '../model/source.js';
import type { Source } from '../model/source.js';
import { parseInput } from '../validation/index.js';
import type { ExtractionEventListener } from './extraction-event.js';
import { propertyConcurrencySchema } from './extraction-settings.js';
import { toExtractionFailure } from './extraction-failure.js';
import type { ExtractPropertyRequest, PropertyExtracting } from './property-extractor.js';

/** Input of {@link runExtraction}. */
export interface RunExtractionInput {
  /** Properties to extract, in order; non-empty, ids unique. */
  readonly properties: readonly Property[];
  /** Sources to read for each property; non-empty. */
  readonly sources: readonly Source[];
  /** List photos only; see `ExtractPropertyRequest.dryRun`. */
  readonly dryRun: boolean;
  /** The job this runs for, or `null`. */
  readonly jobId: JobId | null;
  /** Properties extracted at once; range and default: {@link propertyConcurrencySchema}. */
  readonly propertyConcurrency?: number;
  /** Aborting it starts no further property and stops the running ones. */
  readonly signal?: AbortSignal;
  /** Receives every event of every property (possibly interleaved); must not throw. */
  readonly onEvent?: ExtractionEventListener;
  /** Ids of properties already done (when resuming a job): not extracted and not in the result. */
  readonly skip?: readonly PropertyId[];
}

const inputSchema = z.object({
  properties: z
    .array(z.object({ id: z.string().min(1), address: z.string() }).loose())
    .min(1, 'name at least one property')
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'property ids must be unique'),
  sources: z.array(z.enum(SOURCES)).min(1, 'name at least one source'),
  dryRun: z.boolean(),
  jobId: z.string().min(1).nullable(),
  propertyConcurrency: propertyConcurrencySchema,
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  onEvent: z.custom<ExtractionEventListener>((v) => typeof v === 'function', 'must be a function').optional(),
  skip: z.array(z.string()).optional(),
});

function failedOutcome(property: Property, error: unknown): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status: 'failed',
    ...ZERO_OUTCOME_COUNTS,
    ...{ sourcesRead: [], skippedSources: [] },
    failures: [toExtractionFailure(error, null, null)],
  };
}

function requestFor(input: RunExtractionInput, signal: AbortSignal): ExtractPropertyRequest {
  const base = { sources: input.sources, dryRun: input.dryRun, jobId: input.jobId, signal };
  return { ...base, ...(input.onEvent === undefined ? {} : { onEvent: input.onEvent }) };
}

type WaitOutsideSlot = NonNullable<ExtractPropertyRequest['waitOutsideSlot']>;

/** Takes one of the `limit`'s slots, in line: resolves, once it is the caller's, with the function that gives it back. */
function takeSlot(limit: LimitFunction): Promise<() => void> {
  return new Promise((taken) => {
    void limit(() => new Promise<void>((giveBack) => taken(giveBack)));
  });
}

/**
 * Runs `extract` in a slot of `limit`, held from start to end but for the waits the extractor runs
 * through the request's `waitOutsideSlot` (the slot then goes to the next property in line).
 */
async function inSlot<T>(limit: LimitFunction, extract: (waitOutsideSlot: WaitOutsideSlot) => Promise<T>): Promise<T> {
  let giveBack = await takeSlot(limit);
  const waitOutsideSlot = async <W>(wait: () => Promise<W>): Promise<W> => {
    giveBack();
    try {
      return await wait();
    } finally {
      giveBack = await takeSlot(limit);
    }
  };
  try {
    return await extract(waitOutsideSlot);
  } finally {
    giveBack();
  }
}

/**
 * Extracts many properties with bounded concurrency: each property holds one
 * of `propertyConcurrency` slots while it runs, except while it waits
 * through its request's `waitOutsideSlot` (between attempts), when the next
 * property in line may use the slot. A property whose
 * extraction throws (anything but `CancelledError`) gets a `failed` outcome,
 * and a `property-finished` event, and the others go on.
 *
 * @param input - properties, sources, dry run, job id, concurrency, signal, listener, ids to skip
 * @param extractor - extracts one property, normally a `PropertyExtractor`
 * @returns the outcomes of the extracted properties, in input order (skipped ones left out)
 * @throws {@link CancelledError} when `signal` is aborted, or when the extractor rejects with
 *   `CancelledError` on its own (its scrapers or fetcher were closed under the run, e.g. `kit.close()`):
 *   either way no new property starts, none is counted failed, and the call rejects once the running
 *   ones have stopped
 * @throws {@link InvalidInputError} listing every invalid input field
 * @example
 * ```ts
 * import type { JobId, Property, PropertyExtracting } from '@phx/core';
 * declare const properties: Property[];
 * declare const extractor: PropertyExtracting;
 * declare const jobId: JobId;
 * declare const signal: AbortSignal;
 * const outcomes = await runExtraction({ properties, sources: ['zillow', 'redfin'], dryRun: false, jobId, signal, onEvent: (event) => console.log(event.type) }, extractor);
 * ```
 */
export async function runExtraction(input: RunExtractionInput, extractor: PropertyExtracting): Promise<PropertyOutcome[]> {
  const parsed = parseInput(inputSchema, input, 'extraction run');
  const skip = new Set<string>(parsed.skip ?? []);
  // A CancelledError from the extractor without an abort of input.signal means its scrapers or fetcher
  // were closed under the run (kit.close()): the whole run is cancelled, as by the signal.
  const closed = new AbortController();
  const signal = input.signal === undefined ? closed.signal : AbortSignal.any([input.signal, closed.signal]);
  const request = requestFor(input, signal);
  const limit = pLimit(parsed.propertyConcurrency);
  const extractOne = async (property: Property, waitOutsideSlot: WaitOutsideSlot): Promise<PropertyOutcome> => {
    throwIfCancelled(signal);
    try {
      return await extractor.extractProperty(property, { ...request, waitOutsideSlot });
    } catch (error) {
      throwIfCancelled(input.signal);
      if (error instanceof CancelledError) {
        if (!closed.signal.aborted) closed.abort(error);
        throw error;
      }
      const outcome = failedOutcome(property, error);
      try {
        input.onEvent?.({ type: 'property-finished', outcome });
      } catch {
        // Listeners must not throw; one that does must not turn a recorded failure into a lost property.
      }
      return outcome;
    }
  };
  const todo = input.properties.filter((p) => !skip.has(p.id));
  const settled = await Promise.allSettled(todo.map((p) => inSlot(limit, (waitOutsideSlot) => extractOne(p, waitOutsideSlot))));
  throwIfCancelled(input.signal);
  throwIfCancelled(closed.signal);
  return settled.map((result) => {
    if (result.status === 'fulfilled') return result.value;
    throw result.reason; // unreachable: extractOne only rejects on cancellation, handled above
  });
}

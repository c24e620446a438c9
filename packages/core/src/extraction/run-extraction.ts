import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { z } from 'zod';
import { CancelledError, throwIfCancelled } from '../errors/index.js';
import type { PropertyOutcome } from '../model/extraction-job.js';
import { FETCH_MODES } from '../model/fetch-mode.js';
import type { FetchMode } from '../model/fetch-mode.js';
import { SpanStatusCode } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import type { JobId, PropertyId } from '../model/ids.js';
import { noopLogger } from '../ports/logger.js';
import type { Logger } from '../ports/logger.js';
import type { Property } from '../model/property.js';
import { SOURCES } from '../model/source.js';
import type { Source } from '../model/source.js';
import { parseInput } from '../validation/index.js';
import { inSpan } from '../tracing/spans.js';
import type { ExtractionEventListener } from './extraction-event.js';
import { propertyConcurrencySchema } from './extraction-settings.js';
import { failedPropertyOutcome } from './extraction-failure.js';
import type { ExtractPropertyRequest, PropertyExtracting } from './property-extractor.js';

/** Input of {@link runExtraction}. */
export interface RunExtractionInput {
  /**
   * Properties to extract, in order; ids unique. An array (non-empty) is
   * validated as a whole; an async iterable (a job's stored property list,
   * read chunk by chunk) is read only as fast as slots free up, so a run of
   * any size holds at most `propertyConcurrency` properties (plus those
   * waiting between attempts) in memory.
   */
  readonly properties: readonly Property[] | AsyncIterable<Property>;
  /** Sources to read for each property; non-empty. */
  readonly sources: readonly Source[];
  /** List photos only; see `ExtractPropertyRequest.dryRun`. */
  readonly dryRun: boolean;
  /** The job this runs for, or `null`. */
  readonly jobId: JobId | null;
  /** Properties extracted at once; range and default: {@link propertyConcurrencySchema}. */
  readonly propertyConcurrency?: number;
  /** How every listing page of the run is fetched (see `ExtractPropertyRequest.fetchMode`); absent: each scraper's default. */
  readonly fetchMode?: FetchMode;
  /** Aborting it starts no further property and stops the running ones. */
  readonly signal?: AbortSignal;
  /** Receives every event of every property (possibly interleaved); must not throw. */
  readonly onEvent?: ExtractionEventListener;
  /** Ids of properties already done (when resuming a job): not extracted and not in the result. */
  readonly skip?: readonly PropertyId[] | ReadonlySet<PropertyId>;
  /**
   * `false` to keep no outcome for the result (the caller takes each from its
   * `property-finished` event), so memory does not grow with the number of
   * properties; default `true`.
   */
  readonly retainOutcomes?: boolean;
  /**
   * Where a property whose extraction threw (its failure recorded here, not by
   * the extractor) gets its `error` line, with `propertyId`, `code` and `error`;
   * default no-op.
   */
  readonly logger?: Logger;
}

const inputSchema = z.object({
  properties: z.union([
    z
      .array(z.object({ id: z.string().min(1), address: z.string() }).loose())
      .min(1, 'name at least one property')
      .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'property ids must be unique'),
    z.custom<AsyncIterable<Property>>(
      (v) => typeof v === 'object' && v !== null && Symbol.asyncIterator in v,
      'must be an array of properties or an async iterable of them',
    ),
  ]),
  sources: z.array(z.enum(SOURCES)).min(1, 'name at least one source'),
  dryRun: z.boolean(),
  jobId: z.string().min(1).nullable(),
  propertyConcurrency: propertyConcurrencySchema,
  fetchMode: z.enum(FETCH_MODES).optional(),
  signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
  onEvent: z.custom<ExtractionEventListener>((v) => typeof v === 'function', 'must be a function').optional(),
  skip: z.union([z.array(z.string()), z.custom<ReadonlySet<string>>((v) => v instanceof Set, 'must be a Set of ids')]).optional(),
  retainOutcomes: z.boolean().optional(),
  logger: z.custom<Logger>((v) => typeof (v as Logger | null)?.error === 'function', 'must be a Logger').optional(),
});

function requestFor(input: RunExtractionInput, signal: AbortSignal): ExtractPropertyRequest {
  const base = { sources: input.sources, dryRun: input.dryRun, jobId: input.jobId, signal };
  return {
    ...base,
    ...(input.onEvent === undefined ? {} : { onEvent: input.onEvent }),
    ...(input.fetchMode === undefined ? {} : { fetchMode: input.fetchMode }),
  };
}

async function* toAsync<T>(items: readonly T[]): AsyncIterable<T> {
  yield* items;
}

type WaitOutsideSlot = NonNullable<ExtractPropertyRequest['waitOutsideSlot']>;

/** Takes one of the `limit`'s slots, in line: resolves, once it is the caller's, with the function that gives it back. */
function takeSlot(limit: LimitFunction): Promise<() => void> {
  return new Promise((taken) => {
    void limit(() => new Promise<void>((giveBack) => taken(giveBack)));
  });
}

/**
 * Runs `extract` in a slot of `limit` already taken (`giveBack` returns it), held from start to end but for the
 * waits the extractor runs through the request's `waitOutsideSlot` (the slot then goes to the next property in line).
 */
async function inSlot<T>(limit: LimitFunction, taken: () => void, extract: (waitOutsideSlot: WaitOutsideSlot) => Promise<T>): Promise<T> {
  let giveBack = taken;
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
 * Extracts many properties with bounded concurrency, reading them (an array
 * or an async iterable) only as slots free up: each property holds one
 * of `propertyConcurrency` slots while it runs, except while it waits
 * through its request's `waitOutsideSlot` (between attempts), when the next
 * property in line may use the slot. A property whose
 * extraction throws (anything but `CancelledError`) gets a `failed` outcome,
 * a `property-finished` event and an `error` line in `input.logger`, and the
 * others go on.
 *
 * @param input - properties, sources, dry run, job id, concurrency, signal, listener, ids to skip, logger
 * @param extractor - extracts one property, normally a `PropertyExtractor`
 * @returns the outcomes of the extracted properties, in input order (skipped ones left out); empty
 *   with `retainOutcomes: false`
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
  const skip: ReadonlySet<string> = parsed.skip instanceof Set ? parsed.skip : new Set<string>(parsed.skip ?? []);
  // A CancelledError from the extractor without an abort of input.signal means its scrapers or fetcher
  // were closed under the run (kit.close()): the whole run is cancelled, as by the signal.
  const closed = new AbortController();
  const signal = input.signal === undefined ? closed.signal : AbortSignal.any([input.signal, closed.signal]);
  const request = requestFor(input, signal);
  const logger = input.logger ?? noopLogger;
  const limit = pLimit(parsed.propertyConcurrency);
  const extractOne = (property: Property, waitOutsideSlot: WaitOutsideSlot): Promise<PropertyOutcome> =>
    inSpan('property', { 'phx.property.id': property.id, 'phx.sources': [...request.sources] }, async (span) => {
      const outcome = await extractGuarded(property, waitOutsideSlot);
      traceOutcome(span, outcome);
      return outcome;
    });
  const extractGuarded = async (property: Property, waitOutsideSlot: WaitOutsideSlot): Promise<PropertyOutcome> => {
    throwIfCancelled(signal);
    try {
      return await extractor.extractProperty(property, { ...request, waitOutsideSlot });
    } catch (error) {
      throwIfCancelled(input.signal);
      if (error instanceof CancelledError) {
        if (!closed.signal.aborted) closed.abort(error);
        throw error;
      }
      const outcome = failedPropertyOutcome(property, error);
      const code = outcome.failures[0]?.code;
      logger.error(
        { propertyId: property.id, code, error: error instanceof Error ? error.message : String(error) },
        'property failed: its extraction threw',
      );
      try {
        input.onEvent?.({ type: 'property-finished', outcome });
      } catch {
        // Listeners must not throw; one that does must not turn a recorded failure into a lost property.
      }
      return outcome;
    }
  };
  const retain = input.retainOutcomes ?? true;
  const outcomes: PropertyOutcome[] = [];
  const running = new Set<Promise<void>>();
  let cancelled: unknown = null;
  let index = 0;
  const iterator = (Symbol.asyncIterator in input.properties ? input.properties : toAsync(input.properties))[Symbol.asyncIterator]();
  for (;;) {
    // The next property is read only once a slot is free: a stored list is read as fast as the run goes.
    const slot = await takeSlot(limit);
    const next = signal.aborted ? null : await iterator.next();
    if (next === null || next.done === true) {
      slot();
      break;
    }
    const property = next.value;
    if (skip.has(property.id)) {
      slot();
      continue;
    }
    const at = index++;
    const task = inSlot(limit, slot, (waitOutsideSlot) => extractOne(property, waitOutsideSlot)).then(
      (outcome) => {
        if (retain) outcomes[at] = outcome;
      },
      (error: unknown) => {
        cancelled ??= error;
      },
    );
    const tracked = task.finally(() => running.delete(tracked));
    running.add(tracked);
  }
  await iterator.return?.();
  await Promise.all(running);
  throwIfCancelled(input.signal);
  throwIfCancelled(closed.signal);
  if (cancelled !== null) throw cancelled; // unreachable: extractOne only rejects on cancellation, handled above
  return outcomes.filter((o) => o !== undefined);
}

/** Sets a `property` span's outcome attributes; a `failed` outcome marks the span ERROR with its first failure's code. */
function traceOutcome(span: Span, outcome: PropertyOutcome): void {
  span.setAttributes({
    'phx.property.status': outcome.status,
    'phx.property.photos_found': outcome.photosFound,
    'phx.property.new_images': outcome.newImages,
    'phx.property.failed_images': outcome.failedImages,
  });
  if (outcome.status !== 'failed') return;
  const first = outcome.failures[0];
  span.setStatus({ code: SpanStatusCode.ERROR, ...(first === undefined ? {} : { message: first.message }) });
  if (first !== undefined) span.setAttribute('error.type', first.code);
}

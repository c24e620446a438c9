import { setTimeout as sleep } from 'node:timers/promises';
import { ConstantBackoff, ExponentialBackoff, handleWhenResult, retry } from 'cockatiel';
import type { IBackoffFactory, RetryPolicy } from 'cockatiel';
import { CancelledError, CoreError, failedPropertyOutcome, systemClock, throwIfCancelled } from '@phx/core';
import type {
  Clock,
  ExtractPropertyRequest,
  ExtractionEvent,
  JobId,
  Logger,
  Property,
  PropertyExtracting,
  PropertyId,
  PropertyOutcome,
} from '@phx/core';
import { DatabaseOutageError, describeError } from '../errors/index.js';
import { isDatabaseConnectionError } from '../health/database-connection-error.js';
import { isDocumentTooLargeError } from '../repository/document-bounds.js';
import { extractImagesJobSettingsSchema, propertyRetrySettingsOf } from './extract-images-settings.js';
import type { DatabaseProbe } from './database-health.js';
import type { JobPhotoCensus } from './job-photo-census.js';
import { AttemptSightings, isRetryableOutcome } from './property-attempts.js';
import { RedoPhotoEvents } from './redo-photo-events.js';
import { chooseRetryStep } from './retry-step.js';
import type { RetryStep } from './retry-step.js';

/** One attempt's outcome and the photos it saw; `thrown` when the outcome stands for a database error the attempt threw. */
type Attempt = { readonly outcome: PropertyOutcome; readonly sightings: AttemptSightings; readonly thrown: DatabaseOutageError | null };

/** What one attempt gave: its outcome, or what it threw (permanent throws excepted: they go up at once). */
type AttemptResult = { readonly outcome: PropertyOutcome } | { readonly thrown: unknown };

/**
 * A throw no wait and no retry can mend, passed up as it is (core's `runExtraction` records the property
 * failed): a cancellation, invalid input (a `CoreError` not `transient`), a write MongoDB refuses for its size.
 */
function isPermanentThrow(error: unknown): boolean {
  return (error instanceof CoreError && error.kind !== 'transient') || isDocumentTooLargeError(error);
}

/** How failed properties are tried again (`PROPERTY_MAX_ATTEMPTS` and the backoff). */
export interface PropertyRetrySettings {
  /** Attempts at one property, the first included; 1 never retries (`PROPERTY_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
  /** Delay before the first retry, in ms (exponential with decorrelated jitter after it). */
  readonly initialBackoffMs: number;
  /** Longest delay between two attempts, in ms. */
  readonly maxBackoffMs: number;
  /**
   * Longest wait for MongoDB to answer again when a property failed while it
   * was unreachable, in ms. Such a failure is retried once
   * the server answers, without counting an attempt.
   */
  readonly databaseOutageWaitMs: number;
  /**
   * Longest wait a source may ask for (`Retry-After`) that the job waits out
   * before trying the property again, in ms (`PROPERTY_MAX_DEFER_MS`). The property gives up its concurrency slot while it waits. A
   * longer wait is not waited: the property ends `deferred`, with `retryAt`,
   * for a later run.
   */
  readonly maxDeferMs: number;
}

/** Defaults of {@link PropertyRetrySettings}, read from the job settings' schema. */
export const DEFAULT_PROPERTY_RETRY_SETTINGS: PropertyRetrySettings = Object.freeze(
  propertyRetrySettingsOf(extractImagesJobSettingsSchema.parse({})),
);

/** Options of {@link RetryingPropertyExtractor}. Dependencies are borrowed. */
export interface RetryingPropertyExtractorOptions {
  /** Extracts one property once (core's `PropertyExtractor`). */
  readonly inner: PropertyExtracting;
  /** Attempts and backoff. */
  readonly retry: PropertyRetrySettings;
  /** Pings MongoDB, to tell a database outage from a failure of the property. */
  readonly health: DatabaseProbe;
  /** Which records the job created; `null` in a dry run (nothing is stored). */
  readonly census: JobPhotoCensus | null;
  /**
   * `true` when an earlier run of the job may have stored photos of the
   * properties this run does (a resumed job): their counts are then taken
   * against the records the job created, as for a retry.
   */
  readonly resumed: boolean;
  /**
   * Reads the photos a job's event log already announced as new for a
   * property (canonical hashes), so a redone property announces each new
   * photo once; `null` leaves the events of redone properties as they come.
   */
  readonly announcedPhotos: ((jobId: JobId, propertyId: PropertyId) => Promise<ReadonlySet<string>>) | null;
  /** Logger of the run. */
  readonly logger: Logger;
  /** Clock of `retryAt` and of the waits for it; default the system clock. */
  readonly clock?: Clock;
  /**
   * The `deferred` outcomes an earlier run of the job gave, by property: such
   * a property is tried no earlier than its `retryAt` (waited when no longer
   * than `maxDeferMs`, else it stays deferred without a request). Default none.
   */
  readonly deferred?: ReadonlyMap<PropertyId, PropertyOutcome>;
}

/**
 * Extracts one property with retries: a property that failed transiently
 * (see `isRetryableOutcome`) is tried again after an exponential backoff with
 * jitter (cockatiel), or after the wait its sources asked for (`Retry-After`)
 * when longer, up to `maxAttempts` attempts; a permanent failure is final at
 * once. A source asking for a longer wait than `maxDeferMs` ends the property
 * `deferred` with `retryAt` (see `chooseRetryStep`). Waits between attempts
 * give up the property's concurrency slot (`waitOutsideSlot` of the request). A failure while MongoDB does not answer,
 * or during which the database client was closed and rebuilt (a watchdog rebuild, see `DatabaseProbe.clientClosings`)
 * (a retryable outcome, or a throw: a database call the extractor does not turn into a failed photo or source, such as
 * marking photos removed) waits for the server and is retried without counting an attempt; a throw whose wait runs out,
 * and a driver connection error thrown while the server answers, end the attempt as a transient `DATABASE_UNAVAILABLE`
 * failure (`DatabaseOutageError`). A permanent throw (invalid input, a write refused for its size) and a
 * cancellation go up at once, not retried; so does any other throw while the server answers. Only the last attempt's
 * `property-finished` event reaches the listener (with its events before it,
 * each attempt starting with `property-started`), and a redone property is
 * counted as a clean run would count it (see `AttemptSightings.recount`).
 * An attempt that returns after the signal aborted (it finished while the run
 * was stopping) is kept, unless its outcome would have been retried.
 */
export class RetryingPropertyExtractor implements PropertyExtracting {
  private readonly o: RetryingPropertyExtractorOptions;
  /** Per property, the canonical hashes announced as new photos of the job (its log, then this run). */
  private readonly announced = new Map<PropertyId, Promise<Set<string>>>();

  /**
   * @param options - the extractor to retry, the settings, the database helpers
   */
  constructor(options: RetryingPropertyExtractorOptions) {
    this.o = options;
  }

  /**
   * Extracts `property`, retrying transient failures.
   *
   * @param property - the property
   * @param request - as for core's `PropertyExtractor.extractProperty`
   * @returns the outcome of the last attempt (recounted when redone)
   * @throws core's `CancelledError` when `request.signal` aborts, also during a backoff (but not
   *   when the attempt under way still returns an outcome that needs no retry: that one is kept)
   */
  async extractProperty(property: Property, request: ExtractPropertyRequest): Promise<PropertyOutcome> {
    const logger = this.o.logger.child({ propertyId: property.id });
    const earlier = await this.waitForEarlierDeferral(property, request, logger);
    if (earlier !== null) return earlier;
    // Every attempt made, those redone after a database outage included.
    const tries = { count: 0 };
    let last: Attempt | null = null;
    // The delay before the next attempt, waited at its start (outside the property's slot), not by cockatiel.
    let waitMs = 0;
    const policy = this.retryPolicy(
      () => last,
      (ms) => (waitMs = ms),
      logger,
    );
    try {
      await policy.execute(async () => {
        if (waitMs > 0) await this.pause(waitMs, request);
        waitMs = 0;
        last = await this.attemptUntilDatabaseAnswers(property, request, logger, tries);
        return last.outcome;
      }, request.signal);
    } catch (error) {
      throwIfCancelled(request.signal);
      throw error;
    }
    const final = last as Attempt | null;
    if (final === null) throw new CancelledError('property extraction stopped before its first attempt');
    // An attempt that ended while the run was stopping keeps its outcome (its photos are stored and
    // counted); only one that would have been tried again is left unfinished, for a later run to redo.
    const retryable = isRetryableOutcome(final.outcome);
    if (retryable) throwIfCancelled(request.signal);
    const step = retryable ? this.stepAfter(final.outcome, 0) : null;
    const counted = await this.counted(property, request, final, tries.count);
    const outcome: PropertyOutcome = step?.kind === 'defer' ? { ...counted, status: 'deferred', retryAt: step.retryAt } : counted;
    if (step?.kind === 'defer')
      logger.warn({ retryAt: step.retryAt }, 'source asked for a longer wait than the job may take; property deferred');
    // The inner extractor logged no end of an attempt that threw.
    if (final.thrown !== null)
      logger.error({ code: final.thrown.code, err: final.thrown.message }, 'property failed: its MongoDB calls did not go through');
    request.onEvent?.({ type: 'property-finished', outcome });
    return outcome;
  }

  private get clock(): Clock {
    return this.o.clock ?? systemClock;
  }

  private stepAfter(outcome: PropertyOutcome, backoffMs: number): RetryStep {
    return chooseRetryStep(outcome, backoffMs, this.o.retry.maxDeferMs, this.clock.now());
  }

  /**
   * cockatiel's policy over the attempts: it decides whether to retry (a transient failure whose asked wait the job
   * may take) and counts the attempts; the delay before each retry (the exponential backoff's, or a longer
   * Retry-After) goes to `setWait`, for the next attempt to wait at its start.
   */
  private retryPolicy(last: () => Attempt | null, setWait: (delayMs: number) => void, logger: Logger): RetryPolicy {
    const settings = this.o.retry;
    let delays: IBackoffFactory<unknown> = new ExponentialBackoff({
      initialDelay: settings.initialBackoffMs,
      maxDelay: settings.maxBackoffMs,
    });
    const retried = (r: unknown): boolean =>
      isRetryableOutcome(r as PropertyOutcome) && this.stepAfter(r as PropertyOutcome, 0).kind === 'wait';
    const policy = retry(handleWhenResult(retried), { maxAttempts: settings.maxAttempts - 1, backoff: new ConstantBackoff(0) });
    policy.onRetry((event) => {
      const backoff = delays.next(undefined);
      delays = backoff;
      const attempt = last();
      const step = attempt === null ? null : this.stepAfter(attempt.outcome, backoff.duration);
      const delayMs = step?.kind === 'wait' ? step.delayMs : backoff.duration;
      setWait(delayMs);
      logger.info({ attempt: event.attempt + 1, delayMs }, 'property failed transiently; retrying');
    });
    return policy;
  }

  /**
   * Before the first attempt at a property an earlier run deferred: waits until its `retryAt` when that is
   * no further than `maxDeferMs`, else ends it deferred again, as it was, without a request.
   *
   * @returns the earlier outcome when the property stays deferred, else `null` (go on)
   */
  private async waitForEarlierDeferral(
    property: Property,
    request: ExtractPropertyRequest,
    logger: Logger,
  ): Promise<PropertyOutcome | null> {
    const earlier = this.o.deferred?.get(property.id);
    if (earlier?.retryAt === undefined) return null;
    const leftMs = earlier.retryAt.getTime() - this.clock.now().getTime();
    if (leftMs > this.o.retry.maxDeferMs) {
      logger.info({ retryAt: earlier.retryAt }, 'property deferred by an earlier run; its wait is not over');
      request.onEvent?.({ type: 'property-finished', outcome: earlier });
      return earlier;
    }
    if (leftMs > 0) await this.pause(leftMs, request);
    return null;
  }

  /** Waits `ms` with the property's slot given up (when the caller holds one); rejects with `CancelledError` on abort. */
  private async pause(ms: number, request: ExtractPropertyRequest): Promise<void> {
    const { signal } = request;
    const wait = (): Promise<void> => sleep(ms, undefined, signal === undefined ? {} : { signal }).catch(() => throwIfCancelled(signal));
    await (request.waitOutsideSlot === undefined ? wait() : request.waitOutsideSlot(wait));
    throwIfCancelled(signal);
  }

  /**
   * One attempt; again, without counting, while a failure (a retryable outcome, or a throw that is not permanent)
   * came with the database unreachable or with its client closed during the attempt (a watchdog rebuild; see
   * `DatabaseProbe.clientClosings`; with the signal aborted, a stopping worker, it is a cancellation). A throw whose wait ran out, or a driver connection error thrown while the
   * database answers, becomes a `DATABASE_UNAVAILABLE` outcome (transient: retried like any other); any other throw
   * while the database answers goes up as it is.
   */
  private async attemptUntilDatabaseAnswers(
    property: Property,
    request: ExtractPropertyRequest,
    logger: Logger,
    tries: { count: number },
  ): Promise<Attempt> {
    const waitMs = this.o.retry.databaseOutageWaitMs;
    for (;;) {
      tries.count += 1;
      const sightings = new AttemptSightings();
      const redo = await this.photoEvents(property, request, tries.count > 1 || this.o.resumed);
      const closings = this.clientClosings();
      const result = await this.attemptOnce(property, request, sightings, redo);
      if ('outcome' in result && !isRetryableOutcome(result.outcome)) return { outcome: result.outcome, sightings, thrown: null };
      const err = 'thrown' in result ? { err: describeError(result.thrown) } : {};
      // The client closed under the attempt: a watchdog rebuild (redo), or a stopping worker (cancelled: handed back).
      const closedUnder = this.clientClosings() !== closings;
      if (closedUnder) throwIfCancelled(request.signal);
      const up = await this.o.health.isUp();
      if (up && !closedUnder) return this.failedWhileUp(property, request, result, sightings, logger);
      if (up) {
        logger.warn(err, 'property failed while its MongoDB client was closed and rebuilt; redoing it');
        continue;
      }
      logger.warn({ waitMs, ...err }, 'property failed while MongoDB was unreachable; waiting for it');
      const back = await this.o.health.waitUntilUp(waitMs, request.signal);
      throwIfCancelled(request.signal);
      if (!back)
        return 'outcome' in result
          ? { ...result, sightings, thrown: null }
          : this.unavailable(property, request, result.thrown, waitMs, sightings);
      logger.info({}, 'MongoDB answers again; redoing the property');
    }
  }

  /** How many times the database client was closed so far; 0 when the probe does not tell. */
  private clientClosings(): number {
    return this.o.health.clientClosings?.() ?? 0;
  }

  /** A failed attempt while MongoDB answers: its outcome; a driver connection error thrown as a transient failure; else the throw. */
  private failedWhileUp(
    property: Property,
    request: ExtractPropertyRequest,
    result: AttemptResult,
    sightings: AttemptSightings,
    logger: Logger,
  ): Attempt {
    if ('outcome' in result) return { outcome: result.outcome, sightings, thrown: null };
    if (!isDatabaseConnectionError(result.thrown)) throw result.thrown;
    logger.warn({ err: describeError(result.thrown) }, 'a MongoDB call of the property failed while MongoDB answers; a transient failure');
    return this.unavailable(property, request, result.thrown, null, sightings);
  }

  /** The attempt as a `DATABASE_UNAVAILABLE` failure of the property (see `DatabaseOutageError`). */
  private unavailable(
    property: Property,
    request: ExtractPropertyRequest,
    error: unknown,
    waitedMs: number | null,
    sightings: AttemptSightings,
  ): Attempt {
    const thrown = new DatabaseOutageError(property.id, waitedMs, error, request.jobId);
    return { outcome: failedPropertyOutcome(property, thrown), sightings, thrown };
  }

  /** One attempt of the inner extractor: its outcome, or what it threw; a cancellation or a permanent throw goes up. */
  private async attemptOnce(
    property: Property,
    request: ExtractPropertyRequest,
    sightings: AttemptSightings,
    redo: RedoPhotoEvents | null,
  ): Promise<AttemptResult> {
    const forward = request.onEvent;
    const attemptRequest: ExtractPropertyRequest = {
      ...request,
      onEvent: (event) => {
        if (event.type === 'property-finished') return;
        sightings.observe(event);
        const passed: ExtractionEvent | null = redo === null ? event : redo.rewrite(event);
        if (passed !== null) forward?.(passed);
      },
    };
    try {
      return { outcome: await this.o.inner.extractProperty(property, attemptRequest) };
    } catch (error) {
      // A permanent throw goes up to core's runExtraction, which records the property as failed (and logs it).
      throwIfCancelled(request.signal);
      if (isPermanentThrow(error)) throw error;
      return { thrown: error };
    }
  }

  /**
   * The rewriting of an attempt's photo events (see `RedoPhotoEvents`): a first attempt only notes the photos
   * it announces; a redone one rewrites. `null` when nothing is stored (dry run) or the records cannot be read.
   */
  private async photoEvents(property: Property, request: ExtractPropertyRequest, redone: boolean): Promise<RedoPhotoEvents | null> {
    const { census, announcedPhotos } = this.o;
    const jobId = request.jobId;
    if (census === null || announcedPhotos === null || request.dryRun || jobId === null) return null;
    try {
      let announced = this.announced.get(property.id);
      if (announced === undefined) {
        // Only an earlier run can have announced photos of this property before this run's first attempt.
        announced = this.o.resumed
          ? announcedPhotos(jobId, property.id).then((found) => new Set(found))
          : Promise.resolve(new Set<string>());
        this.announced.set(property.id, announced);
        announced.catch(() => this.announced.delete(property.id));
      }
      const createdByJob = redone ? await census.createdBy(jobId, property.id) : new Map<string, string>();
      return new RedoPhotoEvents(createdByJob, await announced);
    } catch (error) {
      this.o.logger.warn(
        { propertyId: property.id, err: describeError(error) },
        'photo records or events unreadable; the attempt’s events pass as they come',
      );
      return null;
    }
  }

  private async counted(property: Property, request: ExtractPropertyRequest, last: Attempt, attempts: number): Promise<PropertyOutcome> {
    const redone = attempts > 1 || this.o.resumed;
    if (!redone || this.o.census === null || request.dryRun || request.jobId === null) return last.outcome;
    const jobId: JobId = request.jobId;
    try {
      return last.sightings.recount(last.outcome, await this.o.census.createdBy(jobId, property.id));
    } catch (error) {
      this.o.logger.warn(
        { propertyId: property.id, err: describeError(error) },
        'photo records unreadable; redone property counted as seen',
      );
      return last.outcome;
    }
  }
}

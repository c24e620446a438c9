import { CancelledError, runExtraction } from '@phx/core';
import { JobEventLog } from '../progress/job-event-log.js';
import { JobEventRecorder } from '../progress/job-event-recorder.js';
import { extractionEventBody, statusEventBody, toJobEventCounters } from '../progress/job-event.js';
import type { Clock, ExtractionEvent, Logger, Property, PropertyExtracting } from '@phx/core';
import type { IndexedOutcome } from '../repository/job-property-store.js';
import type { JobEvent } from '../progress/job-event.js';
import { endEventBody, endOfLog, writeJobEnd } from '../progress/job-end.js';
import { listCatalogSelection, unlistedRunEnd } from './selection-listing.js';
import { describeError } from '../errors/index.js';
import type { CancelRequests } from '../repository/cancel-requests.js';
import type { JobProgress, JobRepository, JobRunEnd } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import type { JobRunLeases } from '../repository/job-run-leases.js';
import type { DatabaseProbe } from './database-health.js';
import type { JobPhotoCensus } from './job-photo-census.js';
import { RetryingPropertyExtractor } from './retrying-property-extractor.js';
import type { PropertyRetrySettings } from './retrying-property-extractor.js';
import { JobProgressState } from './job-progress-state.js';
import { ProgressWriter } from './progress-writer.js';
import { RunStoppedError } from './run-stopped-error.js';
import { RunTimeouts } from './run-timeouts.js';
import { RepeatedFailureLog } from '../health/repeated-failure-log.js';
import type { RunStopReason } from './run-stopped-error.js';

/** Everything one run of one job needs. */
export interface ExtractionRunOptions {
  /** The job as the run started it (status `in_progress`, `runNumber` = this run). */
  readonly job: StoredExtractionJob;
  /** Extracts one property. */
  readonly extractor: PropertyExtracting;
  readonly repository: JobRepository;
  readonly runs: JobRunLeases;
  readonly cancels: CancelRequests;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Properties extracted at once. */
  readonly propertyConcurrency: number;
  /** How often the cancel requests are read, in ms. */
  readonly cancelPollIntervalMs: number;
  /** Least time between two progress writes, in ms. */
  readonly progressWriteIntervalMs: number;
  /**
   * `JOB_TIMEOUT`: longest the run may go without a finished property (any outcome), in ms; the job's own limit
   * (`job.timeoutMs`, from its first start) applies besides. See {@link RunTimeouts}.
   */
  readonly jobTimeoutMs: number;
  /** Attempts and backoff of failed properties. */
  readonly propertyRetry: PropertyRetrySettings;
  /** Pings MongoDB (outage detection). */
  readonly health: DatabaseProbe;
  /** Which photo records the job created (counting redone properties). */
  readonly census: JobPhotoCensus;
  /** Wraps the run's extractor, retries included (metrics); identity for none. */
  readonly observe: (extractor: PropertyExtracting) => PropertyExtracting;
}

/** Most events a run lets wait for the log before it starts another property (each holds its progress snapshot, ~1 KB). */
export const MAX_UNWRITTEN_EVENTS = 2_000;

/**
 * What the run keeps with each event until it is in the log: its progress then, whether it finished a property,
 * and how many outcomes the run had finished then (those are the ones the log now holds).
 */
interface LoggedProgress {
  readonly progress: JobProgress;
  readonly finishedProperty: boolean;
  readonly outcomesFinished: number;
}

/** How a run ended: the status written, or `lost` when another run holds the job and nothing was written. */
export interface ExtractionRunResult {
  readonly status: JobRunEnd['status'] | 'lost';
  /** The job as written at the end, or `null` when the run no longer held it. */
  readonly job: StoredExtractionJob | null;
}

/**
 * One run of one job by this worker: extracts the properties the job has no
 * outcome for yet, or a `deferred` one (core's `runExtraction`,
 * `propertyConcurrency` at once; a deferred property is tried no earlier than its `retryAt`),
 * folds the events into the counters and writes them while it runs (throttled,
 * plus at every property end), watches for a cancel request, the timeout and a
 * stop, and writes the end: `completed` (every property done, at least one
 * completed, partial or deferred), `failed` (every property failed, the timeout, or a fatal error),
 * `cancelled`, or `pending` when stopped for shutdown (hand-back).
 */
export class ExtractionRun {
  /** The job id. */
  readonly jobId: string;
  private readonly o: ExtractionRunOptions;
  /** The job as the run holds it: as started, then as its catalog selection's listing left it. */
  private job: StoredExtractionJob;
  private readonly controller = new AbortController();
  private readonly logger: Logger;
  private readonly eventLog: JobEventLog;
  private stopReason: RunStopReason | null = null;
  /** The `JOB_TIMEOUT` rules, armed by `watch` (the listing of a catalog selection included). */
  private readonly timeouts: RunTimeouts;
  private cancelRequestedAt: Date | null;
  /** Outcomes this run finished and has not stored yet, in finishing order; the first `outcomesInLog - outcomesSaved` are in the log. */
  private unsaved: IndexedOutcome[] = [];
  /** Of the outcomes this run finished (`outcomesSaved + unsaved.length`), how many have their `property-finished` event in the log. */
  private outcomesInLog = 0;
  /** Of those, how many are stored. */
  private outcomesSaved = 0;
  /** `true` while a cancel poll's read is out. */
  private cancelPollInFlight = false;
  private readonly cancelPollFailures: RepeatedFailureLog;

  /**
   * @param options - the job, the extractor, the stores and the timings
   */
  constructor(options: ExtractionRunOptions) {
    this.o = options;
    this.job = options.job;
    this.jobId = options.job.id;
    this.cancelRequestedAt = options.job.cancelRequestedAt;
    this.eventLog = new JobEventLog({ db: options.repository.db });
    this.logger = options.logger.child({ jobId: options.job.id, runNumber: options.job.runNumber });
    this.timeouts = new RunTimeouts({
      progressTimeoutMs: options.jobTimeoutMs,
      jobLimitMs: options.job.timeoutMs,
      startedAt: options.job.startedAt ?? options.clock.now(),
      clock: options.clock,
      onTimeout: (reason) => this.stop(reason),
    });
    this.cancelPollFailures = new RepeatedFailureLog({ logger: this.logger, what: 'cancel poll' });
  }

  /**
   * Stops the run: aborts its signal (reaching the scrapers and downloads) with
   * a {@link RunStoppedError}. The first reason wins; later calls do nothing.
   *
   * @param reason - why
   */
  stop(reason: RunStopReason): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    if (reason.kind === 'cancel') this.cancelRequestedAt = reason.requestedAt;
    const stopped = new RunStoppedError(this.jobId, reason);
    // A timeout says which rule and how long: the line an operator looks for when a job failed by JOB_TIMEOUT.
    this.logger.info({ reason: reason.kind, ...(reason.kind === 'timeout' ? { detail: stopped.message } : {}) }, 'run stopping');
    this.controller.abort(stopped);
  }

  /**
   * Runs the job to its end and records the end. The run is the job's one
   * writer while it holds it: each step appends a batch of events to the
   * job's log, then moves the job document's counters to those of the
   * batch's last event (at once when a property finished, else throttled to
   * `progressWriteIntervalMs`), only while the document's `runNumber` is this
   * run's. The end goes the same way: its final `status` event, then the
   * document's end. FerretDB has no multi-document transactions, so the order
   * is what makes a crash safe: the document is never ahead of the log, so
   * what `jobProgress` shows was already sent to `jobEvents` and no live
   * counter goes down when a run resumes from the log's last counters; and an
   * end that the log holds but the document lacks (a crash between the two)
   * is completed by the next run that takes the job up, before it extracts
   * anything. The reverse order would leave a final document whose event no
   * writer would ever append, as no run takes a final job up.
   *
   * @returns the status written and the job as it then is
   * @throws the driver's error when the end cannot be written (the job stays
   *   `in_progress` and is taken up again once its lease expires)
   */
  async execute(): Promise<ExtractionRunResult> {
    const last = await this.lastEvent();
    const logged = endOfLog(last, this.job);
    if (logged !== null) return this.completeLoggedEnd(logged);
    // Cancels and JOB_TIMEOUT are watched from the listing of its catalog selection on, when it has one to list (each chunk
    // of the list written is progress).
    let stopWatching: (() => void) | null = null;
    if (!this.job.propertiesListed || this.job.totalProperties === 0) {
      stopWatching = this.watch();
      const unlisted = await this.listProperties();
      if (unlisted !== null) {
        stopWatching();
        return unlisted;
      }
    }
    const { job } = this;
    const state = new JobProgressState(
      job,
      await this.o.repository.properties.outcomes(job.id),
      last === null ? null : toJobEventCounters(last.counters),
    );
    let inLog = state.live();
    // One warning per outage and kind of write, not one per retry.
    const progressFailures = new RepeatedFailureLog({ logger: this.logger, what: 'progress write' });
    const eventFailures = new RepeatedFailureLog({ logger: this.logger, what: 'job event write' });
    const writer = new ProgressWriter({
      write: async () => {
        // The outcomes whose events are in the log, then the counters: the document is never ahead of the outcomes.
        await this.saveOutcomes();
        return this.o.repository.saveProgress(job.id, job.runNumber, inLog, this.o.clock.now(), this.cancelRequestedAt);
      },
      minIntervalMs: this.o.progressWriteIntervalMs,
      onRefused: () => this.stop({ kind: 'lease-lost' }),
      onError: (error) => progressFailures.failed(error),
      onWritten: () => progressFailures.succeeded(),
      // A write no retry can mend (a document over MongoDB's size limit) fails the run instead of looping.
      onPermanentError: (error) => this.controller.abort(error),
    });
    const events = new JobEventRecorder<LoggedProgress>({
      log: this.eventLog,
      jobId: job.id,
      // Once another run holds the job (this one was paused or cut off past its lease), its events are the other run's to write.
      // The job document's `runNumber` decides who holds the job (as for the progress writes), not the latest lease: a run
      // that claimed a lease and then lost the job must not silence the run that kept it.
      // Not holding it stops the run (as a refused document write does): its later work would be the other run's.
      holdsJob: async () => {
        const holds = this.stopReason?.kind !== 'lease-lost' && (await this.o.repository.get(job.id))?.runNumber === job.runNumber;
        if (!holds) this.stop({ kind: 'lease-lost' });
        return holds;
      },
      onError: (error) => eventFailures.failed(error),
      onWritten: () => eventFailures.succeeded(),
      afterBatch: async ({ progress, finishedProperty, outcomesFinished }) => {
        inLog = progress;
        this.outcomesInLog = Math.max(this.outcomesInLog, outcomesFinished);
        if (finishedProperty) await writer.flush();
        else writer.request();
      },
    });
    events.record(statusEventBody('in_progress', toJobEventCounters(inLog), null), {
      progress: inLog,
      finishedProperty: false,
      outcomesFinished: 0,
    });
    stopWatching ??= this.watch();
    let fatal: unknown = null;
    this.logger.info({ properties: job.totalProperties, alreadyDone: state.finishedCount }, 'run started');
    try {
      await this.pollCancel();
      if (!this.controller.signal.aborted) await this.extract(state, events);
    } catch (error) {
      if (!(error instanceof CancelledError && this.controller.signal.aborted)) fatal = error;
    } finally {
      stopWatching();
      // Every event so far in the log and the document moved to it, before the end is decided and written.
      await events.flush();
      await writer.close();
    }
    return this.finish(state, fatal ?? writer.permanentError, events);
  }

  /**
   * Writes the property list of a job enqueued for a catalog selection (see `listCatalogSelection`).
   *
   * @returns `null` when the job has properties to run, else the run's end: the list could not be written (stopped,
   *   failed, lost) or the selection has no property (failed, naming it)
   */
  private async listProperties(): Promise<ExtractionRunResult | null> {
    let fatal: unknown = null;
    try {
      await this.pollCancel();
      if (!this.job.propertiesListed) {
        const listed = await listCatalogSelection({
          job: this.job,
          repository: this.o.repository,
          signal: this.controller.signal,
          clock: this.o.clock,
          onChunkWritten: () => this.timeouts.progressed('listing'),
        });
        if (listed === null) this.stop({ kind: 'lease-lost' });
        else this.job = listed;
        this.logger.info({ properties: this.job.totalProperties }, 'catalog selection listed');
      }
    } catch (error) {
      if (!this.controller.signal.aborted) fatal = error;
    }
    if (this.job.propertiesListed && this.job.totalProperties > 0 && fatal === null && this.stopReason === null) return null;
    if (fatal !== null) this.logger.error({ err: describeError(fatal) }, 'listing the catalog selection failed');
    const end = unlistedRunEnd(this.job, this.stopReason, fatal, this.cancelRequestedAt);
    const now = this.o.clock.now();
    const written =
      end === null
        ? null
        : await writeJobEnd({
            log: this.eventLog,
            repository: this.o.repository,
            jobId: this.jobId,
            runNumber: this.job.runNumber,
            end,
            now,
          });
    await this.releaseLease(now);
    return end === null || written === null ? { status: 'lost', job: null } : { status: end.status, job: written };
  }

  /** The job's last event, or `null` when unreadable (the live counters then start from the job document) or none. */
  private async lastEvent(): Promise<JobEvent | null> {
    try {
      return await this.eventLog.lastEvent(this.jobId);
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'last job event unreadable; live counters start from the job document');
      return null;
    }
  }

  /** Writes the end the log holds to the document (its writer died between the two writes); extracts nothing. */
  private async completeLoggedEnd(end: JobRunEnd): Promise<ExtractionRunResult> {
    this.logger.warn({ status: end.status }, 'the log ends with a final status the job lacks; writing that end');
    const now = this.o.clock.now();
    const written = await this.o.repository.endRun(this.jobId, this.job.runNumber, end, now);
    await this.releaseLease(now);
    return written === null ? { status: 'lost', job: null } : { status: end.status, job: written };
  }

  /** Stores the outcomes whose events are in the log (idempotent: a retry after a failed write stores the same ones). */
  private async saveOutcomes(): Promise<void> {
    const ready = this.unsaved.slice(0, this.outcomesInLog - this.outcomesSaved);
    if (ready.length === 0) return;
    await this.o.repository.properties.recordOutcomes(this.job.id, ready, this.o.clock.now());
    this.unsaved = this.unsaved.slice(ready.length);
    this.outcomesSaved += ready.length;
  }

  /**
   * The job's stored property list, read as the run goes, each property's position noted in `state`. The next
   * property starts only once the event log has caught up to {@link MAX_UNWRITTEN_EVENTS}: the run's memory does not
   * grow with the job when its events come faster than the log takes them.
   */
  private async *propertiesOf(state: JobProgressState, events: JobEventRecorder<LoggedProgress>): AsyncGenerator<Property> {
    for await (const { index, property } of this.o.repository.properties.properties(this.job.id)) {
      if (state.finishedPropertyIds.has(property.id)) continue;
      await events.waitBelow(MAX_UNWRITTEN_EVENTS);
      state.track(property.id, index);
      yield property;
    }
  }

  private async extract(state: JobProgressState, events: JobEventRecorder<LoggedProgress>): Promise<void> {
    const { job } = this.o;
    const onEvent = (event: ExtractionEvent): void => {
      const finished = state.apply(event);
      if (finished !== null) {
        this.unsaved.push(finished);
        this.timeouts.progressed();
      }
      const progress = state.live();
      events.record(extractionEventBody(event, toJobEventCounters(progress)), {
        progress,
        finishedProperty: finished !== null,
        outcomesFinished: this.outcomesSaved + this.unsaved.length,
      });
    };
    await runExtraction(
      {
        properties: this.propertiesOf(state, events),
        retainOutcomes: false,
        sources: job.sources,
        dryRun: job.dryRun,
        jobId: job.id,
        // A job naming no fetch mode leaves each scraper on the worker's FETCH_MODE (the kit's default).
        ...(job.fetchMode === null ? {} : { fetchMode: job.fetchMode }),
        propertyConcurrency: this.o.propertyConcurrency,
        signal: this.controller.signal,
        onEvent,
        logger: this.logger,
      },
      this.o.observe(
        new RetryingPropertyExtractor({
          inner: this.o.extractor,
          retry: this.o.propertyRetry,
          health: this.o.health,
          census: job.dryRun ? null : this.o.census,
          resumed: job.runNumber > 1,
          announcedPhotos: job.dryRun ? null : (jobId, propertyId) => this.eventLog.newPhotoHashes(jobId, propertyId),
          logger: this.logger,
          clock: this.o.clock,
          deferred: state.carriedDeferrals,
        }),
      ),
    );
  }

  private async finish(state: JobProgressState, fatal: unknown, events: JobEventRecorder<LoggedProgress>): Promise<ExtractionRunResult> {
    const end = this.decideEnd(state, fatal);
    if (end === null) {
      await events.close();
      this.logger.warn({}, 'run lost the job to another worker; nothing written');
      await this.releaseLease(this.o.clock.now());
      return { status: 'lost', job: null };
    }
    // Every finished outcome stored before the end's event: a crash after it would leave nobody to store them (the next
    // run only completes the document from the log), and a reader of the log that sees the end (the CLI, `jobProgress`)
    // must find every outcome. So the events still buffered (the last property's, often) are written first.
    await events.flush();
    await this.saveOutcomes();
    // The log first: an end is in the document only once its event is in the log (see `execute`).
    events.record(endEventBody(end));
    if (!(await events.close()))
      throw new Error(`job ${this.jobId}: the ${end.status} event of the run could not be written; the job stays in progress`);

    const now = this.o.clock.now();
    const written = await this.o.repository.endRun(this.jobId, this.job.runNumber, end, now);
    await this.releaseLease(now);
    if (written === null) {
      this.logger.warn({ status: end.status }, 'run end not written: the job changed hands');
      return { status: 'lost', job: null };
    }
    this.logger.info(
      { status: end.status, completed: written.completedProperties, failed: written.failedProperties, images: written.totalImages },
      'run ended',
    );
    return { status: end.status, job: written };
  }

  /** Ends this run's own lease (never another run's), so no lease of a run that is over stays open. */
  private async releaseLease(now: Date): Promise<void> {
    await this.o.runs.release(this.jobId, this.job.runNumber, now).catch((error: unknown) => {
      this.logger.warn({ err: describeError(error) }, 'run lease release failed');
    });
  }

  private decideEnd(state: JobProgressState, fatal: unknown): JobRunEnd | null {
    const stop = this.stopReason;
    if (stop?.kind === 'lease-lost') return null;
    const total = this.job.totalProperties;
    const base = { cancelRequestedAt: this.cancelRequestedAt };
    if (fatal !== null) {
      this.logger.error({ err: describeError(fatal) }, 'run failed');
      return { ...base, status: 'failed', errorMessage: `extraction failed: ${describeError(fatal)}`, progress: state.settled() };
    }
    // A final status counts by the finished outcomes (a retried or resumed property counts once, as in a clean run; the photos
    // of a property cut mid-way are not counted, as it has no row). Only a hand-back keeps the live counters, for the resume.
    if (state.finishedCount >= total) {
      if (state.anyCompleted) return { ...base, status: 'completed', errorMessage: null, progress: state.settled() };
      return { ...base, status: 'failed', errorMessage: this.allFailedMessage(state), progress: state.settled() };
    }
    if (stop === null) {
      const message = `run ended with ${total - state.finishedCount} of ${total} properties unfinished`;
      return { ...base, status: 'failed', errorMessage: message, progress: state.settled() };
    }
    const message = new RunStoppedError(this.jobId, stop).message;
    switch (stop.kind) {
      case 'cancel':
        return { ...base, status: 'cancelled', errorMessage: message, progress: state.settled() };
      case 'timeout':
        return { ...base, status: 'failed', errorMessage: message, progress: state.settled() };
      case 'shutdown':
        // The live counters (never lower than shown): the run that resumes the job starts from them.
        return { ...base, status: 'pending', errorMessage: null, progress: state.live() };
    }
  }

  private allFailedMessage(state: JobProgressState): string {
    return allFailedMessage(state, this.o.propertyRetry.maxAttempts);
  }

  private watch(): () => void {
    const cancelTimer = setInterval(() => void this.pollCancel(), this.o.cancelPollIntervalMs);
    const stopTimeouts = this.timeouts.start();
    return () => {
      clearInterval(cancelTimer);
      stopTimeouts();
    };
  }

  /** Reads the job's cancel request; one read at a time (a read held by an outage is not joined by one per interval). */
  private async pollCancel(): Promise<void> {
    if (this.stopReason !== null || this.cancelPollInFlight) return;
    this.cancelPollInFlight = true;
    try {
      const requestedAt = await this.o.cancels.get(this.jobId);
      this.cancelPollFailures.succeeded();
      if (requestedAt !== null) this.stop({ kind: 'cancel', requestedAt });
    } catch (error) {
      this.cancelPollFailures.failed(error);
    } finally {
      this.cancelPollInFlight = false;
    }
  }
}

function allFailedMessage(state: JobProgressState, maxAttempts: number): string {
  const first = state.firstFailedOutcome;
  const detail = first === null ? '' : `; first: ${first.address}: ${first.failures[0]?.message ?? 'no detail'}`;
  const retried = maxAttempts > 1 ? `; transient failures were tried ${maxAttempts} times, permanent ones once` : '';
  return `every property failed (${state.failedPropertyCount} of ${state.finishedCount})${detail}${retried}`;
}

import { SpanStatusCode } from '@opentelemetry/api';
import { contextOfTrace, inSpan, isFinalJobStatus } from '@phx/core';
import type { Clock, Logger, PropertyExtracting } from '@phx/core';
import { describeError } from '../errors/index.js';
import { settledProgressOf, writeJobEnd } from '../progress/job-end.js';
import { JobEventLog } from '../progress/job-event-log.js';
import type { CancelRequests } from '../repository/cancel-requests.js';
import type { JobRepository } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { isLeaseHeld } from '../repository/job-run-leases.js';
import type { JobRunLeases } from '../repository/job-run-leases.js';
import type { DatabaseProbe } from './database-health.js';
import type { JobPhotoCensus } from './job-photo-census.js';
import { ExtractionRun } from './extraction-run.js';
import type { PropertyRetrySettings } from './retrying-property-extractor.js';
import type { ExtractionRunResult } from './extraction-run.js';
import type { RunStopReason } from './run-stopped-error.js';
import { RunHeartbeat } from './run-heartbeat.js';

/** Gives the extractor for a job (e.g. one scraper kit per isolation mode). */
export type ExtractorProvider = (job: StoredExtractionJob) => PropertyExtracting | Promise<PropertyExtracting>;

/** Settings of {@link ExtractionJobRunner}, resolved (no optionals). */
export interface ExtractionJobRunnerSettings {
  readonly repository: JobRepository;
  readonly runs: JobRunLeases;
  readonly cancels: CancelRequests;
  readonly extractorFor: ExtractorProvider;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly workerName: string;
  readonly propertyConcurrency: number;
  readonly cancelPollIntervalMs: number;
  readonly progressWriteIntervalMs: number;
  readonly jobTimeoutMs: number;
  readonly lockLifetimeMs: number;
  /** Attempts and backoff of properties that fail transiently (`PROPERTY_MAX_ATTEMPTS`). */
  readonly propertyRetry: PropertyRetrySettings;
  /** Pings MongoDB, to tell an outage from a failure of the property. */
  readonly health: DatabaseProbe;
  /** Which photo records a job created, to count redone properties as a clean run would. */
  readonly census: JobPhotoCensus;
  /** Wraps the extractor of each run, retries included (metrics); identity for none. */
  readonly observe: (extractor: PropertyExtracting) => PropertyExtracting;
}

/** What the queue offers a run: keep its lock alive, and schedule it again at a time. */
export interface QueueHandle {
  /** Renews the queue's lock of the job. */
  readonly touch: () => Promise<void>;
  /** Makes the queue run the job again at `at` (after this run returns). */
  readonly requeueAt: (at: Date) => void;
}

/** One call of `ExtractionJobRunner.run`: its run once created, and the stop asked for before it was. */
interface ActiveRun {
  readonly jobId: string;
  /** When the queue handed the job to this worker (the call began). */
  readonly since: Date;
  run: ExtractionRun | null;
  stop: RunStopReason | null;
  /** Resolves when the call has returned. */
  readonly done: Promise<void>;
}

/**
 * Takes jobs up for this worker: skips final jobs, claims a run (one worker
 * per job, see `JobRunLeases`), starts it, and keeps the runs in progress so
 * a shutdown can hand them back.
 */
export class ExtractionJobRunner {
  private readonly s: ExtractionJobRunnerSettings;
  /** Every call of `run` under way, from its first step (not only once the extraction runs), so a shutdown sees it. */
  private readonly active = new Set<ActiveRun>();

  /**
   * @param settings - stores, extractor, timings
   */
  constructor(settings: ExtractionJobRunnerSettings) {
    this.s = settings;
  }

  /** Ids of the jobs this worker runs now. */
  get runningJobIds(): string[] {
    return [...new Set([...this.active].map((a) => a.jobId))];
  }

  /** The jobs this worker runs now, each with when this worker took it up (the first call, when one was handed over twice). */
  get runningJobs(): { readonly jobId: string; readonly since: Date }[] {
    const first = new Map<string, Date>();
    for (const { jobId, since } of this.active) if (!first.has(jobId)) first.set(jobId, since);
    return [...first].map(([jobId, since]) => ({ jobId, since }));
  }

  /**
   * Runs a job if it needs running and no other worker holds it.
   *
   * @param jobId - the job
   * @param queue - the queue's lock and rescheduling for this job
   * @returns the end of the run, or `null` when the job was not run
   */
  async run(jobId: string, queue: QueueHandle): Promise<ExtractionRunResult | null> {
    if (this.isRunning(jobId)) {
      // The queue lock lapsed while this worker's run waited (a database outage longer than the lock lifetime) and the queue
      // handed the job over again: the run in progress still holds it. Keep the queue entry so the job is taken up should
      // this worker die; once the run has ended, that pass finds the job final (or handed back) and does nothing more.
      this.s.logger.child({ jobId }).warn({}, 'job already running on this worker; no second run started');
      queue.requeueAt(new Date(this.s.clock.now().getTime() + this.s.lockLifetimeMs + 1_000));
      return null;
    }
    let finished = (): void => undefined;
    const entry: ActiveRun = {
      jobId,
      since: this.s.clock.now(),
      run: null,
      stop: null,
      done: new Promise<void>((resolve) => (finished = resolve)),
    };
    this.active.add(entry);
    try {
      return await this.runTracked(entry, queue);
    } finally {
      this.active.delete(entry);
      finished();
    }
  }

  /**
   * Tells whether a call of `run` for this job is under way on this worker.
   *
   * @param jobId - the job
   * @returns `true` from the call's first step until it has returned
   */
  isRunning(jobId: string): boolean {
    return [...this.active].some((a) => a.jobId === jobId);
  }

  private async runTracked(entry: ActiveRun, queue: QueueHandle): Promise<ExtractionRunResult | null> {
    const logger = this.s.logger.child({ jobId: entry.jobId });
    // From the moment the queue hands the job over: the browser may take seconds to come up, longer than a short lock lives.
    const heartbeat = new RunHeartbeat({
      touchQueueLock: queue.touch,
      intervalMs: Math.max(250, Math.floor(this.s.lockLifetimeMs / 4)),
      logger,
    });
    try {
      const result = await this.claimAndRun(entry, queue, heartbeat, logger);
      // Another run holds the job: keep its queue entry (Agenda removes a one-time job whose run returns without a next run time),
      // so that the job is taken up again should that run's worker die.
      if (result?.status === 'lost') queue.requeueAt(new Date(this.s.clock.now().getTime() + this.s.lockLifetimeMs + 1_000));
      return result;
    } finally {
      heartbeat.stop();
    }
  }

  private async claimAndRun(
    entry: ActiveRun,
    queue: QueueHandle,
    heartbeat: RunHeartbeat,
    logger: Logger,
  ): Promise<ExtractionRunResult | null> {
    const { jobId } = entry;
    const job = await this.s.repository.get(jobId);
    if (job === null) {
      logger.warn({}, 'job document missing; nothing to run');
      return null;
    }
    if (isFinalJobStatus(job.status)) {
      logger.info({ status: job.status }, 'job already final; not run again');
      return null;
    }
    if (entry.stop !== null) {
      // The worker is stopping: leave the job to another worker.
      queue.requeueAt(this.s.clock.now());
      return null;
    }
    const started = await this.claim(job, queue, logger);
    if (started === null) return null;
    heartbeat.holdLease(() => this.s.runs.heartbeat(jobId, started.runNumber, this.s.clock.now()));
    // One `job` span per run, continuing the trace of the request that enqueued the job (a scheduled job's starts its own).
    const attributes = {
      'phx.job.id': jobId,
      'phx.job.run_number': started.runNumber,
      'phx.job.property_count': started.totalProperties,
      'phx.worker.name': this.s.workerName,
    };
    return inSpan(
      'job',
      attributes,
      async (span) => {
        const result = await this.runStarted(entry, started, queue, logger);
        span.setAttribute('phx.job.run_status', result.status);
        if (result.status === 'failed') {
          span.setStatus({ code: SpanStatusCode.ERROR, message: result.job?.errorMessage ?? 'job failed' });
        }
        return result;
      },
      contextOfTrace(started.traceContext),
    );
  }

  private async runStarted(
    entry: ActiveRun,
    started: StoredExtractionJob,
    queue: QueueHandle,
    logger: Logger,
  ): Promise<ExtractionRunResult> {
    const run = await this.createRun(started, logger);
    if (run === null) return { status: 'failed', job: await this.s.repository.get(started.id) };
    entry.run = run;
    if (entry.stop !== null) run.stop(entry.stop);
    try {
      const result = await run.execute();
      if (result.status === 'pending') queue.requeueAt(this.s.clock.now());
      return result;
    } catch (error) {
      // The end could not be written: let the queue retry once the lease has expired.
      queue.requeueAt(new Date(this.s.clock.now().getTime() + this.s.lockLifetimeMs));
      throw error;
    }
  }

  /**
   * Waits until this worker runs no job (each run ended on its own).
   *
   * @param timeoutMs - longest wait, in ms
   * @returns `true` when no job runs any more, `false` when some still ran after `timeoutMs`
   */
  async waitForIdle(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.active.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, left);
      });
      await Promise.race([Promise.all([...this.active].map((a) => a.done)), timeout]);
      clearTimeout(timer);
    }
    return true;
  }

  /**
   * Stops every run of this worker for a shutdown: each aborts, writes its
   * progress, sets its job back to `pending` and asks the queue to run it
   * again (on another worker, once this one's queue is stopped).
   *
   * @param detail - why, for the logs
   * @returns when every run has handed its job back
   */
  async handBackAll(detail: string): Promise<void> {
    const active = [...this.active];
    for (const entry of active) {
      entry.stop ??= { kind: 'shutdown', detail };
      entry.run?.stop(entry.stop);
    }
    await Promise.all(active.map((a) => a.done));
  }

  private async claim(job: StoredExtractionJob, queue: QueueHandle, logger: Logger): Promise<StoredExtractionJob | null> {
    const now = this.s.clock.now();
    const latest = await this.s.runs.latest(job.id);
    if (isLeaseHeld(latest, now, this.s.lockLifetimeMs)) {
      const recheckAt = new Date((latest?.heartbeatAt.getTime() ?? now.getTime()) + this.s.lockLifetimeMs + 1_000);
      logger.info({ holder: latest?.workerName, recheckAt }, 'job held by another worker; checking again when its lease would expire');
      queue.requeueAt(recheckAt);
      return null;
    }
    const runNumber = Math.max(latest?.runNumber ?? 0, job.runNumber) + 1;
    if (!(await this.s.runs.claim(job.id, runNumber, this.s.workerName, now))) {
      logger.info({ runNumber }, 'another worker claimed the run first');
      queue.requeueAt(new Date(now.getTime() + this.s.lockLifetimeMs + 1_000));
      return null;
    }
    const started = await this.s.repository.startRun(job.id, { runNumber, workerName: this.s.workerName, now });
    if (started === null) await this.s.runs.release(job.id, runNumber, now);
    return started;
  }

  private async createRun(job: StoredExtractionJob, logger: Logger): Promise<ExtractionRun | null> {
    try {
      const extractor = await this.s.extractorFor(job);
      return new ExtractionRun({
        job,
        extractor,
        repository: this.s.repository,
        runs: this.s.runs,
        cancels: this.s.cancels,
        clock: this.s.clock,
        logger: this.s.logger,
        propertyConcurrency: this.s.propertyConcurrency,
        cancelPollIntervalMs: this.s.cancelPollIntervalMs,
        progressWriteIntervalMs: this.s.progressWriteIntervalMs,
        jobTimeoutMs: this.s.jobTimeoutMs,
        propertyRetry: this.s.propertyRetry,
        health: this.s.health,
        census: this.s.census,
        observe: this.s.observe,
      });
    } catch (error) {
      logger.error({ err: describeError(error) }, 'extractor could not be created; job failed');
      const now = this.s.clock.now();
      const progress = await settledProgressOf(job, this.s.repository);
      const errorMessage = `worker could not start the extraction: ${describeError(error)}`;
      const end = { status: 'failed', errorMessage, progress, cancelRequestedAt: null } as const;
      await writeJobEnd({
        log: new JobEventLog({ db: this.s.repository.db }),
        repository: this.s.repository,
        jobId: job.id,
        runNumber: job.runNumber,
        end,
        now,
      });
      await this.s.runs.release(job.id, job.runNumber, now);
      return null;
    }
  }
}

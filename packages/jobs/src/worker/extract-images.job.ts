import { hostname } from 'node:os';
import type { Agenda, Job } from 'agenda';
import { z } from 'zod';
import { noopLogger, parseInput, systemClock } from '@phx/core';
import type { Clock, Logger, PropertyExtracting } from '@phx/core';
import { DEFAULT_QUEUE_SETTINGS } from '../agenda/queue-settings.js';
import { EXTRACT_IMAGES_JOB, extractImagesPayloadSchema } from '../agenda/job-payloads.js';
import type { ExtractImagesPayload } from '../agenda/job-payloads.js';
import { CancelRequests } from '../repository/cancel-requests.js';
import type { JobRepository } from '../repository/job-repository.js';
import { JobRunLeases } from '../repository/job-run-leases.js';
import { DatabaseHealth } from './database-health.js';
import { JobPhotoCensus } from './job-photo-census.js';
import { DEFAULT_PROPERTY_RETRY_SETTINGS } from './retrying-property-extractor.js';
import { ExtractionJobRunner } from './extraction-job-runner.js';
import type { ExtractorProvider } from './extraction-job-runner.js';

/** Dependencies and settings of {@link defineExtractImagesJob}. Resources are borrowed, never closed here. */
export interface ExtractImagesJobDeps {
  /** Job documents; its database also holds the run leases and cancel requests. */
  readonly repository: JobRepository;
  /**
   * Extracts one property (core's `PropertyExtractor`), or a function giving
   * the extractor for a job (e.g. one scraper kit per isolation mode, made on
   * first use). A function that throws fails that job.
   */
  readonly extractor: PropertyExtracting | ExtractorProvider;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
  /** Name of this worker in the job document and the run lease; default `<hostname>:<pid>`. */
  readonly workerName?: string;
  /** Properties extracted at once within one job, 1-32; default 3. */
  readonly propertyConcurrency?: number;
  /** How often a running job checks for a cancel request, in ms, 50-10 000; default 500. */
  readonly cancelPollIntervalMs?: number;
  /** Least time between two progress writes while properties run, in ms, 0-60 000; default 250. */
  readonly progressWriteIntervalMs?: number;
  /** Longest one run may take before it is stopped and the job failed (`JOB_TIMEOUT`), in ms; default 3 600 000. */
  readonly jobTimeoutMs?: number;
  /**
   * How long the job stays locked to this worker without a heartbeat, in ms
   * (Agenda lock lifetime and run lease), at least 1000; default 60 000. Runs
   * heartbeat every quarter of it; after a crash another worker resumes the
   * job once it has passed.
   */
  readonly lockLifetimeMs?: number;
  /**
   * Attempts at one property, the first included (`PROPERTY_MAX_ATTEMPTS`),
   * 1-10; default 3. Only transient failures are tried again.
   */
  readonly propertyMaxAttempts?: number;
  /** Delay before the first retry of a property, in ms, 0-600 000; default 1000. Grows exponentially, with jitter. */
  readonly propertyRetryInitialBackoffMs?: number;
  /** Longest delay between two attempts at a property, in ms, 0-3 600 000; default 30 000. */
  readonly propertyRetryMaxBackoffMs?: number;
  /**
   * Longest wait for MongoDB to answer again after a property failed while it
   * was unreachable, in ms, at least 0; default 300 000. The property is then
   * redone without counting an attempt.
   */
  readonly databaseOutageWaitMs?: number;
  /**
   * Longest `Retry-After` a source may ask for that the job waits out before
   * trying the property again (`PROPERTY_MAX_DEFER_MS`), in ms, 0-86 400 000;
   * default 300 000. The property gives up its concurrency slot meanwhile; a
   * longer wait ends the property `deferred` with `retryAt` (not failed), for
   * a later run.
   */
  readonly propertyMaxDeferMs?: number;
  /**
   * Wraps the extractor each run uses, retries included (e.g. metrics'
   * `observeExtractor`): it sees one `property-finished` per property, with
   * its final status (`deferred` included), and each attempt's photo events
   * as the job counts them. Default none.
   */
  readonly observe?: (extractor: PropertyExtracting) => PropertyExtracting;
}

/** Defaults of the optional {@link ExtractImagesJobDeps} settings. */
export const DEFAULT_EXTRACT_IMAGES_JOB_OPTIONS = Object.freeze({
  propertyConcurrency: DEFAULT_QUEUE_SETTINGS.propertyConcurrency,
  cancelPollIntervalMs: 500,
  progressWriteIntervalMs: 250,
  jobTimeoutMs: DEFAULT_QUEUE_SETTINGS.jobTimeoutMs,
  lockLifetimeMs: DEFAULT_QUEUE_SETTINGS.lockLifetimeMs,
  propertyMaxAttempts: DEFAULT_PROPERTY_RETRY_SETTINGS.maxAttempts,
  propertyRetryInitialBackoffMs: DEFAULT_PROPERTY_RETRY_SETTINGS.initialBackoffMs,
  propertyRetryMaxBackoffMs: DEFAULT_PROPERTY_RETRY_SETTINGS.maxBackoffMs,
  databaseOutageWaitMs: DEFAULT_PROPERTY_RETRY_SETTINGS.databaseOutageWaitMs,
  propertyMaxDeferMs: DEFAULT_PROPERTY_RETRY_SETTINGS.maxDeferMs,
});

const settingsSchema = z.object({
  workerName: z.string().min(1).optional(),
  propertyConcurrency: z.number().int().min(1).max(32).optional(),
  cancelPollIntervalMs: z.number().int().min(50).max(10_000).optional(),
  progressWriteIntervalMs: z.number().int().min(0).max(60_000).optional(),
  jobTimeoutMs: z.number().int().min(1).optional(),
  lockLifetimeMs: z.number().int().min(1_000).optional(),
  propertyMaxAttempts: z.number().int().min(1).max(10).optional(),
  propertyRetryInitialBackoffMs: z.number().int().min(0).max(600_000).optional(),
  propertyRetryMaxBackoffMs: z.number().int().min(0).max(3_600_000).optional(),
  databaseOutageWaitMs: z.number().int().min(0).optional(),
  propertyMaxDeferMs: z.number().int().min(0).max(86_400_000).optional(),
});

/** What {@link defineExtractImagesJob} gives back: the worker's view of its running extractions. */
export interface ExtractImagesJobHandle {
  /** Ids of the jobs this worker runs now. */
  readonly runningJobIds: readonly string[];
  /**
   * Hands every running job back for another worker to resume: aborts its
   * extraction, writes its counters and outcomes, sets it `pending` and
   * reschedules it in the queue. Call after `agenda.stop()` (so this worker
   * does not take the jobs up again) and before closing MongoDB.
   *
   * @param detail - why, e.g. `SIGTERM`
   * @param timeoutMs - longest wait for the queue to record each job, in ms; default 5000
   */
  handBack(detail: string, timeoutMs?: number): Promise<void>;
  /**
   * Lets the running jobs finish, within a grace period, then hands back
   * those still running (see `handBack`). Call after `agenda.stop()`, so no
   * new job starts meanwhile.
   *
   * @param detail - why, e.g. `SIGTERM`
   * @param gracePeriodMs - longest wait for running jobs to end on their own, in ms (`SHUTDOWN_GRACE_PERIOD`)
   * @returns the ids of the jobs handed back (empty when every run ended in time)
   */
  drain(detail: string, gracePeriodMs: number): Promise<string[]>;
}

/**
 * Registers the `extract-images` job on a queue: each run takes the job
 * document named by the payload and extracts its properties (see
 * `ExtractionRun`), resuming after the properties a previous run finished.
 * A job already final is not run again.
 *
 * @param agenda - the queue (define before `agenda.start()`)
 * @param deps - job documents, extractor, logger, settings
 * @returns the handle the worker uses to hand running jobs back at shutdown
 * @throws core's `InvalidInputError` listing every invalid setting
 * @example
 * ```ts
 * import type { Logger, PropertyExtracting } from '@phx/core';
 * import type { JobRepository } from '@phx/jobs';
 * import type { Agenda } from 'agenda';
 * declare const agenda: Agenda, repository: JobRepository, extractor: PropertyExtracting, logger: Logger;
 * const jobs = defineExtractImagesJob(agenda, { repository, extractor, logger, propertyConcurrency: 3 });
 * await agenda.start();
 * // on SIGTERM:
 * await agenda.stop(false);
 * await jobs.handBack('SIGTERM');
 * ```
 */
export function defineExtractImagesJob(agenda: Agenda, deps: ExtractImagesJobDeps): ExtractImagesJobHandle {
  const { runner, logger, lockLifetimeMs } = createExtractionJobRunner(deps);
  const recorded = new QueueCompletions(agenda);

  agenda.define<ExtractImagesPayload>(
    EXTRACT_IMAGES_JOB,
    async (job: Job<ExtractImagesPayload>) => {
      const payload = extractImagesPayloadSchema.safeParse(job.attrs.data);
      if (!payload.success) {
        logger.error({ agendaJobId: String(job.attrs._id), issues: payload.error.issues.length }, 'bad extract-images payload; dropped');
        return;
      }
      recorded.expect(job);
      await runner.run(payload.data.jobId, {
        touch: () => job.touch(),
        requeueAt: (at) => {
          job.attrs.nextRunAt = at;
        },
      });
    },
    { lockLifetime: lockLifetimeMs },
  );

  return {
    get runningJobIds() {
      return runner.runningJobIds;
    },
    async handBack(detail: string, timeoutMs = 5_000) {
      const pending = recorded.pending();
      await runner.handBackAll(detail);
      await recorded.waitFor(pending, timeoutMs);
    },
    async drain(detail: string, gracePeriodMs: number) {
      if (await runner.waitForIdle(gracePeriodMs)) {
        // The queue records each end after the run returns: wait for that before MongoDB is closed.
        await recorded.waitFor(recorded.pending(), 5_000);
        return [];
      }
      const still = runner.runningJobIds;
      logger.warn({ jobIds: still, gracePeriodMs }, 'jobs still running after the grace period; handing them back');
      await this.handBack(detail);
      return still;
    },
  };
}

/** A runner built from {@link ExtractImagesJobDeps}, with what its callers need. */
export interface ResolvedExtractionJobRunner {
  /** The runner. */
  readonly runner: ExtractionJobRunner;
  /** The job's child logger. */
  readonly logger: Logger;
  /** Lock lifetime in ms, for the queue definition. */
  readonly lockLifetimeMs: number;
}

/**
 * Validates the settings of {@link ExtractImagesJobDeps} and builds the runner
 * that both the queued job and an in-process run use.
 *
 * @param deps - job documents, extractor, logger, settings
 * @returns the runner, its logger and the lock lifetime in ms
 * @throws core's `InvalidInputError` listing every invalid setting
 */
export function createExtractionJobRunner(deps: ExtractImagesJobDeps): ResolvedExtractionJobRunner {
  const s = parseInput(settingsSchema, pickSettings(deps), 'extract-images job settings');
  const d = DEFAULT_EXTRACT_IMAGES_JOB_OPTIONS;
  const logger = (deps.logger ?? noopLogger).child({ component: EXTRACT_IMAGES_JOB });
  const lockLifetimeMs = s.lockLifetimeMs ?? d.lockLifetimeMs;
  const extractor = deps.extractor;
  const runner = new ExtractionJobRunner({
    repository: deps.repository,
    runs: new JobRunLeases({ db: deps.repository.db }),
    cancels: new CancelRequests({ db: deps.repository.db }),
    extractorFor: typeof extractor === 'function' ? extractor : () => extractor,
    logger,
    clock: deps.clock ?? systemClock,
    workerName: s.workerName ?? `${hostname()}:${process.pid}`,
    propertyConcurrency: s.propertyConcurrency ?? d.propertyConcurrency,
    cancelPollIntervalMs: s.cancelPollIntervalMs ?? d.cancelPollIntervalMs,
    progressWriteIntervalMs: s.progressWriteIntervalMs ?? d.progressWriteIntervalMs,
    jobTimeoutMs: s.jobTimeoutMs ?? d.jobTimeoutMs,
    lockLifetimeMs,
    propertyRetry: {
      maxAttempts: s.propertyMaxAttempts ?? d.propertyMaxAttempts,
      initialBackoffMs: s.propertyRetryInitialBackoffMs ?? d.propertyRetryInitialBackoffMs,
      maxBackoffMs: s.propertyRetryMaxBackoffMs ?? d.propertyRetryMaxBackoffMs,
      databaseOutageWaitMs: s.databaseOutageWaitMs ?? d.databaseOutageWaitMs,
      maxDeferMs: s.propertyMaxDeferMs ?? d.propertyMaxDeferMs,
    },
    health: new DatabaseHealth({ db: deps.repository.db }),
    census: new JobPhotoCensus({ db: deps.repository.db }),
    observe: deps.observe ?? ((extractor) => extractor),
  });
  return { runner, logger, lockLifetimeMs };
}

function pickSettings(deps: ExtractImagesJobDeps): Record<string, unknown> {
  const { workerName, propertyConcurrency, cancelPollIntervalMs, progressWriteIntervalMs, jobTimeoutMs, lockLifetimeMs } = deps;
  const { propertyMaxAttempts, propertyRetryInitialBackoffMs, propertyRetryMaxBackoffMs, databaseOutageWaitMs, propertyMaxDeferMs } = deps;
  return {
    ...{ workerName, propertyConcurrency, cancelPollIntervalMs, progressWriteIntervalMs, jobTimeoutMs, lockLifetimeMs },
    ...{ propertyMaxAttempts, propertyRetryInitialBackoffMs, propertyRetryMaxBackoffMs, databaseOutageWaitMs, propertyMaxDeferMs },
  };
}

/**
 * Tells when Agenda has recorded the end of a job run (its `complete` event
 * comes after it saved the lock release and the next run time), so a shutting
 * down worker closes MongoDB only after the hand-back reached the queue.
 */
class QueueCompletions {
  private readonly waiting = new Map<string, { readonly promise: Promise<void>; readonly resolve: () => void }>();

  constructor(agenda: Agenda) {
    agenda.on(`complete:${EXTRACT_IMAGES_JOB}`, (job: Job) => {
      const id = String(job.attrs._id);
      this.waiting.get(id)?.resolve();
      this.waiting.delete(id);
    });
  }

  expect(job: Job<unknown>): void {
    let resolve = (): void => undefined;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    this.waiting.set(String(job.attrs._id), { promise, resolve });
  }

  pending(): Promise<void>[] {
    return [...this.waiting.values()].map((w) => w.promise);
  }

  async waitFor(promises: readonly Promise<void>[], timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.all(promises), timeout]);
    clearTimeout(timer);
  }
}

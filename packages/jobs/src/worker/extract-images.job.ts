import type { Agenda, Job } from 'agenda';
import { noopLogger, parseInput, systemClock } from '@phx/core';
import type { Clock, Logger, PropertyExtracting } from '@phx/core';
import { EXTRACT_IMAGES_JOB, extractImagesPayloadSchema } from '../agenda/job-payloads.js';
import type { ExtractImagesPayload } from '../agenda/job-payloads.js';
import { CancelRequests } from '../repository/cancel-requests.js';
import type { JobRepository } from '../repository/job-repository.js';
import { JobRunLeases } from '../repository/job-run-leases.js';
import { DatabaseHealth } from './database-health.js';
import { JobPhotoCensus } from './job-photo-census.js';
import { extractImagesJobSettingsSchema, propertyRetrySettingsOf } from './extract-images-settings.js';
import type { ExtractImagesJobSettings } from './extract-images-settings.js';
import { ExtractionJobRunner } from './extraction-job-runner.js';
import type { ExtractorProvider } from './extraction-job-runner.js';

/**
 * Dependencies and settings of {@link defineExtractImagesJob}. Resources are
 * borrowed, never closed here. The settings (ranges and defaults) are those
 * of {@link extractImagesJobSettingsSchema}.
 */
export interface ExtractImagesJobDeps extends ExtractImagesJobSettings {
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
  /**
   * Wraps the extractor each run uses, retries included (e.g. metrics'
   * `observeExtractor`): it sees one `property-finished` per property, with
   * its final status (`deferred` included), and each attempt's photo events
   * as the job counts them. Default none.
   */
  readonly observe?: (extractor: PropertyExtracting) => PropertyExtracting;
}

/** What {@link defineExtractImagesJob} gives back: the worker's view of its running extractions. */
export interface ExtractImagesJobHandle {
  /** Ids of the jobs this worker runs now. */
  readonly runningJobIds: readonly string[];
  /** The jobs this worker runs now, each with when it took the job up (what the worker registry shows). */
  readonly runningJobs: readonly { readonly jobId: string; readonly since: Date }[];
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
    get runningJobs() {
      return runner.runningJobs;
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
  const { repository, extractor, logger: parent, clock, observe, ...settings } = deps;
  const s = parseInput(extractImagesJobSettingsSchema, settings, 'extract-images job settings');
  const logger = (parent ?? noopLogger).child({ component: EXTRACT_IMAGES_JOB });
  const runner = new ExtractionJobRunner({
    repository,
    runs: new JobRunLeases({ db: repository.db }),
    cancels: new CancelRequests({ db: repository.db }),
    extractorFor: typeof extractor === 'function' ? extractor : () => extractor,
    logger,
    clock: clock ?? systemClock,
    workerName: s.workerName,
    propertyConcurrency: s.propertyConcurrency,
    cancelPollIntervalMs: s.cancelPollIntervalMs,
    progressWriteIntervalMs: s.progressWriteIntervalMs,
    jobTimeoutMs: s.jobTimeoutMs,
    lockLifetimeMs: s.lockLifetimeMs,
    propertyRetry: propertyRetrySettingsOf(s),
    health: new DatabaseHealth({ db: repository.db }),
    census: new JobPhotoCensus({ db: repository.db }),
    observe: observe ?? ((extractor) => extractor),
  });
  return { runner, logger, lockLifetimeMs: s.lockLifetimeMs };
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

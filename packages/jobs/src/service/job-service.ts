import { setTimeout as sleep } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { z } from 'zod';
import {
  InvalidInputError,
  JOB_STATUSES,
  NotFoundError,
  ZERO_COUNTERS,
  isFinalJobStatus,
  newJobId,
  noopLogger,
  parseInput,
  systemClock,
  toJobId,
  propertyIdArgument,
  SOURCES,
  ZERO_OUTCOME_COUNTS,
  captureTraceContext,
} from '@phx/core';
import type {
  Clock,
  ExtractionJob,
  InputIssue,
  JobId,
  JobStatus,
  Logger,
  PhotoRecord,
  Property,
  PropertyOutcome,
  PropertyOutcomeCounts,
  PropertyOutcomeStatus,
  Source,
  TraceContextCarrier,
} from '@phx/core';
import { toPropertyLabel } from '../catalog/property-label.js';
import { JobAlreadyFinishedError, JobQueueError, describeError } from '../errors/index.js';
import { EXTRACT_IMAGES_JOB } from '../agenda/job-payloads.js';
import type { ExtractImagesPayload } from '../agenda/job-payloads.js';
import { CancelRequests } from '../repository/cancel-requests.js';
import { JobEventLog } from '../progress/job-event-log.js';
import { JobRepository } from '../repository/job-repository.js';
import type { ActiveJobRef } from '../repository/job-repository.js';
import type { IndexedOutcome, JobPropertyPage, JobPropertyStatusFilter } from '../repository/job-property-store.js';
import type { JobOriginFields, JobScraperMode, StoredExtractionJob } from '../repository/job-document.js';
import { JobRunLeases } from '../repository/job-run-leases.js';
import { DEFAULT_QUEUE_SETTINGS } from '../agenda/queue-settings.js';
import { MongoPhotoRepository } from '../repository/mongo-photo-repository.js';
import { resolveEnqueueExtractionInput, resolveExtractionOptions } from './enqueue-extraction-input.js';
import type { ExtractionOptionsInput, ResolvedExtractionOptions } from './enqueue-extraction-input.js';
import type { CatalogSelection } from '../repository/job-document.js';
import { PropertyCatalog } from '../catalog/property-catalog.js';
import { JobEndsWithoutWorker } from './job-ends-without-worker.js';
import { PendingJobDedupe, dedupeKeyOf, selectionDedupeKeyOf } from './pending-job-dedupe.js';
import type { EnqueueExtractionInput } from './enqueue-extraction-input.js';

/** Options of {@link JobService}. */
export interface JobServiceOptions {
  /** Database of the jobs and photos. Borrowed: never closed here. */
  readonly db: Db;
  /** Queue to schedule jobs on (from `createAgenda`); it need not be started. Borrowed. */
  readonly agenda: Agenda;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
  /** Makes job ids; default random UUIDs. */
  readonly newId?: () => JobId;
  /** How long `cancelJob` waits for a running job to stop, in ms; default 5000. */
  readonly cancelWaitMs?: number;
  /** How often `cancelJob` re-reads the job while it waits, in ms; default 100. */
  readonly cancelPollIntervalMs?: number;
  /**
   * Run lease lifetime of the workers, in ms (see `defineExtractImagesJob`);
   * default 60 000. A running job whose lease is older is taken as abandoned.
   */
  readonly lockLifetimeMs?: number;
}

/** Filter and page of {@link JobService.listJobs}. */
export interface ListJobsInput {
  /** Only jobs in this status. */
  readonly status?: JobStatus;
  /** Page size, 1 to 500; default 50. */
  readonly limit?: number;
  /** Jobs to skip, at least 0; default 0. */
  readonly offset?: number;
}

const listJobsSchema = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  offset: z.number().int().min(0).optional(),
});

/** The origin of jobs a person or program asked for. */
const INTERACTIVE_ORIGIN: JobOriginFields = Object.freeze({ origin: 'interactive' });

/**
 * Queue priority of a job by its origin: interactive enqueues run before
 * scheduled ones (the queue takes due jobs by priority first, then by time).
 */
export const ORIGIN_PRIORITY = Object.freeze({ interactive: 'high', scheduled: 'normal' } as const);

/** What {@link JobService.enqueueExtraction} gives back: the job, and whether it was one already pending. */
export type EnqueuedExtraction = StoredExtractionJob & {
  /**
   * `true` when the same request (same properties, sources, isolation mode, fetch mode, time limit and
   * dry run) was already pending, and that job is returned instead of a new one.
   */
  readonly deduplicated: boolean;
};

/** What one job did with one source of a property (see {@link JobService.lastExtractions}). */
export interface SourceExtraction {
  /** The source. */
  readonly source: Source;
  /** The job. */
  readonly jobId: JobId;
  /** When the job ended. */
  readonly finishedAt: Date;
  /** `read` (its photos were listed), `skipped` (no listing found) or `failed` (its page or photos failed). */
  readonly sourceResult: 'read' | 'skipped' | 'failed';
  /** The property's outcome status in that job (over all its sources). */
  readonly status: PropertyOutcomeStatus;
  /** The property's photo counts in that job (over all its sources). */
  readonly counts: PropertyOutcomeCounts;
}

function outcomeCountsOf(outcome: PropertyOutcome): PropertyOutcomeCounts {
  const counts = { ...ZERO_OUTCOME_COUNTS };
  for (const name of Object.keys(ZERO_OUTCOME_COUNTS) as (keyof PropertyOutcomeCounts)[]) counts[name] = outcome[name];
  return counts;
}

function sourceResultOf(outcome: PropertyOutcome, source: Source): SourceExtraction['sourceResult'] | null {
  if (outcome.sourcesRead.includes(source)) return 'read';
  if (outcome.skippedSources.some((s) => s.source === source)) return 'skipped';
  if (outcome.failures.some((f) => f.source === source)) return 'failed';
  return null;
}

/** Why a job cancelled before any worker took it up says it was. */
export const CANCELLED_BEFORE_START_MESSAGE = 'cancelled by user before it started';

/**
 * The job operations of phx: enqueue, read, list and cancel extractions, and
 * read stored photos. The API server and the CLI call it; it loads no browser
 * (it lives in the light entry of `@phx/jobs`). Several processes may use it on
 * one database at once.
 *
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * import { createAgenda } from '@phx/jobs';
 * import type { Db } from 'mongodb';
 * declare const db: Db, properties: Property[];
 * const agenda = await createAgenda({ db });
 * const jobs = new JobService({ db, agenda });
 * await jobs.ensureIndexes();
 * const job = await jobs.enqueueExtraction({ properties, sources: ['zillow'] });
 * const later = await jobs.getJob(job.id);
 * ```
 */
export class JobService {
  private readonly repository: JobRepository;
  private readonly photos: MongoPhotoRepository;
  private readonly runs: JobRunLeases;
  private readonly cancels: CancelRequests;
  private readonly ends: JobEndsWithoutWorker;
  private readonly dedupe: PendingJobDedupe;
  private readonly catalog: PropertyCatalog;
  private readonly agenda: Agenda;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly newId: () => JobId;
  private readonly cancelWaitMs: number;
  private readonly cancelPollIntervalMs: number;
  private readonly lockLifetimeMs: number;

  /**
   * @param options - database, queue, logger, clock
   */
  constructor(options: JobServiceOptions) {
    this.repository = new JobRepository({ db: options.db });
    this.runs = new JobRunLeases({ db: options.db });
    this.cancels = new CancelRequests({ db: options.db });
    this.dedupe = new PendingJobDedupe({ db: options.db });
    this.catalog = new PropertyCatalog({ db: options.db });
    this.agenda = options.agenda;
    this.logger = (options.logger ?? noopLogger).child({ component: 'job-service' });
    this.photos = new MongoPhotoRepository({ db: options.db, logger: this.logger });
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? newJobId;
    this.cancelWaitMs = options.cancelWaitMs ?? 5_000;
    this.cancelPollIntervalMs = options.cancelPollIntervalMs ?? 100;
    this.lockLifetimeMs = options.lockLifetimeMs ?? DEFAULT_QUEUE_SETTINGS.lockLifetimeMs;
    const { repository, runs, agenda, clock, logger, lockLifetimeMs } = this;
    this.ends = new JobEndsWithoutWorker({
      repository,
      runs,
      events: new JobEventLog({ db: options.db }),
      agenda,
      clock,
      logger,
      lockLifetimeMs,
    });
  }

  /**
   * Creates the indexes of the job collections and readies the photo records (`MongoPhotoRepository.ensureIndexes`:
   * the records of the single `photos` collection of earlier versions move into their partitions, logged). Idempotent;
   * call once at start-up.
   */
  async ensureIndexes(): Promise<void> {
    await this.repository.ensureIndexes();
    await this.photos.ensureIndexes();
    await this.runs.ensureIndexes();
  }

  /**
   * Writes a new `pending` extraction job for a run in the caller's own
   * process (the CLI without `--async`, through `runExtractionJobNow` of
   * `@phx/jobs/worker`). It also queues a takeover one lease lifetime later:
   * if that process dies, a worker resumes the job once its run lease has
   * expired; if the run ended, the worker finds the job final and drops it.
   *
   * The job records the caller's scraper mode: a worker of the other mode
   * fails it (`SCRAPER_MODE_MISMATCH`) rather than take a replayed run to the
   * live sites, or a live run to the saved fixtures.
   *
   * @param input - properties, sources, isolation mode, fetch mode, dry run, time limit
   * @param run - `scraperMode`: how the caller's run reads the sites (`live` or `replay`)
   * @returns the new job
   * @throws core's `InvalidInputError` for an empty property list or an unknown source (named)
   */
  async createExtraction(input: EnqueueExtractionInput, run: { readonly scraperMode: JobScraperMode }): Promise<StoredExtractionJob> {
    const { job, properties } = this.newJob(input);
    const stored = await this.repository.create({ ...job, scraperMode: run.scraperMode }, properties);
    await this.agenda.schedule<ExtractImagesPayload>(new Date(job.createdAt.getTime() + this.lockLifetimeMs + 1_000), EXTRACT_IMAGES_JOB, {
      jobId: job.id,
    });
    return stored;
  }

  private newJob(
    input: EnqueueExtractionInput,
    origin: JobOriginFields = INTERACTIVE_ORIGIN,
  ): { readonly job: ExtractionJob; readonly properties: readonly Property[]; readonly dedupeKey: string } {
    const request = resolveEnqueueExtractionInput(input);
    const job = this.jobOf(request, request.properties.length, origin);
    return { job, properties: request.properties, dedupeKey: dedupeKeyOf(request) };
  }

  /** A new `pending` job document's fields for validated options. */
  private jobOf(options: ResolvedExtractionOptions, totalProperties: number, origin: JobOriginFields): ExtractionJob {
    const now = this.clock.now();
    // The request's trace goes with the job to the worker; a schedule's tick starts a trace of its own there.
    const traceContext = origin.origin === 'interactive' ? captureTraceContext() : null;
    const job: ExtractionJob & JobOriginFields & { readonly traceContext?: TraceContextCarrier } = {
      id: this.newId(),
      createdAt: now,
      startedAt: null,
      completedAt: null,
      sources: options.sources,
      isolationMode: options.isolationMode,
      fetchMode: options.fetchMode,
      dryRun: options.dryRun,
      timeoutMs: options.timeoutMs,
      status: 'pending',
      errorMessage: null,
      progressUpdatedAt: now,
      ...ZERO_COUNTERS,
      totalProperties,
      failedPropertiesList: [],
      ...origin,
      ...(traceContext === null ? {} : { traceContext }),
    };
    return job;
  }

  /**
   * Validates a request, writes the job (status `pending`, `totalProperties` =
   * the number of properties) and schedules the `extract-images` job that a
   * worker will run, at priority `high` for interactive requests and `normal`
   * for scheduled ones (see {@link ORIGIN_PRIORITY}). An interactive request
   * equal to one whose job is still pending (same properties in any order,
   * sources, isolation mode, fetch mode, dry run and time limit) returns that job, `deduplicated`.
   *
   * @param input - properties, sources, isolation mode, fetch mode, dry run, time limit
   * @param origin - who asks: `interactive` (default; API, CLI) or `scheduled` with the schedule's id
   * @returns the new job (`deduplicated: false`), or the pending equal one (`deduplicated: true`)
   * @throws core's `InvalidInputError` for an empty property list or an unknown source (named)
   * @throws {@link JobQueueError} when the job could not be scheduled (it is then marked failed)
   */
  async enqueueExtraction(input: EnqueueExtractionInput, origin: JobOriginFields = INTERACTIVE_ORIGIN): Promise<EnqueuedExtraction> {
    const request = this.newJob(input, origin);
    return this.queueNew(await this.repository.create(request.job, request.properties), request.dedupeKey, origin);
  }

  /**
   * Enqueues a job for a catalog selection that can be as large as the catalog (`all`, or a label) and answers at once:
   * the job is written `pending` with `catalogSelection` set, `propertiesListed` `false` and `totalProperties` 0, and no
   * property list; the worker that takes it up reads the selection from the catalog in property id order, writes the
   * list, sets `totalProperties` and `propertiesListed`, then runs it as any job. Queued and deduplicated as
   * {@link JobService.enqueueExtraction} (an equal pending request is the same selection with the same options).
   * Check the selection first with `PropertyCatalog.catalogSelectionOf` (a label no property has).
   *
   * @param input - the selection, and sources, isolation mode, fetch mode, dry run, time limit
   * @param origin - who asks: `interactive` (default; API, CLI) or `scheduled` with the schedule's id
   * @returns the new job (`deduplicated: false`), or the pending equal one (`deduplicated: true`)
   * @throws core's `InvalidInputError` for an unknown source, isolation mode or fetch mode, or a label the label rule refuses
   * @throws {@link JobQueueError} when the job could not be scheduled (it is then marked failed)
   */
  async enqueueSelection(
    input: ExtractionOptionsInput & { readonly selection: CatalogSelection },
    origin: JobOriginFields = INTERACTIVE_ORIGIN,
  ): Promise<EnqueuedExtraction> {
    const { selection: given, ...rest } = input;
    const options = resolveExtractionOptions(rest);
    const selection: CatalogSelection = 'label' in given ? { label: toPropertyLabel(given.label) } : { all: true };
    const job = await this.repository.createForSelection(this.jobOf(options, 0, origin), selection);
    return this.queueNew(job, selectionDedupeKeyOf(selection, options), origin);
  }

  /** Returns the pending twin of a job just written (interactive), or queues it for a worker. */
  private async queueNew(job: StoredExtractionJob, dedupeKey: string, origin: JobOriginFields): Promise<EnqueuedExtraction> {
    if (origin.origin === 'interactive') {
      const pending = await this.pendingTwin(job, dedupeKey);
      if (pending !== null) return { ...pending, deduplicated: true };
    }
    try {
      const queued = this.agenda.create<ExtractImagesPayload>(EXTRACT_IMAGES_JOB, { jobId: job.id });
      queued.priority(ORIGIN_PRIORITY[origin.origin]).schedule(this.clock.now());
      await queued.save();
    } catch (error) {
      this.logger.error({ jobId: job.id, err: describeError(error) }, 'job could not be queued');
      await this.ends.failUnqueued(job, 'could not be queued for a worker');
      throw new JobQueueError(job.id, { cause: error });
    }
    const size = job.catalogSelection === null ? { properties: job.totalProperties } : { selection: job.catalogSelection };
    this.logger.info({ jobId: job.id, ...size, sources: job.sources, origin: origin.origin }, 'job enqueued');
    return { ...job, deduplicated: false };
  }

  /**
   * Claims the request's dedupe key for a job just written; when a pending
   * job holds it, deletes the new (never queued) job and returns that one.
   */
  private async pendingTwin(job: StoredExtractionJob, key: string): Promise<StoredExtractionJob | null> {
    const isPending = async (id: string): Promise<boolean> => (await this.repository.get(id))?.status === 'pending';
    const holder = await this.dedupe.claim(key, job.id, this.clock.now(), isPending);
    if (holder === null) return null;
    const existing = await this.repository.get(holder);
    if (existing?.status !== 'pending') return null;
    await this.repository.deleteNeverQueued(job.id);
    this.logger.info({ jobId: existing.id }, 'same request already pending; its job returned');
    return existing;
  }

  /**
   * Reads a job.
   *
   * @param id - the job id
   * @returns the job with its counters and outcomes
   * @throws core's `NotFoundError` when no job has this id (also for an id that is not a UUID)
   */
  async getJob(id: string): Promise<StoredExtractionJob> {
    const job = await this.repository.get(checkedJobId(id));
    if (job === null) throw new NotFoundError('job', id);
    return job;
  }

  /**
   * One page of a job's properties, by position, each with its outcome once it has one; an empty page while the list is
   * not written yet (`propertiesListed` `false`: see {@link JobService.enqueueSelection}).
   *
   * @param id - the job id
   * @param options - `status` (an outcome status, or `pending` for no outcome yet; all when absent), `first` (1..500),
   *   `after` (the `index` of the previous page's last entry; start when absent)
   * @returns the page
   * @throws core's `NotFoundError` when no job has this id
   * @throws core's `InvalidInputError` for `first` outside 1..500 or a negative `after`
   */
  async jobProperties(
    id: string,
    options: { readonly status?: JobPropertyStatusFilter; readonly first: number; readonly after?: number },
  ): Promise<JobPropertyPage> {
    const job = await this.getJob(id);
    const issues: InputIssue[] = [];
    if (!Number.isInteger(options.first) || options.first < 1 || options.first > MAX_JOB_PROPERTY_PAGE)
      issues.push({ path: 'first', message: `${options.first} is outside 1..${MAX_JOB_PROPERTY_PAGE}` });
    if (options.after !== undefined && (!Number.isInteger(options.after) || options.after < -1))
      issues.push({ path: 'after', message: `${options.after} is not a position in the job (an entry's index)` });
    if (issues.length > 0) throw new InvalidInputError('job properties arguments', issues);
    // A list being written by the worker is not the job's list yet.
    if (!job.propertiesListed) return { entries: [], hasNextPage: false };
    return this.repository.properties.page(job.id, options);
  }

  /**
   * A job's properties in order, read from the store a chunk at a time; none while the list is not written yet
   * (`propertiesListed` `false`: see {@link JobService.enqueueSelection}).
   *
   * @param id - the job id
   * @yields each property with its 0-based position
   * @throws core's `NotFoundError` when no job has this id
   */
  async *jobPropertyList(id: string): AsyncGenerator<{ readonly index: number; readonly property: Property }> {
    const job = await this.getJob(id);
    if (job.propertiesListed) yield* this.repository.properties.properties(job.id);
  }

  /**
   * The outcomes of a job by position: every one, or the first `limit` (a report; page with {@link JobService.jobProperties}).
   *
   * @param id - the job id
   * @param limit - most outcomes read; all when absent
   * @returns the outcomes with their positions
   * @throws core's `NotFoundError` when no job has this id
   */
  async jobOutcomes(id: string, limit?: number): Promise<IndexedOutcome[]> {
    const job = await this.getJob(id);
    return this.repository.properties.outcomes(job.id, limit);
  }

  /**
   * The jobs that still need a property: `pending` or `in_progress` jobs whose property list holds it, or whose list is
   * not written yet and whose catalog selection takes it (`all`, or a label the catalog's property has). The catalog
   * refuses to remove such a property.
   *
   * @param propertyId - the property's id (any string; an unknown id has no jobs)
   * @returns each such job's id and status, oldest first; empty when none
   */
  async activeJobsWithProperty(propertyId: string): Promise<ActiveJobRef[]> {
    const inCatalog = await this.catalog.get(propertyId).catch(() => null);
    return this.repository.activeWithProperty(propertyId, inCatalog?.labels ?? null);
  }

  /**
   * Lists jobs, newest first.
   *
   * @param options - status filter; `limit` 1..500 (default 50); `offset` >= 0 (default 0)
   * @returns one page of jobs
   * @throws core's `InvalidInputError` for a bad status, limit or offset
   */
  async listJobs(options: ListJobsInput = {}): Promise<StoredExtractionJob[]> {
    const parsed = parseInput(listJobsSchema, options, 'job list options');
    return this.repository.list({
      ...(parsed.status === undefined ? {} : { status: parsed.status }),
      ...(parsed.limit === undefined ? {} : { limit: parsed.limit }),
      ...(parsed.offset === undefined ? {} : { offset: parsed.offset }),
    });
  }

  /**
   * Cancels a job. A pending job is removed from the queue and marked
   * `cancelled` at once. For a running job the cancel is recorded; the worker
   * running it notices within about a second, stops, keeps the counters and
   * photos so far and marks it `cancelled`; this call waits for that (at most
   * `cancelWaitMs`) and returns the job as it then is.
   *
   * @param id - the job id
   * @returns the job, normally `cancelled`; still `in_progress` (with the cancel
   *   recorded) when its worker did not stop within `cancelWaitMs`
   * @throws core's `NotFoundError` when no job has this id
   * @throws {@link JobAlreadyFinishedError} (code `JOB_ALREADY_FINISHED`) when the job is already final
   */
  async cancelJob(id: string): Promise<StoredExtractionJob> {
    const job = await this.getJob(id);
    if (isFinalJobStatus(job.status)) throw new JobAlreadyFinishedError(job.id, job.status);
    await this.cancels.request(job.id, this.clock.now());
    if (job.status === 'pending') {
      const cancelled = await this.ends.cancelPending(job, CANCELLED_BEFORE_START_MESSAGE);
      if (cancelled !== null) {
        this.logger.info({ jobId: job.id }, 'pending job cancelled');
        return cancelled;
      }
    }
    const abandoned = await this.ends.cancelAbandonedRun(job);
    if (abandoned !== null) return abandoned;
    this.logger.info({ jobId: job.id }, 'cancel requested for running job');
    return this.waitForFinal(job.id);
  }

  /**
   * The last extraction of a property per source: for each source, the
   * newest ended job that was not a dry run (of the last 50 outcomes of the property) that read
   * it, skipped it (no listing) or failed on it. Read from the jobs'
   * outcomes, not stored in the catalog, so it is never out of step with them.
   *
   * @param propertyId - the property id (an address is slugged to its id)
   * @returns one entry per source that some job tried, in source order; empty when none
   * @throws core's `InvalidInputError` for an id without letters or digits
   */
  async lastExtractions(propertyId: string): Promise<SourceExtraction[]> {
    const finished = (await this.repository.finishedWithProperty(propertyIdArgument(propertyId), 50)).filter((f) => !f.dryRun);
    return SOURCES.flatMap((source) => {
      for (const { jobId, completedAt, outcome } of finished) {
        const result = sourceResultOf(outcome, source);
        if (result !== null) {
          return [
            { source, jobId, finishedAt: completedAt, sourceResult: result, status: outcome.status, counts: outcomeCountsOf(outcome) },
          ];
        }
      }
      return [];
    });
  }

  /**
   * Lists the stored photos of a property in gallery order, with where each file is.
   *
   * @param propertyId - the property id (an address is slugged to its id)
   * @returns its photo records; empty when none
   * @throws core's `InvalidInputError` for an id without letters or digits
   */
  async listPhotos(propertyId: string): Promise<PhotoRecord[]> {
    return this.photos.listPhotos(propertyIdArgument(propertyId));
  }

  private async waitForFinal(id: JobId): Promise<StoredExtractionJob> {
    const deadline = Date.now() + this.cancelWaitMs;
    for (;;) {
      const job = await this.getJob(id);
      if (isFinalJobStatus(job.status) || Date.now() >= deadline) return job;
      await sleep(this.cancelPollIntervalMs);
    }
  }
}

/** Largest page of {@link JobService.jobProperties}. */
export const MAX_JOB_PROPERTY_PAGE = 500;

function checkedJobId(id: string): JobId {
  try {
    return toJobId(id);
  } catch (error) {
    throw new NotFoundError('job', id, { cause: error });
  }
}

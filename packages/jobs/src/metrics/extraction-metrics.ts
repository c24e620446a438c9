import type { Agenda, Job } from 'agenda';
import type { Db } from 'mongodb';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SOURCES, isFinalJobStatus, noopLogger } from '@phx/core';
import type { ExtractionEvent, Logger, Source } from '@phx/core';
import { describeError } from '../errors/index.js';
import { EXTRACT_IMAGES_JOB } from '../agenda/job-payloads.js';
import { JOBS_COLLECTION } from '../repository/job-repository.js';
import type { JobRepository } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';

/** The metric names of the original design (`prometheus_client` there, prom-client here). */
export const EXTRACTION_METRIC_NAMES = Object.freeze({
  jobsCreated: 'extraction_jobs_created_total',
  jobsCompleted: 'extraction_jobs_completed_total',
  jobDuration: 'extraction_job_duration_seconds',
  queueDepth: 'extraction_queue_depth',
  images: 'extraction_images_total',
  properties: 'extraction_properties_total',
  workersActive: 'extraction_workers_active',
  sourceCircuitOpen: 'extraction_source_circuit_open',
  failures: 'extraction_failures_total',
  listingPages: 'extraction_listing_pages_total',
  photoFilesRestored: 'extraction_photo_files_restored_total',
});

/** Buckets of the job duration histogram, in seconds (the original design's). */
export const JOB_DURATION_BUCKETS_SECONDS = Object.freeze([60, 300, 600, 1800, 3600]);

/** State of a source's circuit breaker, as the scrapers report it. */
export type SourceCircuitState = 'closed' | 'open' | 'half-open';

/** Options of {@link ExtractionMetrics}. Resources are borrowed. */
export interface ExtractionMetricsOptions {
  /** Registry to register in; default a new one (see `registry`). */
  readonly registry?: Registry;
  /** Database read at each scrape for the queue depth and the jobs created; without it those two stay 0. */
  readonly db?: Db;
  /** Reads the circuit state of each source at each scrape; sources it leaves out count as closed. Default: all closed. */
  readonly circuitStates?: () => Promise<ReadonlyMap<Source, SourceCircuitState>>;
  /** Also export Node's process metrics (`process_*`, `nodejs_*`); default `false`. */
  readonly processMetrics?: boolean;
  /** Where failed scrape-time reads are logged; default no-op. */
  readonly logger?: Logger;
}

/**
 * The Prometheus metrics of the original design, for one worker process:
 *
 * | metric | type | labels | from |
 * | --- | --- | --- | --- |
 * | `extraction_jobs_created_total` | counter | `source` | job documents in MongoDB naming the source (read at scrape; the same in every worker, so aggregate with `max`; drops when finished jobs expire) |
 * | `extraction_jobs_completed_total` | counter | `source`, `status` (`completed`, `failed`, `cancelled`) | jobs this worker ended, once per source of the job |
 * | `extraction_job_duration_seconds` | histogram (60, 300, 600, 1800, 3600) | | `completedAt - startedAt` of those jobs |
 * | `extraction_queue_depth` | gauge | | `pending` job documents (read at scrape; aggregate with `max`) |
 * | `extraction_images_total` | counter | `source`, `status` (`new`, `duplicate`, `unchanged`, `failed`) | photo events of this worker's runs |
 * | `extraction_properties_total` | counter | `status` (`completed`, `partial`, `deferred`, `failed`) | properties this worker's runs finished (ours, beside the original design's) |
 * | `extraction_workers_active` | gauge | | 1 while this worker takes jobs, else 0 (`sum` = active workers) |
 * | `extraction_source_circuit_open` | gauge | `source` | 1 while the source's circuit breaker is not closed, else 0 |
 * | `extraction_failures_total` | counter | `source` (`none` when not tied to one), `code` | every failure of the properties this worker finished (`LAYOUT_CHANGED`: a parser needs an update) |
 * | `extraction_listing_pages_total` | counter | `source`, `mode` (`http`, `browser`) | listing pages this worker's runs read, by what served them (`photos-listed` events whose scraper said; ours) |
 * | `extraction_photo_files_restored_total` | counter | `source`, `reason` (`missing`, `size-mismatch`) | photos whose files this worker's runs stored again because one was missing or damaged (`photo-unchanged` events with `filesRestored`; also counted `unchanged` in `extraction_images_total`; ours) |
 *
 * @example
 * ```ts
 * import type { PropertyExtracting } from '@phx/core';
 * import { observeExtractor, type JobRepository } from '@phx/jobs';
 * import type { ExtractorFactory } from '@phx/jobs/worker';
 * import type { Agenda } from 'agenda';
 * import type { Db } from 'mongodb';
 * declare const db: Db, extractors: ExtractorFactory, agenda: Agenda, repository: JobRepository, inner: PropertyExtracting;
 * const metrics = new ExtractionMetrics({ db, circuitStates: () => extractors.circuitStates() });
 * metrics.watchQueue(agenda, { repository, workerName: 'worker-1' });
 * const extractor = observeExtractor(inner, (event) => metrics.recordEvent(event));
 * const text = await metrics.registry.metrics();
 * ```
 */
export class ExtractionMetrics {
  /** The registry holding the metrics (serve `registry.metrics()` with `registry.contentType`). */
  readonly registry: Registry;
  private readonly completed: Counter<'source' | 'status'>;
  private readonly duration: Histogram;
  private readonly images: Counter<'source' | 'status'>;
  private readonly properties: Counter<'status'>;
  private readonly workersActive: Gauge;
  private readonly failures: Counter<'source' | 'code'>;
  private readonly listingPages: Counter<'source' | 'mode'>;
  private readonly filesRestored: Counter<'source' | 'reason'>;
  private readonly logger: Logger;

  /**
   * @param options - registry, database, circuit states, process metrics
   */
  constructor(options: ExtractionMetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    this.logger = (options.logger ?? noopLogger).child({ component: 'metrics' });
    const n = EXTRACTION_METRIC_NAMES;
    const registers = [this.registry];
    registerJobsCreated(registers, options.db, this.logger);
    this.completed = new Counter({
      name: n.jobsCompleted,
      help: 'Extraction jobs this worker ended, by source and final status',
      labelNames: ['source', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: n.jobDuration,
      help: 'Duration of the jobs this worker ended, from start to end, in seconds',
      buckets: [...JOB_DURATION_BUCKETS_SECONDS],
      registers,
    });
    registerQueueDepth(registers, options.db, this.logger);
    this.images = new Counter({
      name: n.images,
      help: 'Photos handled by this worker, by source and status (new, duplicate, unchanged, failed)',
      labelNames: ['source', 'status'],
      registers,
    });
    this.properties = new Counter({
      name: n.properties,
      help: 'Properties finished by this worker, by outcome status (completed, partial, deferred, failed)',
      labelNames: ['status'],
      registers,
    });
    this.failures = new Counter({
      name: n.failures,
      help: 'Failures of the properties this worker finished, by source and error code',
      labelNames: ['source', 'code'],
      registers,
    });
    this.listingPages = new Counter({
      name: n.listingPages,
      help: 'Listing pages read by this worker, by source and what served them (http, browser)',
      labelNames: ['source', 'mode'],
      registers,
    });
    this.filesRestored = new Counter({
      name: n.photoFilesRestored,
      help: 'Photos whose files were stored again, by source and reason (missing, size-mismatch: a damaged file)',
      labelNames: ['source', 'reason'],
      registers,
    });
    this.workersActive = new Gauge({ name: n.workersActive, help: '1 while this worker takes jobs, else 0', registers });
    registerCircuitOpen(registers, options.circuitStates);
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Sets whether this worker takes jobs (`extraction_workers_active`).
   *
   * @param active - `true` once the queue is started, `false` when stopping
   */
  setActive(active: boolean): void {
    this.workersActive.set(active ? 1 : 0);
  }

  /**
   * Counts one extraction event into `extraction_images_total` (photo
   * events, and `extraction_photo_files_restored_total` for an unchanged photo
   * whose files were stored again), `extraction_listing_pages_total` (`photos-listed` that says
   * which fetch mode served the page), or into `extraction_properties_total`
   * and `extraction_failures_total` (`property-finished`: its status and failures).
   *
   * @param event - an event of one of this worker's runs
   */
  recordEvent(event: ExtractionEvent): void {
    switch (event.type) {
      case 'photos-listed':
        if (event.fetchMode !== undefined) this.listingPages.inc({ source: event.source, mode: event.fetchMode });
        return;
      case 'photo-stored':
        this.images.inc({ source: event.source, status: event.created ? 'new' : 'duplicate' });
        return;
      case 'photo-unchanged':
        this.images.inc({ source: event.source, status: 'unchanged' });
        if (event.filesRestored !== undefined) this.filesRestored.inc({ source: event.source, reason: event.filesRestored });
        return;
      case 'photo-failed':
        if (event.failure.source !== null) this.images.inc({ source: event.failure.source, status: 'failed' });
        return;
      case 'property-finished':
        this.properties.inc({ status: event.outcome.status });
        for (const f of event.outcome.failures) this.failures.inc({ source: f.source ?? 'none', code: f.code });
        return;
      default:
        return;
    }
  }

  /**
   * Counts a job this worker ended: `extraction_jobs_completed_total` once per
   * source and `extraction_job_duration_seconds` once.
   *
   * @param job - the job as written at its end (final status, `startedAt` and `completedAt` set)
   */
  recordJobEnd(job: StoredExtractionJob): void {
    for (const source of job.sources) this.completed.inc({ source, status: job.status });
    if (job.startedAt !== null && job.completedAt !== null) {
      this.duration.observe((job.completedAt.getTime() - job.startedAt.getTime()) / 1000);
    }
  }

  /**
   * Follows a worker's queue: after each `extract-images` run, reads the job
   * and counts it with {@link recordJobEnd} when this run ended it (final
   * status, this worker's name, completed after the run started); a job
   * handed back, lost, or already final is not counted.
   *
   * @param agenda - the worker's queue (before `start()`)
   * @param deps - the job documents and this worker's name
   */
  watchQueue(agenda: Agenda, deps: { readonly repository: JobRepository; readonly workerName: string }): void {
    agenda.on(`complete:${EXTRACT_IMAGES_JOB}`, (job: Job) => {
      const jobId = (job.attrs.data as { jobId?: unknown } | undefined)?.jobId;
      const ranAt = job.attrs.lastRunAt;
      if (typeof jobId !== 'string' || ranAt === undefined) return;
      deps.repository.get(jobId).then(
        (doc) => {
          if (doc === null || !isFinalJobStatus(doc.status) || doc.workerName !== deps.workerName) return;
          if (doc.completedAt === null || doc.completedAt.getTime() < ranAt.getTime()) return;
          this.recordJobEnd(doc);
        },
        (error: unknown) => this.logger.warn({ jobId, err: describeError(error) }, 'ended job could not be read for metrics'),
      );
    });
  }
}

function registerJobsCreated(registers: Registry[], db: Db | undefined, logger: Logger): void {
  new Counter({
    name: EXTRACTION_METRIC_NAMES.jobsCreated,
    help: 'Extraction jobs created, by source (job documents in MongoDB)',
    labelNames: ['source'],
    registers,
    async collect() {
      this.reset();
      if (db === undefined) return;
      const counts = await countJobsBySource(db).catch((error: unknown) => {
        logger.warn({ err: describeError(error) }, 'jobs created could not be counted');
        return new Map<Source, number>();
      });
      for (const source of SOURCES) this.inc({ source }, counts.get(source) ?? 0);
    },
  });
}

function registerQueueDepth(registers: Registry[], db: Db | undefined, logger: Logger): void {
  new Gauge({
    name: EXTRACTION_METRIC_NAMES.queueDepth,
    help: 'Extraction jobs waiting for a worker (status pending)',
    registers,
    async collect() {
      if (db === undefined) return;
      try {
        this.set(await db.collection(JOBS_COLLECTION).countDocuments({ status: 'pending' }));
      } catch (error) {
        logger.warn({ err: describeError(error) }, 'queue depth could not be read');
      }
    },
  });
}

function registerCircuitOpen(registers: Registry[], circuitStates: ExtractionMetricsOptions['circuitStates']): void {
  new Gauge({
    name: EXTRACTION_METRIC_NAMES.sourceCircuitOpen,
    help: 'Circuit breaker of the source: 1 open (or trying again), 0 closed',
    labelNames: ['source'],
    registers,
    async collect() {
      const states = circuitStates === undefined ? new Map<Source, SourceCircuitState>() : await circuitStates();
      for (const source of SOURCES) this.set({ source }, (states.get(source) ?? 'closed') === 'closed' ? 0 : 1);
    },
  });
}

async function countJobsBySource(db: Db): Promise<Map<Source, number>> {
  const rows = await db
    .collection(JOBS_COLLECTION)
    .aggregate<{ _id: Source; count: number }>([{ $unwind: '$sources' }, { $group: { _id: '$sources', count: { $sum: 1 } } }])
    .toArray();
  return new Map(rows.map((r) => [r._id, r.count]));
}

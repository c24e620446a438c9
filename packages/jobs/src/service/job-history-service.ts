import type { Db, Filter } from 'mongodb';
import type { JobId, JobStatus, Property, Source } from '@phx/core';
import { InvalidInputError, JOB_STATUSES, isFinalJobStatus } from '@phx/core';
import type { InputIssue } from '@phx/core';
import { fromJobDocument } from '../repository/job-document.js';
import type { ExtractionJobDocument, JobOrigin, StoredExtractionJob } from '../repository/job-document.js';
import { JOBS_COLLECTION } from '../repository/job-repository.js';
import { readJobFailureGroups } from '../repository/job-failure-groups.js';
import type { JobFailureGroup } from '../repository/job-failure-groups.js';
import { toScheduleId } from '../schedules/schedule.js';
import { resolveExtractionOptions } from './enqueue-extraction-input.js';
import { JobNotFinishedError, NoFailedPropertiesError } from './job-history-errors.js';
import type { EnqueuedExtraction, JobService } from './job-service.js';

/** Options of {@link JobHistoryService}. */
export interface JobHistoryServiceOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** Reads and enqueues jobs (retries go through its `enqueueExtraction`). Borrowed. */
  readonly jobs: Pick<JobService, 'getJob' | 'enqueueExtraction' | 'enqueueSelection' | 'jobProperties' | 'jobPropertyList'>;
}

/** Which jobs {@link JobHistoryService.pageJobs} and {@link JobHistoryService.countJobs} read; the fields combine with AND. */
export interface JobFilterQuery {
  /** Only jobs in this status. */
  readonly status?: JobStatus;
  /** Only jobs that read this source. */
  readonly source?: Source;
  /** Only jobs created at or after this time. */
  readonly createdFrom?: Date;
  /** Only jobs created before this time. */
  readonly createdBefore?: Date;
  /** Only jobs of this origin (a job stored before origins were recorded is `interactive`). */
  readonly origin?: JobOrigin;
  /** Only jobs made by this schedule's ticks (a schedule id, lower case). */
  readonly scheduleId?: string;
}

/** Options of {@link JobHistoryService.retryJob}. */
export interface RetryJobOptions {
  /**
   * The new job's own wall-time limit, in ms: an integer in core's `JOB_TIME_LIMIT_RANGE_MS` (1 s-30 days), counted
   * from the new job's first start. Absent or `null`: the retried job's own limit (its `timeoutMs`, maybe none).
   */
  readonly timeoutMs?: number | null;
}

/** Filter and page of {@link JobHistoryService.pageJobs}. */
export interface JobPageQuery extends JobFilterQuery {
  /** Page size, 1 to 100. */
  readonly first: number;
  /** Cursor of the last job of the previous page; absent = the first page. */
  readonly after?: string;
}

/** One page of jobs, newest first, with the cursor of each. */
export interface JobPage {
  /** The jobs with their opaque cursors. */
  readonly edges: readonly { readonly cursor: string; readonly job: StoredExtractionJob }[];
  /** `true` when more jobs follow the last one. */
  readonly hasNextPage: boolean;
}

/** How many jobs match a filter, per status and in all (see {@link JobHistoryService.countJobs}). */
export type JobStatusCounts = Readonly<Record<JobStatus, number>> & {
  /** Every matching job: the sum of the statuses. */
  readonly total: number;
};

/** Largest page of {@link JobHistoryService.pageJobs}. */
export const MAX_JOB_PAGE_SIZE = 100;

/** Most jobs {@link JobHistoryService.scheduleJobs} returns. */
export const MAX_SCHEDULE_JOBS = 20;

/**
 * Jobs that exist: pages of them by filter (newest first, by creation time
 * then id, so the order is stable and a cursor never skips or repeats a job
 * while jobs are added), and retries of their failed properties.
 *
 * @example
 * ```ts
 * import type { JobService } from '@phx/jobs';
 * import type { Db } from 'mongodb';
 * declare const db: Db, jobService: JobService;
 * const history = new JobHistoryService({ db, jobs: jobService });
 * const page = await history.pageJobs({ status: 'failed', first: 20 });
 * const last = page.edges.at(-1);
 * const next = last === undefined ? null : await history.pageJobs({ status: 'failed', first: 20, after: last.cursor });
 * const [oldest] = page.edges;
 * if (oldest !== undefined) await history.retryJob(oldest.job.id);
 * ```
 */
export class JobHistoryService {
  private readonly db: Db;
  private readonly jobs: JobHistoryServiceOptions['jobs'];

  /**
   * @param options - database and job service
   */
  constructor(options: JobHistoryServiceOptions) {
    this.db = options.db;
    this.jobs = options.jobs;
  }

  /**
   * Reads one page of jobs, newest first.
   *
   * @param query - filter, page size, cursor
   * @returns the jobs with their cursors, and whether more follow
   * @throws core's `InvalidInputError` for a page size outside 1..100, an empty time range or a cursor this service did not make
   */
  async pageJobs(query: JobPageQuery): Promise<JobPage> {
    const filter = toPageFilter(query);
    const docs = await this.db
      .collection<ExtractionJobDocument>(JOBS_COLLECTION)
      .find(filter, { sort: { createdAt: -1, _id: -1 }, limit: query.first + 1 })
      .toArray();
    const jobs = docs.slice(0, query.first).map(fromJobDocument);
    return { edges: jobs.map((job) => ({ cursor: encodeJobCursor(job), job })), hasNextPage: docs.length > query.first };
  }

  /**
   * The failures of a job's failed and partial properties, grouped by (source, code, message).
   *
   * @param id - the job
   * @returns at most 50 groups, largest count first, each with an example URL and its first 5 property ids (see `readJobFailureGroups`)
   * @throws core's `NotFoundError` for an unknown job
   */
  async failureGroups(id: string): Promise<JobFailureGroup[]> {
    const job = await this.jobs.getJob(id);
    return readJobFailureGroups(this.db, job.id);
  }

  /**
   * The newest jobs a schedule's ticks made.
   *
   * @param scheduleId - the schedule (a UUID; an unknown or removed one has no jobs, or those it made before)
   * @param first - how many, 1..{@link MAX_SCHEDULE_JOBS}
   * @returns up to `first` jobs, newest first
   * @throws core's `InvalidInputError` naming `first` outside 1..20 or a `scheduleId` that is not a UUID
   */
  async scheduleJobs(scheduleId: string, first: number): Promise<StoredExtractionJob[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SCHEDULE_JOBS) {
      throw new InvalidInputError('schedule jobs arguments', [{ path: 'first', message: `${first} is outside 1..${MAX_SCHEDULE_JOBS}` }]);
    }
    const page = await this.pageJobs({ scheduleId: toScheduleId(scheduleId), first });
    return page.edges.map((edge) => edge.job);
  }

  /**
   * Counts the jobs a filter matches, per status, in one aggregation (a `$group` FerretDB 1.x runs too).
   *
   * @param filter - which jobs, as {@link JobHistoryService.pageJobs} takes them; every job when empty
   * @returns the count of each status (0 for a status no job has) and their total
   * @throws core's `InvalidInputError` for an empty time range
   */
  async countJobs(filter: JobFilterQuery = {}): Promise<JobStatusCounts> {
    assertValidFilter(filter, []);
    const groups = await this.db
      .collection<ExtractionJobDocument>(JOBS_COLLECTION)
      .aggregate<{ _id: JobStatus; count: number }>([
        { $match: andOf(filterClauses(filter)) },
        { $group: { _id: '$status', count: { $sum: 1 } } },
      ])
      .toArray();
    const counts = Object.fromEntries(JOB_STATUSES.map((status) => [status, 0])) as Record<JobStatus, number>;
    for (const group of groups) if (group._id in counts) counts[group._id] = group.count;
    return { ...counts, total: JOB_STATUSES.reduce((sum, status) => sum + counts[status], 0) };
  }

  /**
   * Enqueues a new job for the failed, the deferred and the unfinished
   * properties of a finished job (unfinished: a cancel or `JOB_TIMEOUT`
   * stopped the job before they ran), with its sources, isolation mode, fetch
   * mode, dry-run setting and time limit (`timeoutMs`, or the one `options` gives: the new job's own, counted from its own first start). The new job runs when a worker takes it: a
   * deferred property is asked for again then, even before its `retryAt` (the
   * user chose to retry; a site that still asks for a wait defers it again). A
   * job enqueued for a catalog selection that ended before its list was written
   * (cancelled while pending or listing), or whose selection was empty, is
   * enqueued again for the same selection.
   *
   * @param id - the finished job
   * @param options - a time limit for the new job instead of the job's own
   * @returns the new job (or the pending equal one, `deduplicated`)
   * @throws core's `InvalidInputError` naming `timeoutMs` when it is not a whole number of ms within 1 s-30 days (before the job is read)
   * @throws core's `NotFoundError` for an unknown job
   * @throws {@link JobNotFinishedError} (`JOB_NOT_FINISHED`) when the job is pending or running
   * @throws {@link NoFailedPropertiesError} (`NO_FAILED_PROPERTIES`) when every property of it completed, was partial or skipped
   */
  async retryJob(id: string, options: RetryJobOptions = {}): Promise<EnqueuedExtraction> {
    const timeoutMs = options.timeoutMs ?? null;
    if (timeoutMs !== null) resolveExtractionOptions({ timeoutMs });
    const job = await this.jobs.getJob(id);
    if (!isFinalJobStatus(job.status)) throw new JobNotFinishedError(job.id, job.status);
    const jobOptions = {
      sources: job.sources,
      isolationMode: job.isolationMode,
      fetchMode: job.fetchMode,
      dryRun: job.dryRun,
      timeoutMs: timeoutMs ?? job.timeoutMs,
    };
    // Ended before its worker listed its catalog selection (or found it empty): every property of the selection is unfinished.
    if (job.catalogSelection !== null && (!job.propertiesListed || job.totalProperties === 0))
      return this.jobs.enqueueSelection({ selection: job.catalogSelection, ...jobOptions });
    const again = new Set<number>();
    for (const status of RETRIED_STATUSES) {
      for (let after = -1; ;) {
        const page = await this.jobs.jobProperties(job.id, { status, first: 500, after });
        for (const entry of page.entries) again.add(entry.index);
        if (!page.hasNextPage) break;
        after = page.entries[page.entries.length - 1]?.index ?? after;
      }
    }
    const properties: Property[] = [];
    for await (const { index, property } of this.jobs.jobPropertyList(job.id)) if (again.has(index)) properties.push(property);
    if (properties.length === 0) throw new NoFailedPropertiesError(job.id, job.status);
    return this.jobs.enqueueExtraction({ properties, ...jobOptions });
  }
}

/** What `retryJob` takes again: failed and deferred outcomes, and properties without an outcome (`pending`). */
const RETRIED_STATUSES = ['failed', 'deferred', 'pending'] as const;

function toPageFilter(query: JobPageQuery): Filter<ExtractionJobDocument> {
  const issues: InputIssue[] = [];
  if (!Number.isInteger(query.first) || query.first < 1 || query.first > MAX_JOB_PAGE_SIZE) {
    issues.push({ path: 'first', message: `${query.first} is outside 1..${MAX_JOB_PAGE_SIZE}` });
  }
  const cursor = query.after === undefined ? null : decodeJobCursor(query.after);
  if (query.after !== undefined && cursor === null)
    issues.push({ path: 'after', message: `"${query.after}" is not a cursor of this list (use an edge's cursor)` });
  assertValidFilter(query, issues);
  const clauses = filterClauses(query);
  if (cursor !== null) {
    clauses.push({ $or: [{ createdAt: { $lt: cursor.createdAt } }, { createdAt: cursor.createdAt, _id: { $lt: cursor.id as JobId } }] });
  }
  return andOf(clauses);
}

/** Throws one `InvalidInputError` with `issues` and the filter's own (an empty time range), when there are any. */
function assertValidFilter(filter: JobFilterQuery, issues: InputIssue[]): void {
  if (filter.createdFrom !== undefined && filter.createdBefore !== undefined && filter.createdFrom >= filter.createdBefore) {
    issues.push({
      path: 'filter.createdFrom',
      message: `${filter.createdFrom.toISOString()} is not before createdBefore ${filter.createdBefore.toISOString()}`,
    });
  }
  if (issues.length > 0) throw new InvalidInputError('jobs arguments', issues);
}

function filterClauses(filter: JobFilterQuery): Filter<ExtractionJobDocument>[] {
  const clauses: Filter<ExtractionJobDocument>[] = [];
  if (filter.status !== undefined) clauses.push({ status: filter.status });
  if (filter.source !== undefined) clauses.push({ sources: filter.source });
  if (filter.createdFrom !== undefined) clauses.push({ createdAt: { $gte: filter.createdFrom } });
  if (filter.createdBefore !== undefined) clauses.push({ createdAt: { $lt: filter.createdBefore } });
  // Documents written before origins were recorded have none and were interactive.
  if (filter.origin !== undefined) clauses.push(filter.origin === 'scheduled' ? { origin: 'scheduled' } : { origin: { $ne: 'scheduled' } });
  if (filter.scheduleId !== undefined) clauses.push({ scheduleId: filter.scheduleId });
  return clauses;
}

function andOf(clauses: readonly Filter<ExtractionJobDocument>[]): Filter<ExtractionJobDocument> {
  return clauses.length === 0 ? {} : { $and: [...clauses] };
}

/** The opaque cursor of a job in the list: its creation time and id. */
function encodeJobCursor(job: StoredExtractionJob): string {
  return Buffer.from(JSON.stringify([job.createdAt.toISOString(), job.id]), 'utf8').toString('base64url');
}

function decodeJobCursor(cursor: string): { readonly createdAt: Date; readonly id: string } | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') return null;
    const createdAt = new Date(value[0]);
    return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: value[1] };
  } catch {
    return null;
  }
}

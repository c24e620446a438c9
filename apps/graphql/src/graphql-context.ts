import type { ExtractionJob, FetchMode, IsolationMode, JobId, Logger, PhotoRecord, Property } from '@phx/core';
import type {
  WorkerView,
  JobEvent,
  JobEventQuery,
  JobFailureGroup,
  JobFilterQuery,
  JobPage,
  JobPageQuery,
  JobStatusCounts,
  RetryJobOptions,
  ScheduleView,
} from '@phx/jobs';
import type { ApiPrincipal } from './auth/api-key.js';
import type {
  CatalogSelection,
  IndexedOutcome,
  JobPropertyPage,
  JobPropertyStatusFilter,
  PropertyCatalog,
  SourceExtraction,
} from '@phx/jobs';

/** What `enqueueExtraction` hands to the job service, already resolved against the catalog. */
export interface EnqueueExtractionRequest {
  /** The properties to extract (at least one). */
  readonly properties: readonly Property[];
  /** Source names as the client wrote them; the service validates them. Absent = every source. */
  readonly sources?: readonly string[];
  /** Browser isolation; absent = the service default (`virtual`). */
  readonly isolationMode?: IsolationMode;
  /** How listing pages are fetched; absent = the worker's `FETCH_MODE`. */
  readonly fetchMode?: FetchMode;
  /** List photos without downloading them; absent = `false`. */
  readonly dryRun?: boolean;
  /** The job's own wall-time limit, in ms; absent = none. */
  readonly timeoutMs?: number;
}

/**
 * The job operations the API calls: the light `JobService` of `@phx/jobs`
 * satisfies it. Declared here, by the consumer, so resolvers depend on what
 * they use and tests can pass the real service or a stand-in.
 */
export interface JobApi {
  /**
   * Writes a job document and schedules its Agenda job.
   *
   * @throws InvalidInputError for an empty property list or an unknown source
   */
  enqueueExtraction(request: EnqueueExtractionRequest): Promise<ExtractionJob>;
  /**
   * Writes a job for a catalog selection (all, a label) whose property list its worker writes, and schedules it.
   *
   * @throws InvalidInputError for an unknown source or a malformed label
   */
  enqueueSelection(
    request: Omit<EnqueueExtractionRequest, 'properties'> & { readonly selection: CatalogSelection },
  ): Promise<ExtractionJob>;
  /**
   * Reads one job.
   *
   * @throws NotFoundError when no job has this id
   */
  getJob(id: JobId): Promise<ExtractionJob>;
  /**
   * One page of a job's properties with their outcomes (what `Job.properties` shows).
   *
   * @throws NotFoundError when no job has this id; InvalidInputError for a bad page
   */
  jobProperties(
    id: JobId,
    options: { readonly status?: JobPropertyStatusFilter; readonly first: number; readonly after?: number },
  ): Promise<JobPropertyPage>;
  /**
   * The first `limit` outcomes of a job with their positions (what the deprecated `Job.propertyOutcomes` shows).
   *
   * @throws NotFoundError when no job has this id
   */
  jobOutcomes(id: JobId, limit: number): Promise<readonly IndexedOutcome[]>;
  /**
   * Cancels a job that has not finished.
   *
   * @throws NotFoundError when no job has this id; a `JOB_ALREADY_FINISHED` CoreError for a finished one
   */
  cancelJob(id: JobId): Promise<ExtractionJob>;
  /**
   * Names the pending and running jobs that include a property (what `removeProperty` checks).
   *
   * @param propertyId - the property id
   * @returns the jobs, oldest first (empty when none)
   */
  activeJobsWithProperty(propertyId: string): Promise<readonly { readonly id: string }[]>;
  /**
   * The last extraction of a property per source (what `Property.lastExtractions` shows).
   *
   * @param propertyId - the property id
   * @returns one entry per source some ended job tried, in source order
   */
  lastExtractions(propertyId: string): Promise<readonly SourceExtraction[]>;
  /**
   * Lists the stored photos of a property, oldest first (empty when none).
   *
   * @param propertyId - the property's id or its address, as the client gave it (read with core's `propertyIdArgument`)
   * @throws InvalidInputError (`BAD_USER_INPUT`) naming `propertyId` when it has no Latin letter or digit or is too long
   */
  listPhotos(propertyId: string): Promise<readonly PhotoRecord[]>;
}

/** Pages of jobs and retries; `JobHistoryService` of `@phx/jobs` satisfies it. */
export interface JobHistoryApi {
  /**
   * Reads a page of jobs, newest first.
   *
   * @throws InvalidInputError for a bad page size, time range or cursor
   */
  pageJobs(query: JobPageQuery): Promise<JobPage>;
  /**
   * Counts the jobs a filter matches, per status and in all.
   *
   * @throws InvalidInputError for an empty time range
   */
  countJobs(filter: JobFilterQuery): Promise<JobStatusCounts>;
  /**
   * The failures of a job's failed and partial properties grouped by (source, code, message), largest first, at most 50.
   *
   * @throws NotFoundError for an unknown job
   */
  failureGroups(id: JobId): Promise<readonly JobFailureGroup[]>;
  /**
   * The newest jobs of a schedule (what `Schedule.recentJobs` shows).
   *
   * @param scheduleId - the schedule id
   * @param first - how many, 1..20
   * @returns the jobs, newest first
   * @throws InvalidInputError for `first` outside 1..20
   */
  scheduleJobs(scheduleId: string, first: number): Promise<readonly ExtractionJob[]>;
  /**
   * Enqueues a new job for the failed, deferred and unfinished properties of a finished job, with its options and
   * its time limit, or the one `options.timeoutMs` gives (ms).
   *
   * @throws InvalidInputError naming `timeoutMs` out of range; NotFoundError for an unknown job; a `JOB_NOT_FINISHED` or `NO_FAILED_PROPERTIES` CoreError
   */
  retryJob(id: JobId, options?: RetryJobOptions): Promise<ExtractionJob>;
}

/** A recurring extraction as the API reads it, with its next tick (`nextRunAt`, `null` while paused). */
export type ScheduleRecord = ScheduleView;

/** What `scheduleExtraction` hands to the schedule service, resolved against the catalog. */
export type CreateScheduleRequest = {
  readonly name: string;
  readonly cron: string;
  /** Absent = the service default (`America/Phoenix`). */
  readonly timeZone?: string;
  /** Absent = `false`. */
  readonly paused?: boolean;
} & (EnqueueExtractionRequest | (Omit<EnqueueExtractionRequest, 'properties'> & { readonly selection: CatalogSelection }));

/** The schedule operations the API calls; `ScheduleService` of `@phx/jobs` satisfies it. */
export interface ScheduleApi {
  /**
   * Stores a schedule and queues its ticks.
   *
   * @throws InvalidInputError (an `InvalidScheduleError` for the cron expression or zone); a `SCHEDULE_NAME_TAKEN` CoreError
   */
  createSchedule(request: CreateScheduleRequest): Promise<ScheduleRecord>;
  /** Lists every schedule by name. */
  listSchedules(): Promise<readonly ScheduleRecord[]>;
  /**
   * Pauses a schedule.
   *
   * @throws NotFoundError for an unknown id; InvalidInputError for a malformed one
   */
  pauseSchedule(id: string): Promise<ScheduleRecord>;
  /**
   * Resumes a schedule.
   *
   * @throws NotFoundError for an unknown id; InvalidInputError for a malformed one
   */
  resumeSchedule(id: string): Promise<ScheduleRecord>;
  /**
   * Removes a schedule.
   *
   * @throws NotFoundError for an unknown id; InvalidInputError for a malformed one
   */
  removeSchedule(id: string): Promise<ScheduleRecord>;
  /**
   * The next times a schedule fires, in its time zone, from now (also while paused).
   *
   * @throws InvalidInputError for `count` outside 1..20
   */
  nextRuns(schedule: Pick<ScheduleRecord, 'cron' | 'timeZone'>, count: number): readonly Date[];
}

/** The live progress of jobs; `JobProgressFeed` of `@phx/jobs` satisfies it. */
export interface JobProgressSource {
  /**
   * Streams a job: its current state first, then each change, ending after a
   * final status or when `signal` aborts.
   *
   * @throws NotFoundError (on the first `next()`) when no job has this id
   */
  watch(jobId: JobId, signal?: AbortSignal): AsyncIterable<ExtractionJob>;
}

/** The event logs of jobs; `JobEventFeed` of `@phx/jobs` satisfies it. */
export interface JobEventSource {
  /**
   * Follows jobs: their events from the first (or after the given places), then
   * live, each once and in order per job; ends after every job's final status.
   *
   * @throws NotFoundError when a job does not exist; InvalidInputError for no job, too many, or a resume place of another job
   */
  open(query: JobEventQuery, signal?: AbortSignal): Promise<AsyncIterableIterator<JobEvent, undefined>>;
}

/** The registry of worker processes; `WorkerRegistry` of `@phx/jobs` satisfies it. */
export interface WorkerApi {
  /** Every registered worker with `alive` (deletes registrations 24 h past their last heartbeat first). */
  list(): Promise<readonly WorkerView[]>;
}

/** The services the resolvers call. Borrowed: the server never closes them. */
export interface GraphqlServices {
  /** Job operations. */
  readonly jobs: JobApi;
  /** Live job progress. */
  readonly progress: JobProgressSource;
  /** Job event logs. */
  readonly events: JobEventSource;
  /** Pages of jobs and retries. */
  readonly history: JobHistoryApi;
  /** The properties catalog (MongoDB's `properties` collection). */
  readonly catalog: PropertyCatalog;
  /** Recurring extractions. */
  readonly schedules: ScheduleApi;
  /** Registered worker processes. */
  readonly workers: WorkerApi;
}

/** The context every resolver receives, over HTTP and over graphql-ws. */
export interface GraphqlContext {
  /** The services. */
  readonly services: GraphqlServices;
  /** Logger of the GraphQL component. */
  readonly logger: Logger;
  /** Who is calling: the API key checked for this request or connection (or the dev-mode stand-in). */
  readonly principal: ApiPrincipal;
  /** Scheme, host and port the client reached this server at (from its Host header), e.g. `http://127.0.0.1:4000`; image URLs start with it. */
  readonly requestOrigin: string;
}

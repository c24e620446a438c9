/**
 * `@phx/jobs`: the job layer of phx on Agenda v6 and MongoDB. This light entry
 * (job service, repositories, progress feed, queue factory) loads no browser,
 * so API servers and the CLI import it; the worker imports `@phx/jobs/worker`
 * for the job definitions.
 *
 * @packageDocumentation
 */
export {
  JobError,
  JobAlreadyFinishedError,
  JobQueueError,
  ScraperModeMismatchError,
  DatabaseOutageError,
  describeError,
} from './errors/index.js';
export { DatabaseWatchdog, databaseAnswers } from './health/database-watchdog.js';
export { DatabaseProbeTimeoutError, READINESS_TIMEOUT_MS, probeDatabase, withDeadline } from './health/database-probe.js';
export { isDatabaseConnectionError } from './health/database-connection-error.js';
export type { DatabaseWatchdogOptions, DatabaseWatchdogState, DatabaseWatchdogTimings } from './health/database-watchdog.js';

export {
  createAgenda,
  AGENDA_COLLECTION,
  DEFAULT_QUEUE_SETTINGS,
  queueSettingsSchema,
  MongoNotificationChannel,
  NOTIFICATIONS_COLLECTION,
  DEFAULT_MONGO_NOTIFICATION_CHANNEL_OPTIONS,
  EXTRACT_IMAGES_JOB,
  extractImagesPayloadSchema,
  RUN_SCHEDULE_JOB,
  runSchedulePayloadSchema,
} from './agenda/index.js';
export type {
  CreateAgendaOptions,
  AgendaConnection,
  QueueSettings,
  MongoNotificationChannelOptions,
  ExtractImagesPayload,
  RunSchedulePayload,
} from './agenda/index.js';

export { ExtractionMetrics, EXTRACTION_METRIC_NAMES, JOB_DURATION_BUCKETS_SECONDS, observeExtractor } from './metrics/index.js';
export type { ExtractionMetricsOptions, SourceCircuitState } from './metrics/index.js';

export {
  JobRepository,
  JOBS_COLLECTION,
  MongoPhotoRepository,
  PHOTOS_COLLECTION,
  PHOTO_COLLECTION_PARTITIONS,
  photoCollectionName,
  photoCollectionNames,
  findPhotoDocuments,
  JobRunLeases,
  RUNS_COLLECTION,
  isLeaseHeld,
  CancelRequests,
  CANCELS_COLLECTION,
  JobPropertyStore,
  JOB_PROPERTIES_COLLECTION,
  JOB_OUTCOMES_COLLECTION,
  JOB_PROPERTY_CHUNK_SIZE,
  MAX_DOCUMENT_BYTES,
  MAX_PROPERTY_LIST_DOCUMENT_BYTES,
  MAX_PROPERTIES_PER_DOCUMENT,
  MONGODB_MAX_DOCUMENT_BYTES,
  PROPERTY_LIST_COLLECTIONS,
  documentBoundOf,
  isDocumentTooLargeError,
  withJobId,
} from './repository/index.js';
export type {
  JobRepositoryOptions,
  ListJobsOptions,
  JobProgress,
  JobRunEnd,
  JobRunStart,
  ActiveJobRef,
  StoredExtractionJob,
  ExtractionJobDocument,
  JobOrigin,
  JobOriginFields,
  CatalogSelection,
  JobScraperMode,
  MongoPhotoRepositoryOptions,
  PhotoDocument,
  JobRunLease,
  JobRunLeasesOptions,
  CancelRequestsOptions,
  JobPropertyEntry,
  IndexedOutcome,
  JobPropertyStatusFilter,
  JobPropertyPage,
} from './repository/index.js';

export { GridFsImageStore, IMAGES_BUCKET } from './store/index.js';
export type { GridFsImageStoreOptions } from './store/index.js';

export {
  JobService,
  CANCELLED_BEFORE_START_MESSAGE,
  MAX_JOB_PROPERTY_PAGE,
  ORIGIN_PRIORITY,
  resolveEnqueueExtractionInput,
  resolveExtractionOptions,
  selectionDedupeKeyOf,
  JobResultCleanup,
  PendingJobDedupe,
  DEDUPE_COLLECTION,
  dedupeKeyOf,
} from './service/index.js';
export type {
  JobServiceOptions,
  ListJobsInput,
  EnqueuedExtraction,
  SourceExtraction,
  EnqueueExtractionInput,
  ResolvedEnqueueExtractionInput,
  ExtractionOptionsInput,
  ResolvedExtractionOptions,
  JobResultCleanupOptions,
  PendingJobDedupeOptions,
} from './service/index.js';

export {
  JobProgressFeed,
  JobEventFeed,
  JobEventLog,
  JobEventRecorder,
  JobEventStream,
  JOB_EVENTS_COLLECTION,
  JOB_EVENT_KINDS,
  MAX_WATCHED_JOBS,
  encodeJobEventId,
  decodeJobEventId,
  statusEventBody,
  extractionEventBody,
  toJobEventCounters,
} from './progress/index.js';
export type {
  JobProgressFeedOptions,
  JobEventFeedOptions,
  JobEventQuery,
  JobEvent,
  JobEventBody,
  JobEventKind,
  JobEventCounters,
  JobEventPosition,
  JobEventDocument,
  JobEventEntry,
  JobEventLogOptions,
  JobEventRecorderOptions,
  JobEventStreamScope,
} from './progress/index.js';

export {
  MAX_NEXT_RUNS,
  MAX_SCHEDULE_PROPERTIES,
  ScheduleService,
  ScheduleRepository,
  SCHEDULES_COLLECTION,
  SCHEDULE_TICKS_COLLECTION,
  InvalidScheduleError,
  ScheduleNameTakenError,
  assertValidCronSchedule,
  isValidTimeZone,
  toScheduleId,
  DEFAULT_SCHEDULE_TIME_ZONE,
} from './schedules/index.js';
export type {
  CreateScheduleInput,
  ScheduleTiming,
  ScheduleView,
  ScheduleServiceOptions,
  ScheduleId,
  ExtractionSchedule,
  ScheduleTick,
  ClaimedElsewhereFire,
  ScheduleTickOutcome,
} from './schedules/index.js';

export { JobHistoryService, MAX_JOB_PAGE_SIZE, MAX_SCHEDULE_JOBS } from './service/job-history-service.js';
export {
  readJobFailureGroups,
  MAX_FAILURE_GROUPS,
  FAILURE_GROUP_PROPERTY_IDS,
  MAX_SCANNED_FAILED_OUTCOMES,
} from './repository/job-failure-groups.js';
export type { JobFailureGroup } from './repository/job-failure-groups.js';
export type {
  JobHistoryServiceOptions,
  JobFilterQuery,
  JobPageQuery,
  JobPage,
  JobStatusCounts,
  RetryJobOptions,
} from './service/job-history-service.js';
export { JobNotFinishedError, NoFailedPropertiesError } from './service/job-history-errors.js';

export {
  ApiKeyRepository,
  API_KEY_ROLES,
  API_KEYS_COLLECTION,
  MAX_API_KEY_NAME_LENGTH,
  hashApiKey,
  generateApiKey,
} from './api-keys/index.js';
export type { ApiKeyRepositoryOptions, ApiKeyRole, ApiKeyRecord, CreatedApiKey, ApiKeyVerification } from './api-keys/index.js';

export {
  PropertyCatalog,
  PropertyInUseError,
  PROPERTIES_COLLECTION,
  SAMPLE_LABEL,
  MAX_PROPERTY_PAGE,
  encodePropertyCursor,
  decodePropertyCursor,
  toJobProperty,
  readListingUrl,
  listingIdOf,
  addressFromListingUrl,
  SUPPORTED_LISTING_SITES,
  removeUnusedProperty,
  addCatalogProperty,
  ListingIdTakenError,
  addressIssues,
  propertyIdIssue,
  selectionMixIssue,
  toPropertyLabel,
  toPropertyLabels,
  MAX_PROPERTY_LABEL_LENGTH,
  PROPERTY_LABEL_RULE,
  enqueueCatalogSelection,
} from './catalog/index.js';
export type {
  CatalogProperty,
  CatalogPropertyDocument,
  PropertyImportReport,
  PropertyFilter,
  PropertyPage,
  PropertyCatalogOptions,
  PropertySelection,
  ActiveJobsLookup,
  PropertyToAdd,
  CatalogSelectionEnqueuer,
} from './catalog/index.js';

export {
  WorkerRegistry,
  WorkerPresence,
  WORKERS_COLLECTION,
  STALE_WORKER_AFTER_MS,
  ALIVE_HEARTBEAT_INTERVALS,
  newWorkerId,
} from './workers/index.js';
export type { WorkerRegistration, WorkerRunningJob, WorkerView, WorkerPresenceOptions } from './workers/index.js';

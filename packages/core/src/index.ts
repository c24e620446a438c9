/**
 * `@phx/core`: the domain model, ports and photo pipeline of phx.
 * No database, browser, queue or GraphQL code lives here.
 *
 * @packageDocumentation
 */
export {
  CoreError,
  InvalidInputError,
  NotFoundError,
  CancelledError,
  ListingNotFoundError,
  InvalidImageError,
  SettingAliasConflictError,
  InputTooLongError,
  limitMessage,
  throwIfCancelled,
} from './errors/index.js';
export type {
  FailureKind,
  CoreErrorOptions,
  InputIssue,
  InvalidImageReason,
  NotFoundErrorOptions,
  SettingAliasConflict,
  InputLimitIssue,
} from './errors/index.js';

export {
  SOURCES,
  isSource,
  parseSources,
  toJobId,
  newJobId,
  toPropertyId,
  propertyIdArgument,
  isPropertyId,
  MAX_PROPERTY_ID_LENGTH,
  toContentHash,
  JOB_STATUSES,
  FINAL_JOB_STATUSES,
  isFinalJobStatus,
  ISOLATION_MODES,
  ZERO_COUNTERS,
  PROPERTY_COUNTER_NAMES,
  PHOTO_COUNTER_NAMES,
  COUNTER_NAMES,
  STATUS_COUNTER,
  pickCounters,
  addCounters,
  maxCounters,
  outcomeCounters,
  countOutcomes,
  finishedProperties,
  photosSeen,
  ZERO_OUTCOME_COUNTS,
  FAILED_PROPERTIES_LIST_LIMIT,
  MAX_ADDRESS_LENGTH,
  MAX_LISTING_URL_LENGTH,
  MAX_STORED_TEXT_LENGTH,
  MAX_STORED_URL_LENGTH,
  MAX_STORED_TOKEN_LENGTH,
  MAX_CAPTION_LENGTH,
  MAX_OUTCOME_FAILURES,
  MORE_FAILURES_CODE,
  MAX_PHOTO_SIGHTINGS,
  MAX_PHOTO_DUPLICATES,
  MAX_PROPERTY_LABELS,
  limitIssue,
  propertyLimitIssues,
  assertWithinLimits,
  truncateStoredText,
  boundFailure,
  boundOutcome,
  boundPhotoObservation,
  keepLatest,
  JOB_TIME_LIMIT_RANGE_MS,
  jobTimeLimitIssue,
  FETCH_MODES,
  PAGE_FETCH_MODES,
  DEFAULT_FETCH_MODE,
  isFetchMode,
} from './model/index.js';
export type {
  Brand,
  Source,
  FetchMode,
  PageFetchMode,
  JobId,
  PropertyId,
  ContentHash,
  Property,
  ListingPhoto,
  ListingPhotos,
  PhotoVariantRef,
  JobStatus,
  IsolationMode,
  ExtractionCounters,
  CounterName,
  ExtractionFailure,
  PropertyOutcome,
  SourceFetchMode,
  PropertyOutcomeCounts,
  PropertyOutcomeStatus,
  ExtractionJob,
} from './model/index.js';

export { noopLogger, systemClock, MANIFEST_FILE_NAME, isNotModified, UNKNOWN_PHOTO_SIZE, photoRecordKey } from './ports/index.js';
export type {
  Logger,
  LogContext,
  Clock,
  PhotoScraper,
  ScrapeRequest,
  PhotoFetcher,
  PhotoFetchRequest,
  FetchedPhoto,
  NotModifiedPhoto,
  ImageStore,
  StoredFile,
  StoredFileInfo,
  PropertyManifest,
  PhotoRepository,
  PhotoFacts,
  PhotoObservation,
  GalleryPlace,
  PhotoRecord,
  StoredVariant,
  DuplicateImage,
  PhotoSizeChoice,
  RemovedPhotosQuery,
  SightingLists,
} from './ports/index.js';

export {
  parseInput,
  parseSettings,
  numberSetting,
  intSetting,
  toInputIssues,
  describeValue,
  loadConfigurationOrExit,
  invalidConfigurationReport,
  INVALID_CONFIGURATION_EXIT_CODE,
  resolveLogFormat,
  logFormatSetting,
  urlWithoutCredentials,
} from './validation/index.js';
export type { SettingAliases, UrlWithoutCredentialsOptions } from './validation/index.js';
export type { ConfigurationExit, ConfigurationProblem, InvalidConfigurationReport, LogFormat } from './validation/index.js';

export {
  DEFAULT_DECODE_PHOTO_OPTIONS,
  PHOTO_FORMATS,
  PHOTO_FORMAT_EXTENSIONS,
  PERCEPTUAL_HASH_SAMPLE_PX,
  isPlaceholderTone,
  readUpright,
  DEFAULT_READ_UPRIGHT_OPTIONS,
  variantSpecsSchema,
  DEFAULT_VARIANT_SPECS,
  configureSharp,
  PixelBudget,
} from './images/index.js';
export type {
  PixelBudgetOptions,
  PhotoFormat,
  ReadUprightOptions,
  UprightImage,
  ImageTone,
  VariantSpec,
  ConfigureSharpOptions,
  SharpSettings,
} from './images/index.js';

export { FileImageStore, DEFAULT_FILE_IMAGE_STORE_OPTIONS, MemoryImageStore, assertStorePath } from './store/index.js';
export type { FileImageStoreOptions } from './store/index.js';

export {
  MemoryPhotoRepository,
  mergeSighting,
  listsToReplace,
  newPhotoRecord,
  compareGalleryOrder,
  captionOf,
  isListedElsewhere,
  storedFileNames,
  isSamePicture,
  DEFAULT_MAX_PERCEPTUAL_DISTANCE,
} from './photos/index.js';
export type { ImageIdentity } from './photos/index.js';

export {
  parsePropertiesCsv,
  readPropertiesCsvRows,
  PROPERTIES_CSV_COLUMNS,
  selectProperties,
  loadPropertiesCsv,
  readPropertiesCsvFile,
} from './properties/index.js';
export type { ParsePropertiesCsvOptions, PropertiesCsvRow, PropertiesCsvRows, InvalidPropertiesCsvRow } from './properties/index.js';

export {
  PropertyExtractor,
  DEFAULT_MAX_DECODE_PIXELS,
  runExtraction,
  propertyConcurrencySchema,
  isolationModeSchema,
  DEFAULT_ISOLATION_MODE,
  fetchModeSchema,
  applyExtractionEvent,
  failedPropertyOutcome,
  retryAfterMsOf,
} from './extraction/index.js';
export type {
  ExtractionEvent,
  ExtractionEventListener,
  FileProblem,
  PropertyExtractorOptions,
  ExtractPropertyRequest,
  PropertyExtracting,
  RunExtractionInput,
} from './extraction/index.js';

export {
  PHX_TRACER_NAME,
  inSpan,
  recordSpanError,
  captureTraceContext,
  contextOfTrace,
  DEFAULT_SERVICE_NAMES,
  tracingEnvShape,
  tracingSettingsOf,
  readTracingSettings,
  startProcessTracing,
  QueryStringRedaction,
  REDACTED_QUERY,
} from './tracing/index.js';
export type { TraceContextCarrier, TracingSettings, TracingEnv, ProcessTracing, ProcessTracingOptions } from './tracing/index.js';

import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import {
  DEFAULT_MAX_DECODE_PIXELS,
  DEFAULT_SERVICE_NAMES,
  InvalidInputError,
  fetchModeSchema,
  intSetting,
  logFormatSetting,
  numberSetting,
  parseSettings,
  tracingEnvShape,
  tracingSettingsOf,
  urlWithoutCredentials,
} from '@phx/core';
import type { FetchMode, LogFormat, Source, TracingSettings } from '@phx/core';
import { DEFAULT_QUEUE_SETTINGS, queueSettingsSchema } from '@phx/jobs';
import { extractImagesJobSettingsSchema } from '@phx/jobs/worker';
import { DEFAULT_RETIRE_CONTEXT_AFTER_PAGES, proxyUrlSchema } from '@phx/scrapers';

/** The worker's settings, read once from the environment. */
export interface WorkerConfig {
  /** `MONGODB_URI`: connection string (required). */
  readonly mongoUri: string;
  /** `MONGODB_DB`: database name; default `phx`. */
  readonly mongoDb: string;
  /** `PHX_IMAGES_DIR`: where photo files go; default `<workspace>/.data/images`. */
  readonly imagesDir: string;
  /** `PHX_SCRAPER_MODE`: `live` sites or `replay` of the saved fixtures; default `live`. */
  readonly scraperMode: 'live' | 'replay';
  /**
   * `PHX_IMAGE_STORE`: where photo files go: `file` (under `imagesDir`) or
   * `gridfs` (the `images` GridFS bucket of the database, for workers on
   * several machines); default `file`.
   */
  readonly imageStore: 'file' | 'gridfs';
  /**
   * `PHX_REVALIDATE_KNOWN_PHOTOS` (`true`/`false`, `1`/`0`): on a re-run, ask the
   * photo host again about photos already stored, with their ETag
   * (`If-None-Match`): a 304 counts as unchanged, other bytes as a new photo.
   * Default `false`: a known photo id or URL is not downloaded again at all.
   */
  readonly revalidateKnownPhotos: boolean;
  /**
   * `FETCH_MODE`: how listing pages are fetched when a job names no mode:
   * `auto` (plain HTTP first, Chromium where a page needs it), `http` or
   * `browser`; see core's `fetchModeSchema`. Default `auto`. A job's own
   * `fetchMode` wins for its pages.
   */
  readonly fetchMode: FetchMode;
  /**
   * `ZILLOW_PROXY_URLS`, `REDFIN_PROXY_URLS`: forward proxies of each site, comma-separated
   * (`http://[user:password@]host[:port]` or `https://…`), for the plain client and Chromium alike (live mode);
   * each property gets a sticky session on one of them, moved to another when walled or when its proxy fails.
   * Default none: direct connections.
   */
  readonly proxies: Readonly<Partial<Record<Source, readonly string[]>>>;
  /** `PHX_FIXTURES_DIR`: the shared fixtures (replay mode); default `<workspace>/../shared/fixtures`. */
  readonly fixturesDir: string;
  /** `MAX_CONCURRENT_JOBS`: jobs this worker runs at once, 1-64; default 3. */
  readonly maxConcurrentJobs: number;
  /** `PROPERTY_CONCURRENCY`: properties at once within a job, 1-32; default 3. */
  readonly propertyConcurrency: number;
  /**
   * `MAX_DECODE_PIXELS`: most pixels (width × height, summed) this worker
   * decodes at once, over all its jobs and properties, 1 000 000 to
   * 10 000 000 000; default 100 000 000. A photo waits while others hold the
   * budget; one larger than it is decoded alone. Bounds decoding memory.
   */
  readonly maxDecodePixels: number;
  /**
   * `RETIRE_CONTEXT_AFTER_PAGES`: pages the shared browser context of
   * `virtual` isolation serves before a fresh one replaces it (the old one
   * closes after its last page), 1-100 000; `0` never replaces it (`null`
   * here); default 100. Keeps Chromium's and Node's memory flat over long runs.
   */
  readonly retireContextAfterPages: number | null;
  /**
   * `JOB_TIMEOUT` or `JOB_TIMEOUT_SECONDS` (seconds in the environment, like
   * the original design, 1-604 800): the longest a run may go without
   * progress, in ms; default 3 600 000. When no property finished (any
   * outcome; while a catalog selection is listed, no chunk of its list was
   * written) for that long, the run is stopped and the job fails naming
   * `JOB_TIMEOUT` and how long it had been; its unfinished properties stay
   * retriable. A run that keeps finishing properties is never stopped by it,
   * whatever the job's size (the seed's `job_timeout` capped the whole run).
   * A job's own wall-time limit is its `timeoutMs`, set at enqueue.
   */
  readonly jobTimeoutMs: number;
  /** `LOG_LEVEL`: pino level; default `info`. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `LOG_FORMAT`: `pretty` or `json`; `undefined` (unset): pretty when stdout is a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
  /** `WORKER_NAME`: this worker's name in jobs and logs; default `<hostname>-<pid>`. */
  readonly workerName: string;
  /** `METRICS_PORT`: port of the Prometheus `/metrics` endpoint, 0-65535; `0` turns it off; default 9464. */
  readonly metricsPort: number;
  /** `METRICS_HOST`: address the metrics endpoint binds; default `127.0.0.1` (this machine only). */
  readonly metricsHost: string;
  /**
   * `QUEUE_NOTIFY_POLL_MS`: how often the worker reads the queue notifications
   * in MongoDB, in ms, 10-5000; `0` turns them off (jobs then wait for the
   * 1 s queue scan); default 50.
   */
  readonly queueNotifyPollMs: number;
  /**
   * `JOB_LOCK_LIFETIME` or `JOB_LOCK_LIFETIME_MS` (ms): how long a job stays locked to this worker
   * without a heartbeat (queue lock and run lease), 1000-3 600 000; default
   * 60 000. Runs heartbeat every quarter of it; a killed worker's jobs are
   * taken over once it has passed.
   */
  readonly lockLifetimeMs: number;
  /** `PROPERTY_MAX_ATTEMPTS`: attempts at a property that fails transiently, the first included, 1-10; default 3. */
  readonly propertyMaxAttempts: number;
  /** `PROPERTY_RETRY_BACKOFF_MS`: delay before the first retry of a property, in ms, 0-600 000; default 1000 (exponential, with jitter). */
  readonly propertyRetryInitialBackoffMs: number;
  /** `PROPERTY_RETRY_MAX_BACKOFF_MS`: longest delay between two attempts, in ms, 0-3 600 000; default 30 000. */
  readonly propertyRetryMaxBackoffMs: number;
  /**
   * `PROPERTY_MAX_DEFER_MS`: longest `Retry-After` a site may ask for that a
   * job waits out before trying the property again, in ms, 0-86 400 000;
   * default 300 000. The property gives up its concurrency slot meanwhile; a
   * longer wait ends it `deferred` (not failed), with `retryAt`, for a later run.
   */
  readonly propertyMaxDeferMs: number;
  /**
   * `JOB_RESULT_TTL` or `JOB_RESULT_TTL_SECONDS` (seconds in the environment, like the original design):
   * how long finished jobs and their run, cancel and queue documents are
   * kept after they end, in ms; default 604 800 000 (7 days). Photos stay.
   */
  readonly jobResultTtlMs: number;
  /**
   * `SHUTDOWN_GRACE_PERIOD` or `SHUTDOWN_GRACE_PERIOD_SECONDS` (seconds in the environment): on SIGTERM, how long
   * running jobs may go on to finish before they are handed back, in ms,
   * 0-3 600 000; default 30 000.
   */
  readonly shutdownGracePeriodMs: number;
  /**
   * `WATCHDOG_INTERVAL_MS`: how often the database watchdog pings MongoDB on
   * the worker's connection, in ms, 500-600 000; default 10 000.
   */
  readonly watchdogIntervalMs: number;
  /**
   * `WATCHDOG_TIMEOUT_MS`: deadline of one watchdog ping (and of each step of
   * a connection rebuild), in ms, 100-60 000; default 5000.
   */
  readonly watchdogTimeoutMs: number;
  /**
   * `WORKER_HEARTBEAT_MS`: how often the worker writes its registration (its
   * running jobs) to the `workers` collection, in ms, 100-600 000; default
   * 10 000. Readers take it as dead after 3 intervals without one.
   */
  readonly workerHeartbeatMs: number;
  /**
   * Tracing, on when an OTLP endpoint is set: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
   * (the traces URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended),
   * `http(s)://` URLs; `OTEL_SERVICE_NAME` (default `phx-worker`); `OTEL_SDK_DISABLED=true`
   * turns it off. `null` when off. Started by `tracing.ts` before this is read.
   */
  readonly tracing: TracingSettings | null;
}

/** The workspace root (this file is `apps/worker/{src,dist}/config.*`). */
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const blankToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = z.preprocess(blankToUndefined, z.string().optional());

/** A comma-separated list of proxy URLs (blank: none), each checked by the scrapers' `proxyUrlSchema` (messages never quote a URL). */
const proxyUrlList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((url) => url.trim())
          .filter((url) => url !== '')
      : [],
  z.array(
    z.string().superRefine((value, context) => {
      const checked = proxyUrlSchema.safeParse(value);
      if (!checked.success) for (const issue of checked.error.issues) context.addIssue({ code: 'custom', message: issue.message });
    }),
  ),
);
const job = extractImagesJobSettingsSchema.shape;
const queue = queueSettingsSchema.shape;
const SECOND_MS = 1_000;

/**
 * Names that say the unit, accepted besides the original design's names whose
 * unit is not in the name; both set with different values is refused.
 */
export const WORKER_ENV_ALIASES = Object.freeze({
  JOB_TIMEOUT: 'JOB_TIMEOUT_SECONDS',
  JOB_LOCK_LIFETIME: 'JOB_LOCK_LIFETIME_MS',
  JOB_RESULT_TTL: 'JOB_RESULT_TTL_SECONDS',
  SHUTDOWN_GRACE_PERIOD: 'SHUTDOWN_GRACE_PERIOD_SECONDS',
});

const envSchema = z.object({
  ...tracingEnvShape,
  MONGODB_URI: z
    .string({ error: 'MONGODB_URI is required (e.g. mongodb://127.0.0.1:27027/)' })
    .trim()
    .min(1, 'MONGODB_URI is required')
    .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// connection string'),
  MONGODB_DB: z.preprocess(blankToUndefined, z.string().default('phx')),
  PHX_IMAGES_DIR: optionalText,
  PHX_SCRAPER_MODE: z.preprocess(blankToUndefined, z.enum(['live', 'replay']).default('live')),
  PHX_IMAGE_STORE: z.preprocess(blankToUndefined, z.enum(['file', 'gridfs']).default('file')),
  PHX_REVALIDATE_KNOWN_PHOTOS: z.preprocess(
    blankToUndefined,
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' })
      .default('false')
      .transform((v) => v === 'true' || v === '1'),
  ),
  PHX_FIXTURES_DIR: optionalText,
  FETCH_MODE: z.preprocess(blankToUndefined, fetchModeSchema),
  ZILLOW_PROXY_URLS: proxyUrlList,
  REDFIN_PROXY_URLS: proxyUrlList,
  MAX_CONCURRENT_JOBS: numberSetting(queue.maxConcurrentJobs),
  PROPERTY_CONCURRENCY: numberSetting(job.propertyConcurrency),
  MAX_DECODE_PIXELS: intSetting(1_000_000, 10_000_000_000, DEFAULT_MAX_DECODE_PIXELS),
  RETIRE_CONTEXT_AFTER_PAGES: intSetting(0, 100_000, DEFAULT_RETIRE_CONTEXT_AFTER_PAGES),
  JOB_TIMEOUT: intSetting(1, 7 * 24 * 3600, DEFAULT_QUEUE_SETTINGS.jobTimeoutMs / SECOND_MS),
  LOG_LEVEL: z.preprocess(blankToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  LOG_FORMAT: z.preprocess(blankToUndefined, logFormatSetting),
  WORKER_NAME: optionalText,
  METRICS_PORT: intSetting(0, 65_535, 9464),
  JOB_LOCK_LIFETIME: numberSetting(queue.lockLifetimeMs),
  PROPERTY_MAX_ATTEMPTS: numberSetting(job.propertyMaxAttempts),
  PROPERTY_RETRY_BACKOFF_MS: numberSetting(job.propertyRetryInitialBackoffMs),
  PROPERTY_RETRY_MAX_BACKOFF_MS: numberSetting(job.propertyRetryMaxBackoffMs),
  PROPERTY_MAX_DEFER_MS: numberSetting(job.propertyMaxDeferMs),
  JOB_RESULT_TTL: intSetting(1, 10 * 365 * 24 * 3600, DEFAULT_QUEUE_SETTINGS.jobResultTtlMs / SECOND_MS),
  SHUTDOWN_GRACE_PERIOD: intSetting(0, 3_600, 30),
  WATCHDOG_INTERVAL_MS: intSetting(500, 600_000, 10_000),
  WATCHDOG_TIMEOUT_MS: intSetting(100, 60_000, 5_000),
  WORKER_HEARTBEAT_MS: intSetting(100, 600_000, 10_000),
  METRICS_HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  QUEUE_NOTIFY_POLL_MS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number()
      .int()
      .refine((v) => v === 0 || (v >= 10 && v <= 5_000), 'must be 0 (off) or 10-5000')
      .default(50),
  ),
});

/**
 * The proxies of a configuration as they may be logged: each URL without its user name and password.
 *
 * @param proxies - `WorkerConfig.proxies` (already checked)
 * @returns the same lists, credential-free (e.g. `http://10.0.0.5:3128`)
 */
export function loggableProxies(proxies: WorkerConfig['proxies']): Partial<Record<Source, string[]>> {
  const out: Partial<Record<Source, string[]>> = {};
  for (const [source, urls] of Object.entries(proxies) as [Source, readonly string[]][]) {
    out[source] = urls.map((url) => proxyUrlSchema.parse(url).url);
  }
  return out;
}

/**
 * The settings a worker logs when it is ready: every one but the connection
 * string, with proxies and the traces endpoint credential-free.
 *
 * @param config - the worker's configuration
 * @returns a copy fit for a log line
 */
export function loggableSettings(config: Readonly<WorkerConfig>): Omit<WorkerConfig, 'mongoUri' | 'proxies'> & {
  readonly proxies: Partial<Record<Source, string[]>>;
} {
  const { mongoUri: _uri, ...settings } = config;
  const tracing =
    config.tracing === null ? null : { ...config.tracing, tracesEndpoint: urlWithoutCredentials(config.tracing.tracesEndpoint) };
  return { ...settings, proxies: loggableProxies(config.proxies), tracing };
}

/**
 * Parses the worker's environment once. Relative folders resolve against the
 * workspace root. Each name of {@link WORKER_ENV_ALIASES} may be given under
 * its alias instead (e.g. `JOB_TIMEOUT_SECONDS` for `JOB_TIMEOUT`).
 *
 * @param env - the environment (`process.env`)
 * @returns the frozen configuration
 * @throws core's `SettingAliasConflictError` naming both variables when a name and its alias differ
 * @throws core's `InvalidInputError` naming every bad or missing variable
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv): Readonly<WorkerConfig> {
  const e = parseSettings(envSchema, env, WORKER_ENV_ALIASES, 'worker environment');
  if (e.PHX_SCRAPER_MODE === 'replay') {
    const proxied = (['ZILLOW_PROXY_URLS', 'REDFIN_PROXY_URLS'] as const).filter((name) => e[name].length > 0);
    if (proxied.length > 0) {
      throw new InvalidInputError(
        'worker environment',
        proxied.map((path) => ({ path, message: 'proxies are for PHX_SCRAPER_MODE=live: replayed pages are answered locally' })),
      );
    }
  }
  return Object.freeze({
    mongoUri: e.MONGODB_URI,
    mongoDb: e.MONGODB_DB,
    imagesDir: resolve(WORKSPACE_ROOT, e.PHX_IMAGES_DIR ?? '.data/images'),
    scraperMode: e.PHX_SCRAPER_MODE,
    imageStore: e.PHX_IMAGE_STORE,
    revalidateKnownPhotos: e.PHX_REVALIDATE_KNOWN_PHOTOS,
    fetchMode: e.FETCH_MODE,
    proxies: Object.freeze({ zillow: e.ZILLOW_PROXY_URLS, redfin: e.REDFIN_PROXY_URLS }),
    fixturesDir: resolve(WORKSPACE_ROOT, e.PHX_FIXTURES_DIR ?? '../shared/fixtures'),
    maxConcurrentJobs: e.MAX_CONCURRENT_JOBS,
    propertyConcurrency: e.PROPERTY_CONCURRENCY,
    maxDecodePixels: e.MAX_DECODE_PIXELS,
    retireContextAfterPages: e.RETIRE_CONTEXT_AFTER_PAGES === 0 ? null : e.RETIRE_CONTEXT_AFTER_PAGES,
    jobTimeoutMs: e.JOB_TIMEOUT * SECOND_MS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    workerName: e.WORKER_NAME ?? `${hostname()}-${process.pid}`,
    metricsPort: e.METRICS_PORT,
    metricsHost: e.METRICS_HOST,
    queueNotifyPollMs: e.QUEUE_NOTIFY_POLL_MS,
    lockLifetimeMs: e.JOB_LOCK_LIFETIME,
    propertyMaxAttempts: e.PROPERTY_MAX_ATTEMPTS,
    propertyRetryInitialBackoffMs: e.PROPERTY_RETRY_BACKOFF_MS,
    propertyRetryMaxBackoffMs: e.PROPERTY_RETRY_MAX_BACKOFF_MS,
    propertyMaxDeferMs: e.PROPERTY_MAX_DEFER_MS,
    jobResultTtlMs: e.JOB_RESULT_TTL * SECOND_MS,
    shutdownGracePeriodMs: e.SHUTDOWN_GRACE_PERIOD * SECOND_MS,
    watchdogIntervalMs: e.WATCHDOG_INTERVAL_MS,
    watchdogTimeoutMs: e.WATCHDOG_TIMEOUT_MS,
    workerHeartbeatMs: e.WORKER_HEARTBEAT_MS,
    tracing: tracingSettingsOf(e, DEFAULT_SERVICE_NAMES.worker),
  });
}

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_SERVICE_NAMES,
  intSetting,
  logFormatSetting,
  numberSetting,
  parseSettings,
  tracingEnvShape,
  tracingSettingsOf,
  type LogFormat,
} from '@phx/core';
import type { TracingSettings } from '@phx/core';
import { queueSettingsSchema } from '@phx/jobs';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** Log levels pino accepts, quietest last. */
export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const);

/** A pino log level; see {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The resolved configuration of the GraphQL server. Frozen; read once at start. */
export interface GraphqlConfig {
  /** TCP port for HTTP and WebSocket (`PORT`, default 4000; 0 picks a free port). */
  readonly port: number;
  /** Interface to listen on (`HOST`, default `127.0.0.1`). */
  readonly host: string;
  /** MongoDB connection string (`MONGODB_URI`, required). Never logged. */
  readonly mongodbUri: string;
  /** Database name (`MONGODB_DB`, default `phx`). */
  readonly mongodbDb: string;
  /** Absolute path of the properties catalog CSV (`PROPERTIES_CSV`, default `<workspace>/tools/data/sample-properties.csv`). */
  readonly propertiesCsv: string;
  /** pino level (`LOG_LEVEL`, default `info`). */
  readonly logLevel: LogLevel;
  /** `LOG_FORMAT`: `pretty` or `json`; `undefined` (unset): pretty when stdout is a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
  /** `NODE_ENV` (default `production`: stack traces and internal messages only with `development` or `test`). */
  readonly nodeEnv: 'development' | 'production' | 'test';
  /** `true` when `nodeEnv` is `production`: no stack traces and no internal messages in responses. */
  readonly isProduction: boolean;
  /** Largest accepted HTTP body or WebSocket message in bytes (`MAX_REQUEST_BYTES`, default 102 400). */
  readonly maxRequestBytes: number;
  /** Deepest accepted selection nesting of an operation (`MAX_QUERY_DEPTH`, default 10). */
  readonly maxQueryDepth: number;
  /** Most aliases accepted in one operation (`MAX_QUERY_ALIASES`, default 5): many aliased `jobs` lists can overload the database. */
  readonly maxQueryAliases: number;
  /** How long `stop()` waits for open HTTP requests before closing them, in ms (`SHUTDOWN_GRACE_MS`, default 10 000). */
  readonly shutdownGraceMs: number;
  /** Highest accepted cost of an operation, graphql-armor's cost model (`MAX_QUERY_COST`, default 5 000). */
  readonly maxQueryCost: number;
  /**
   * `PHX_API_DEV_MODE=1`: requests without an API key are let in as admin (a loud warning is logged at start).
   * Default `false`: every route but `/healthz`, `/readyz` and the playground page needs a key.
   */
  readonly devMode: boolean;
  /** How often the keys of open WebSocket connections are checked for revocation, in ms (`API_KEY_RECHECK_MS`, default 5 000). */
  readonly keyRecheckIntervalMs: number;
  /**
   * `PHX_IMAGE_STORE`: where `/images` reads photos, as the workers store them:
   * `file` (default, under `imagesDir`) or `gridfs` (the database's `images` bucket).
   */
  readonly imageStore: 'file' | 'gridfs';
  /** Root of the file image store served under `/images` (`PHX_IMAGES_DIR`, default `<workspace>/.data/images`). */
  readonly imagesDir: string;
  /**
   * The browser console's build served at `/` (`CONSOLE_DIR`, default `apps/console/dist` of the
   * monorepo this package lies in). When set it must be an existing folder; without an `index.html`
   * in it, `/` answers a page saying the console is not built.
   */
  readonly consoleDir: string;
  /**
   * The workers' run lease, in ms (`JOB_LOCK_LIFETIME` or `JOB_LOCK_LIFETIME_MS`, default 60 000; set it
   * as the workers have it): `cancelJob` ends at once a running job whose
   * worker has not renewed its lease for this long.
   */
  readonly lockLifetimeMs: number;
  /**
   * How long a MongoDB operation waits for a server to answer before it fails, in ms
   * (`MONGODB_SERVER_SELECTION_TIMEOUT_MS`, default 1 000, 100..60 000): while the
   * database is down, requests answer `SERVICE_UNAVAILABLE` (HTTP 503) after this.
   */
  readonly mongoServerSelectionTimeoutMs: number;
  /**
   * Most subscriptions (operations in flight) one graphql-ws socket may hold
   * (`MAX_SUBSCRIPTIONS_PER_SOCKET`, default 100, 1..10 000); one more closes the socket with 4429.
   */
  readonly maxSubscriptionsPerSocket: number;
  /**
   * Most graphql-ws sockets open at once with one API key, on this server
   * (`MAX_SOCKETS_PER_API_KEY`, default 200, 1..100 000); one more is closed with 4429 after `connection_init`.
   */
  readonly maxSocketsPerApiKey: number;
  /**
   * `PUBLIC_URL`: the base of the links the API hands out (image URLs), e.g.
   * `https://photos.example.com` or with a path prefix; `null` (default): a
   * trusted proxy's forwarded host, else the server's own address. Never the request's Host.
   */
  readonly publicUrl: string | null;
  /**
   * `TRUSTED_PROXIES`: comma-separated addresses, CIDR ranges or `loopback`,
   * `linklocal`, `uniquelocal`, whose `X-Forwarded-Proto`/`X-Forwarded-Host`
   * are believed; default none.
   */
  readonly trustedProxies: readonly string[];
  /** How long opening a connection to MongoDB may take, in ms (`MONGODB_CONNECT_TIMEOUT_MS`, default 1 000, 100..60 000). */
  readonly mongoConnectTimeoutMs: number;
  /**
   * `WATCHDOG_INTERVAL_MS`: how often the database watchdog pings MongoDB on
   * the server's connection (and rebuilds a connection an outage left broken),
   * in ms, 500-600 000; default 5 000.
   */
  readonly watchdogIntervalMs: number;
  /**
   * `WATCHDOG_TIMEOUT_MS`: deadline of one watchdog ping (and of each step of
   * a connection rebuild), in ms, 100-60 000; default 2 000.
   */
  readonly watchdogTimeoutMs: number;
  /**
   * `SESSION_TTL_MS`: how long a browser session (`POST /session`) lasts, in
   * ms, 60 000 (1 min) to 2 592 000 000 (30 days); default 43 200 000 (12 h).
   */
  readonly sessionTtlMs: number;
  /**
   * `CORS_ORIGINS`: comma-separated origins (`https://console.example.com`,
   * scheme, host and optional port; no path) whose pages may call the API
   * with credentials (CORS answers) and use the session cookie; default
   * none (same origin only).
   */
  readonly corsOrigins: readonly string[];
  /**
   * Tracing, on when an OTLP endpoint is set: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
   * (the traces URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (`/v1/traces` appended),
   * `http(s)://` URLs; `OTEL_SERVICE_NAME` (default `phx-graphql`); `OTEL_SDK_DISABLED=true`
   * turns it off. `null` when off. Started by `tracing.ts` before this is read.
   */
  readonly tracing: TracingSettings | null;
}

/** Names that say the unit, accepted besides the original design's names that do not; both set with different values is refused. */
export const GRAPHQL_ENV_ALIASES = Object.freeze({ JOB_LOCK_LIFETIME: 'JOB_LOCK_LIFETIME_MS' });

const envSchema = z.object({
  ...tracingEnvShape,
  PORT: intSetting(0, 65_535, 4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// connection string'),
  MONGODB_DB: z
    .string()
    .regex(/^[^/\\. "$]{1,63}$/, 'must be a MongoDB database name')
    .default('phx'),
  PROPERTIES_CSV: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: logFormatSetting,
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  MAX_REQUEST_BYTES: intSetting(1_024, 10_485_760, 102_400),
  MAX_QUERY_DEPTH: intSetting(2, 50, 10),
  MAX_QUERY_ALIASES: intSetting(0, 100, 5),
  SHUTDOWN_GRACE_MS: intSetting(0, 600_000, 10_000),
  MAX_QUERY_COST: intSetting(10, 1_000_000, 5_000),
  PHX_API_DEV_MODE: z.enum(['0', '1', 'false', 'true']).default('0'),
  API_KEY_RECHECK_MS: intSetting(100, 3_600_000, 5_000),
  PHX_IMAGES_DIR: z.string().min(1).optional(),
  PHX_IMAGE_STORE: z.enum(['file', 'gridfs']).default('file'),
  CONSOLE_DIR: z
    .string()
    .refine(
      (dir) => isDirectory(resolve(findWorkspaceRoot(), dir)),
      'must be an existing folder (the console build, e.g. apps/console/dist)',
    )
    .optional(),
  JOB_LOCK_LIFETIME: numberSetting(queueSettingsSchema.shape.lockLifetimeMs),
  MONGODB_SERVER_SELECTION_TIMEOUT_MS: intSetting(100, 60_000, 1_000),
  MONGODB_CONNECT_TIMEOUT_MS: intSetting(100, 60_000, 1_000),
  WATCHDOG_INTERVAL_MS: intSetting(500, 600_000, 5_000),
  WATCHDOG_TIMEOUT_MS: intSetting(100, 60_000, 2_000),
  PUBLIC_URL: z
    .string()
    .regex(
      /^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/,
      'must be an http:// or https:// URL without query or fragment, e.g. https://photos.example.com',
    )
    .optional(),
  TRUSTED_PROXIES: z
    .string()
    .refine(isTrustList, 'must be comma-separated IP addresses, CIDR ranges or loopback, linklocal, uniquelocal')
    .optional(),
  MAX_SUBSCRIPTIONS_PER_SOCKET: intSetting(1, 10_000, 100),
  MAX_SOCKETS_PER_API_KEY: intSetting(1, 100_000, 200),
  SESSION_TTL_MS: intSetting(60_000, 2_592_000_000, 43_200_000),
  CORS_ORIGINS: z
    .string()
    .refine(isOriginList, 'must be comma-separated origins like https://console.example.com (http or https, host, optional port, no path)')
    .optional(),
});

/**
 * Reads the server configuration from environment variables, once. Empty
 * variables count as unset.
 *
 * @param env - the environment; default `process.env` (this is the only module that reads it)
 * @returns the frozen configuration
 * @throws core's `SettingAliasConflictError` naming both variables when `JOB_LOCK_LIFETIME` and `JOB_LOCK_LIFETIME_MS` differ
 * @throws {@link InvalidInputError} listing every bad or missing variable
 * @example
 * ```ts
 * const config = loadGraphqlConfig();
 * console.log(config.port); // 4000 unless PORT is set
 * ```
 */
export function loadGraphqlConfig(env: Readonly<Record<string, string | undefined>> = process.env): GraphqlConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = parseSettings(envSchema, present, GRAPHQL_ENV_ALIASES, 'GraphQL server configuration (environment variables)');
  return Object.freeze({
    port: parsed.PORT,
    host: parsed.HOST,
    mongodbUri: parsed.MONGODB_URI,
    mongodbDb: parsed.MONGODB_DB,
    propertiesCsv: resolve(parsed.PROPERTIES_CSV ?? join(findWorkspaceRoot(), 'tools', 'data', 'sample-properties.csv')),
    logLevel: parsed.LOG_LEVEL,
    logFormat: parsed.LOG_FORMAT,
    nodeEnv: parsed.NODE_ENV,
    isProduction: parsed.NODE_ENV === 'production',
    maxRequestBytes: parsed.MAX_REQUEST_BYTES,
    maxQueryDepth: parsed.MAX_QUERY_DEPTH,
    maxQueryAliases: parsed.MAX_QUERY_ALIASES,
    shutdownGraceMs: parsed.SHUTDOWN_GRACE_MS,
    maxQueryCost: parsed.MAX_QUERY_COST,
    devMode: parsed.PHX_API_DEV_MODE === '1' || parsed.PHX_API_DEV_MODE === 'true',
    keyRecheckIntervalMs: parsed.API_KEY_RECHECK_MS,
    imageStore: parsed.PHX_IMAGE_STORE,
    imagesDir: resolve(findWorkspaceRoot(), parsed.PHX_IMAGES_DIR ?? join('.data', 'images')),
    consoleDir: resolve(findWorkspaceRoot(), parsed.CONSOLE_DIR ?? join('apps', 'console', 'dist')),
    lockLifetimeMs: parsed.JOB_LOCK_LIFETIME,
    mongoServerSelectionTimeoutMs: parsed.MONGODB_SERVER_SELECTION_TIMEOUT_MS,
    mongoConnectTimeoutMs: parsed.MONGODB_CONNECT_TIMEOUT_MS,
    watchdogIntervalMs: parsed.WATCHDOG_INTERVAL_MS,
    watchdogTimeoutMs: parsed.WATCHDOG_TIMEOUT_MS,
    publicUrl: parsed.PUBLIC_URL ?? null,
    trustedProxies: Object.freeze(splitList(parsed.TRUSTED_PROXIES)),
    maxSubscriptionsPerSocket: parsed.MAX_SUBSCRIPTIONS_PER_SOCKET,
    maxSocketsPerApiKey: parsed.MAX_SOCKETS_PER_API_KEY,
    sessionTtlMs: parsed.SESSION_TTL_MS,
    corsOrigins: Object.freeze(splitList(parsed.CORS_ORIGINS).map((origin) => new URL(origin).origin)),
    tracing: tracingSettingsOf(parsed, DEFAULT_SERVICE_NAMES.graphql),
  });
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function isOriginList(value: string): boolean {
  const origins = splitList(value);
  return origins.length > 0 && origins.every(isOrigin);
}

/** `scheme://host[:port]` with http or https, nothing after (a trailing `/` is tolerated), as browsers send `Origin`. */
function isOrigin(value: string): boolean {
  if (!/^https?:\/\/[^/?#\s@]+\/?$/i.test(value)) return false;
  try {
    return new URL(value).origin !== 'null';
  } catch {
    return false;
  }
}

function isTrustList(value: string): boolean {
  try {
    proxyAddr.compile(splitList(value));
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the workspace root: the nearest folder above this module holding
 * `nx.json` (works from `src/` under vitest and from `dist/` when built).
 *
 * @returns the absolute path, or the current directory when none is found
 */
function findWorkspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** `true` when `path` names an existing folder (links followed). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

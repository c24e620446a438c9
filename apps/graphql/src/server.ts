import 'reflect-metadata';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, GraphQLRequest, GraphQLResponse } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from '@phx/core';
import express, { type Express } from 'express';
import type { Logger as PinoLogger } from 'pino';
import type { GraphqlConfig } from './config.js';
import type { ErrorFormatOptions } from './errors/graphql-error-mapping.js';
import type {
  GraphqlContext,
  JobApi,
  JobEventSource,
  JobHistoryApi,
  JobProgressSource,
  ScheduleApi,
  WorkerApi,
} from './graphql-context.js';
import { createAccessLogMiddleware } from './http/access-log.middleware.js';
import { createHealthRouter } from './http/health.routes.js';
import { createJsonErrorHandler } from './http/json-error.handler.js';
import { createPublicOrigin } from './http/public-origin.js';
import { buildGraphqlSchema } from './schema.js';
import { createApolloServer } from './transport/apollo.server.js';
import { attachGraphqlWs } from './transport/graphql-ws.server.js';
import { withWsAccessLog } from './transport/ws-access-log.js';
import { createMaxDepthRule } from './validation/max-depth.rule.js';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { ValidationRule } from 'graphql';
import { MAX_JOB_PAGE_SIZE, MAX_PROPERTY_PAGE, READINESS_TIMEOUT_MS } from '@phx/jobs';
import type { PropertyCatalog } from '@phx/jobs';
import { createQueryCostRule } from './validation/query-cost.rule.js';
import { createAccessPlugin } from './auth/access.plugin.js';
import { AccessGuard } from './auth/access-guard.js';
import type { ApiKeyVerifier } from './auth/api-key-verifier.js';
import { createRequireApiKey, principalOf } from './auth/http-access.middleware.js';
import { createWsAccess } from './auth/ws-access.js';
import { RequestAuthenticator } from './auth/request-authenticator.js';
import type { SessionStore } from './auth/session-store.js';
import { createSessionRouter, SESSION_PATH } from './auth/session.routes.js';
import { createCorsMiddleware } from './http/cors.middleware.js';
import { createFileImageSource, createGridFsImageSource, type GridFsImageReader } from './images/image-source.js';
import { createImageRouter, IMAGES_PATH } from './images/image.routes.js';
import { GraphqlMetrics } from './metrics/graphql-metrics.js';
import { createMetricsRouter, METRICS_PATH } from './metrics/metrics.routes.js';
import { createWsMetricsHooks } from './metrics/ws-metrics.hooks.js';
import { createPlaygroundRouter } from './playground/playground.routes.js';
import { AGENDASH_PATH, createAgendashRouter, type AgendashQueue } from './agendash/agendash.routes.js';
import { createConsoleRouter } from './console/console.routes.js';
import { createPhotosZipRouter } from './images/photos-zip.routes.js';

/** The path of the GraphQL endpoint, for HTTP and WebSocket alike. */
export const GRAPHQL_PATH = '/graphql';

/** The largest page of any paginated list (`jobs`, `properties`): what a page size in a variable costs. */
const MAX_PAGE_SIZE = Math.max(MAX_JOB_PAGE_SIZE, MAX_PROPERTY_PAGE);

/**
 * Longest wait for the readiness check of `/readyz`, in ms: the check's own
 * database read gives up at `READINESS_TIMEOUT_MS` (2 s) and says why; this
 * bounds a check that would not.
 */
const READINESS_BACKSTOP_MS = READINESS_TIMEOUT_MS + 1_000;

/** The settings {@link createGraphqlServer} uses (a {@link GraphqlConfig} has them all). */
export type GraphqlServerConfig = Pick<
  GraphqlConfig,
  | 'port'
  | 'host'
  | 'isProduction'
  | 'maxRequestBytes'
  | 'maxQueryDepth'
  | 'maxQueryAliases'
  | 'shutdownGraceMs'
  | 'maxQueryCost'
  | 'devMode'
  | 'keyRecheckIntervalMs'
  | 'imagesDir'
  | 'consoleDir'
  | 'maxSubscriptionsPerSocket'
  | 'maxSocketsPerApiKey'
  | 'publicUrl'
  | 'trustedProxies'
  | 'sessionTtlMs'
  | 'corsOrigins'
>;

/** Options of {@link createGraphqlServer}. Services are borrowed: the server never closes them. */
export interface GraphqlServerOptions {
  /** Listening address, limits, production flag. */
  readonly config: GraphqlServerConfig;
  /** Job operations (the `JobService` of `@phx/jobs`). */
  readonly jobService: JobApi;
  /** Live job progress (the `JobProgressFeed` of `@phx/jobs`). */
  readonly progressFeed: JobProgressSource;
  /** Job event logs (the `JobEventFeed` of `@phx/jobs`). */
  readonly eventFeed: JobEventSource;
  /** Pages of jobs and retries (the `JobHistoryService` of `@phx/jobs`). */
  readonly jobHistory: JobHistoryApi;
  /** The properties catalog. */
  readonly catalog: PropertyCatalog;
  /** Recurring extractions (the `ScheduleService` of `@phx/jobs`). */
  readonly scheduleService: ScheduleApi;
  /** Registered worker processes (the `WorkerRegistry` of `@phx/jobs`). */
  readonly workerRegistry: WorkerApi;
  /** Where API keys are checked (a `MongoApiKeyVerifier` on the `api_keys` collection). */
  readonly apiKeys: ApiKeyVerifier;
  /** Where browser sessions live (a `MongoSessionStore` on the `api_sessions` collection). Borrowed. */
  readonly sessions: SessionStore;
  /** Logger; the server logs under `component: 'graphql'`. */
  readonly logger: Logger;
  /**
   * The pino logger of the access log: one line per HTTP request (request id, key id,
   * GraphQL operation, status, ms) under `component: 'http'`. Absent: no access log.
   */
  readonly accessLogger?: PinoLogger;
  /**
   * Photos in GridFS (`PHX_IMAGE_STORE=gridfs`; the `GridFsImageStore` of `@phx/jobs`), served under `/images`.
   * Absent: photos are read from the file store under `config.imagesDir`. Borrowed.
   */
  readonly gridFsImages?: GridFsImageReader;
  /** Readiness check for `/readyz` (a read of the database within `READINESS_TIMEOUT_MS`); rejects, naming why, when not ready. Default: always ready. */
  readonly checkReadiness?: () => Promise<void>;
  /** The Agenda queue shown by Agendash at `/agendash` (admin keys). Absent: `/agendash` answers 404. Borrowed. */
  readonly agenda?: AgendashQueue;
}

/** A GraphQL server: HTTP (queries, mutations) and graphql-ws (subscriptions) on one port. */
export interface GraphqlServer {
  /** `http://host:port/graphql` once started; the WebSocket URL is the same with `ws:`. */
  readonly url: string;
  /**
   * Starts Apollo and listens.
   *
   * @returns the endpoint URL (with the real port when `port` is 0)
   * @throws Error when the port cannot be bound
   */
  start(): Promise<string>;
  /** Stops accepting, drains open requests (up to `shutdownGraceMs`), closes WebSockets. Idempotent. */
  stop(): Promise<void>;
  /**
   * Runs an operation in process, as the HTTP endpoint would (same schema,
   * context, validation, key check and error formatting); starts Apollo if needed.
   *
   * @param request - query, variables, operation name
   * @param authorization - the `Authorization` value to act with (`Bearer <key>`); may be absent only in dev mode
   * @returns Apollo's response
   * @throws AccessError (`UNAUTHENTICATED`) when the key is missing, unknown or revoked
   */
  executeOperation(request: GraphQLRequest, authorization?: string): Promise<GraphQLResponse>;
}

/**
 * Creates the GraphQL server: Apollo Server on Express 5 with a type-graphql
 * schema, graphql-ws on the same HTTP server and path, `/healthz` and
 * `/readyz`, a request size limit and a query depth limit. Nothing listens
 * until `start()`.
 *
 * @param options - configuration, services and logger
 * @returns the server
 * @example
 * ```ts
 * import type { Logger } from '@phx/core';
 * import type { Db } from 'mongodb';
 * import { loadGraphqlConfig } from './config.js';
 * import { createGraphqlServices } from './graphql-services.js';
 * declare const db: Db, logger: Logger;
 * const config = loadGraphqlConfig();
 * const services = await createGraphqlServices({ db, propertiesCsv: config.propertiesCsv, logger });
 * const server = createGraphqlServer({ config, logger, ...services.serverOptions });
 * const url = await server.start(); // http://127.0.0.1:4000/graphql
 * // ...
 * await server.stop();
 * await services.close();
 * ```
 */
export function createGraphqlServer(options: GraphqlServerOptions): GraphqlServer {
  const { config } = options;
  const parts = assemble(options);
  const { app, httpServer, ws, apollo, context } = parts;
  let apolloStarted: Promise<void> | undefined;
  const startApollo = (): Promise<void> => (apolloStarted ??= apollo.start());
  let url: string | undefined;
  let stopped: Promise<void> | undefined;

  return {
    get url(): string {
      if (url === undefined) throw new Error('the GraphQL server has not been started; call start() first');
      return url;
    },
    async start() {
      if (url !== undefined) return url;
      await startApollo();
      if (config.devMode) {
        context.logger.warn(
          { devMode: true },
          'graphql DEV MODE (PHX_API_DEV_MODE): requests WITHOUT an API key are let in AS ADMIN; never run it like this where others can reach it',
        );
      }
      mountRoutes(app, apollo, options, parts);
      url = await listen(httpServer, config.port, config.host);
      parts.ownOrigin.value = ownOriginOf(url);
      return url;
    },
    stop() {
      stopped ??= (async () => {
        if (apolloStarted === undefined) {
          await ws.dispose();
          return;
        }
        await apolloStarted.catch(() => undefined);
        await apollo.stop();
      })();
      return stopped;
    },
    async executeOperation(request, authorization) {
      await startApollo();
      const principal = await parts.guard.authenticate(authorization);
      const requestOrigin = config.publicUrl?.replace(/\/+$/, '') ?? parts.ownOrigin.value;
      return apollo.executeOperation(request, { contextValue: { ...context, principal, requestOrigin } });
    },
  };
}

/** The parts of a server: Express app, HTTP server, graphql-ws endpoint, Apollo, context (less the caller), access, metrics. */
function assemble(options: GraphqlServerOptions) {
  const { config } = options;
  const logger = options.logger.child({ component: 'graphql' });
  const context: Omit<GraphqlContext, 'principal' | 'requestOrigin'> = Object.freeze({
    services: Object.freeze({
      jobs: options.jobService,
      progress: options.progressFeed,
      events: options.eventFeed,
      history: options.jobHistory,
      catalog: options.catalog,
      schedules: options.scheduleService,
      workers: options.workerRegistry,
    }),
    logger,
  });
  const errors: ErrorFormatOptions = { isProduction: config.isProduction, logger };
  const schema = buildGraphqlSchema();
  const validationRules: ValidationRule[] = [
    createMaxDepthRule(config.maxQueryDepth),
    // Reported as a validation error (400), not thrown (which would surface as a 500).
    maxAliasesRule({
      n: config.maxQueryAliases,
      exposeLimits: true,
      propagateOnRejection: false,
      onReject: [(context, error) => context?.reportError(error)],
    }) as unknown as ValidationRule,
    createQueryCostRule({ maxCost: config.maxQueryCost, maxPageSize: MAX_PAGE_SIZE }),
  ];
  const guard = new AccessGuard({ verifier: options.apiKeys, devMode: config.devMode });
  const metrics = new GraphqlMetrics();
  const ownOrigin = { value: `http://${config.host}:${config.port}` };
  const publicOrigin = createPublicOrigin({
    publicUrl: config.publicUrl,
    trustedProxies: config.trustedProxies,
    ownOrigin: () => ownOrigin.value,
  });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const authenticator = new RequestAuthenticator({ guard, sessions: options.sessions, publicOrigin, corsOrigins: config.corsOrigins });
  const access = createWsAccess({
    guard,
    authenticator,
    keyRecheckIntervalMs: config.keyRecheckIntervalMs,
    maxSubscriptionsPerSocket: config.maxSubscriptionsPerSocket,
    maxSocketsPerApiKey: config.maxSocketsPerApiKey,
    logger,
  });
  metrics.countConnectionsWith(() => access.connectionCount);
  const ws = attachGraphqlWs({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    context,
    access: options.accessLogger === undefined ? access : withWsAccessLog(access, options.accessLogger),
    publicOrigin,
    metrics: createWsMetricsHooks(metrics),
    validationRules,
    maxPayloadBytes: config.maxRequestBytes,
    errors,
  });
  const apollo = createApolloServer({
    schema,
    httpServer,
    drainGraceMs: config.shutdownGraceMs,
    validationRules,
    errors,
    onDrain: () => ws.dispose(),
    plugins: [createAccessPlugin(guard), metrics.apolloPlugin()],
  });
  return { app, httpServer, ws, apollo, context, errors, guard, authenticator, metrics, ownOrigin, publicOrigin };
}

/**
 * Mounts `/healthz`, `/readyz` and the playground page (open), then `/metrics`,
 * `/images` (and `photos.zip`), `/agendash` and the GraphQL endpoint (body size-limited), which need an API
 * key, and last the console at `/` (open); Apollo must be started.
 */
function mountRoutes(
  app: Express,
  apollo: ApolloServer<GraphqlContext>,
  options: GraphqlServerOptions,
  parts: ReturnType<typeof assemble>,
): void {
  const { context, errors, metrics, publicOrigin } = parts;
  const requireKey = createRequireApiKey(parts.authenticator, errors);
  if (options.accessLogger !== undefined) app.use(createAccessLogMiddleware({ logger: options.accessLogger, graphqlPath: GRAPHQL_PATH }));
  app.use(
    createHealthRouter({
      checkReadiness: options.checkReadiness ?? (async () => undefined),
      readinessTimeoutMs: READINESS_BACKSTOP_MS,
      exposeReasons: !options.config.isProduction,
      logger: context.logger,
    }),
  );
  app.use(createPlaygroundRouter({ graphqlPath: GRAPHQL_PATH }));
  mountBrowserAccess(app, options.config, parts);
  app.use(createMetricsRouter(metrics, requireKey));
  const source =
    options.gridFsImages === undefined ? createFileImageSource(options.config.imagesDir) : createGridFsImageSource(options.gridFsImages);
  app.use(createPhotosZipRouter({ listPhotos: (id) => options.jobService.listPhotos(id), source, requireKey, logger: context.logger }));
  app.use(createImageRouter({ source, requireKey, logger: context.logger }));
  app.use(createAgendashRouter({ agenda: options.agenda, requireKey }));
  app.use(
    GRAPHQL_PATH,
    requireKey,
    express.json({ limit: options.config.maxRequestBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({ ...context, principal: principalOf(res), requestOrigin: publicOrigin(req) }),
    }),
  );
  app.use(createConsoleRouter({ consoleDir: options.config.consoleDir }));
  app.use(createJsonErrorHandler(context.logger));
}

/**
 * Mounts CORS (for `CORS_ORIGINS` only, with credentials) on the keyed routes
 * and `/session`, and the session routes (sign-in, current session, sign-out).
 */
function mountBrowserAccess(
  app: Express,
  config: GraphqlServerConfig,
  { guard, authenticator, errors }: ReturnType<typeof assemble>,
): void {
  app.use([GRAPHQL_PATH, IMAGES_PATH, METRICS_PATH, SESSION_PATH, AGENDASH_PATH], createCorsMiddleware(config.corsOrigins));
  app.use(createSessionRouter({ guard, authenticator, sessionTtlMs: config.sessionTtlMs, errors }));
}

/** The origin of a listening URL; an unspecified address (`0.0.0.0`, `::`) becomes `localhost`. */
function ownOriginOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0' || parsed.hostname === '[::]') parsed.hostname = 'localhost';
  return parsed.origin;
}

async function listen(httpServer: Server, port: number, host: string): Promise<string> {
  httpServer.listen(port, host);
  await Promise.race([once(httpServer, 'listening'), once(httpServer, 'error').then(([error]) => Promise.reject(error))]);
  const address = httpServer.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostPart}:${address.port}${GRAPHQL_PATH}`;
}

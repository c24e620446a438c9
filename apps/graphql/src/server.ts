import 'reflect-metadata';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApolloServer, GraphQLRequest, GraphQLResponse } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import type { Logger } from '@phx/core';
import express, { type Express } from 'express';
import type { GraphqlConfig } from './config.js';
import type { ErrorFormatOptions } from './errors/graphql-error-mapping.js';
import type { GraphqlContext, JobApi, JobProgressSource, ScheduleApi } from './graphql-context.js';
import { createHealthRouter } from './http/health.routes.js';
import { createJsonErrorHandler } from './http/json-error.handler.js';
import type { PropertyCatalog } from './property/property-catalog.js';
import { buildGraphqlSchema } from './schema.js';
import { createApolloServer } from './transport/apollo.server.js';
import { attachGraphqlWs } from './transport/graphql-ws.server.js';
import { createMaxDepthRule } from './validation/max-depth.rule.js';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { ValidationRule } from 'graphql';

/** The path of the GraphQL endpoint, for HTTP and WebSocket alike. */
export const GRAPHQL_PATH = '/graphql';

/** Longest wait for the readiness check of `/readyz`, in ms. */
const READINESS_TIMEOUT_MS = 2_000;

/** The settings {@link createGraphqlServer} uses (a {@link GraphqlConfig} has them all). */
export type GraphqlServerConfig = Pick<
  GraphqlConfig,
  'port' | 'host' | 'isProduction' | 'maxRequestBytes' | 'maxQueryDepth' | 'maxQueryAliases' | 'shutdownGraceMs'
>;

/** Options of {@link createGraphqlServer}. Services are borrowed: the server never closes them. */
export interface GraphqlServerOptions {
  /** Listening address, limits, production flag. */
  readonly config: GraphqlServerConfig;
  /** Job operations (the `JobService` of `@phx/jobs`). */
  readonly jobService: JobApi;
  /** Live job progress (the `JobProgressFeed` of `@phx/jobs`). */
  readonly progressFeed: JobProgressSource;
  /** The properties catalog. */
  readonly catalog: PropertyCatalog;
  /** Recurring extractions (the `ScheduleService` of `@phx/jobs`). */
  readonly scheduleService: ScheduleApi;
  /** Logger; the server logs under `component: 'graphql'`. */
  readonly logger: Logger;
  /** Readiness check for `/readyz` (ping the database); rejects when not ready. Default: always ready. */
  readonly checkReadiness?: () => Promise<void>;
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
   * context, validation and error formatting); starts Apollo if needed.
   *
   * @param request - query, variables, operation name
   * @returns Apollo's response
   */
  executeOperation(request: GraphQLRequest): Promise<GraphQLResponse>;
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
 * const server = createGraphqlServer({ config, jobService, progressFeed, catalog, scheduleService, logger });
 * const url = await server.start(); // http://127.0.0.1:4000/graphql
 * // ...
 * await server.stop();
 * ```
 */
export function createGraphqlServer(options: GraphqlServerOptions): GraphqlServer {
  const { config } = options;
  const { app, httpServer, ws, apollo, context } = assemble(options);
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
      mountRoutes(app, apollo, options, context);
      url = await listen(httpServer, config.port, config.host);
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
    async executeOperation(request) {
      await startApollo();
      return apollo.executeOperation(request, { contextValue: context });
    },
  };
}

/** The parts of a server: Express app, HTTP server, graphql-ws endpoint, Apollo, context. */
function assemble(options: GraphqlServerOptions) {
  const { config } = options;
  const logger = options.logger.child({ component: 'graphql' });
  const context: GraphqlContext = Object.freeze({
    services: Object.freeze({
      jobs: options.jobService,
      progress: options.progressFeed,
      catalog: options.catalog,
      schedules: options.scheduleService,
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
  ];
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const ws = attachGraphqlWs({
    httpServer,
    path: GRAPHQL_PATH,
    schema,
    context,
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
  });
  return { app, httpServer, ws, apollo, context };
}

/** Mounts `/healthz`, `/readyz` and the GraphQL endpoint (body size-limited); Apollo must be started. */
function mountRoutes(
  app: Express,
  apollo: ApolloServer<GraphqlContext>,
  options: GraphqlServerOptions,
  context: GraphqlContext,
): void {
  app.use(
    createHealthRouter({
      checkReadiness: options.checkReadiness ?? (async () => undefined),
      readinessTimeoutMs: READINESS_TIMEOUT_MS,
      exposeReasons: !options.config.isProduction,
      logger: context.logger,
    }),
  );
  app.use(
    GRAPHQL_PATH,
    express.json({ limit: options.config.maxRequestBytes }),
    expressMiddleware(apollo, { context: async () => context }),
  );
  app.use(createJsonErrorHandler(context.logger));
}

async function listen(httpServer: Server, port: number, host: string): Promise<string> {
  httpServer.listen(port, host);
  await Promise.race([once(httpServer, 'listening'), once(httpServer, 'error').then(([error]) => Promise.reject(error))]);
  const address = httpServer.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${hostPart}:${address.port}${GRAPHQL_PATH}`;
}

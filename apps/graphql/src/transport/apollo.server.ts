import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { Logger } from '@phx/core';
import type { GraphQLSchema, ValidationRule } from 'graphql';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  formatGraphqlError,
  GRAPHQL_ERROR_CODES,
  type ErrorFormatOptions,
} from '../errors/graphql-error-mapping.js';
import type { GraphqlContext } from '../graphql-context.js';

/** Options of {@link createApolloServer}. */
export interface ApolloServerOptions {
  /** The schema. */
  readonly schema: GraphQLSchema;
  /** The HTTP server Apollo drains on `stop()`. */
  readonly httpServer: Server;
  /** How long draining waits for open requests, in ms. */
  readonly drainGraceMs: number;
  /** Rules run after GraphQL's own (the depth limit). */
  readonly validationRules: readonly ValidationRule[];
  /** Error formatting; in production also no introspection and no stack traces. */
  readonly errors: ErrorFormatOptions;
  /** Runs while Apollo drains, beside the HTTP drain (closes graphql-ws). */
  readonly onDrain: () => Promise<void>;
  /** More plugins (the API key role check, metrics), run after the built-in ones. */
  readonly plugins: readonly ApolloServerPlugin<GraphqlContext>[];
}

/**
 * Makes the Apollo Server: CSRF prevention on, introspection on (the schema
 * is public, checked in as `schema.graphql`), stack traces only outside production, errors formatted by the one mapping module, the
 * HTTP server drained and `onDrain` run on `stop()`, HTTP 503 for a response
 * whose every error is `SERVICE_UNAVAILABLE`. It never installs
 * signal handlers; `main.ts` owns those.
 *
 * @param options - schema, HTTP server, rules, error formatting
 * @returns the (not started) Apollo Server
 */
export function createApolloServer(options: ApolloServerOptions): ApolloServer<GraphqlContext> {
  const { isProduction, logger } = options.errors;
  return new ApolloServer<GraphqlContext>({
    schema: options.schema,
    validationRules: [...options.validationRules],
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: !isProduction,
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => formatGraphqlError(formatted, error, options.errors),
    logger: toApolloLogger(logger),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.drainGraceMs }),
      runOnDrain(options.onDrain),
      databaseOutageStatus(),
      ...options.plugins,
    ],
  });
}

function runOnDrain(onDrain: () => Promise<void>): ApolloServerPlugin<GraphqlContext> {
  return {
    async serverWillStart() {
      return { drainServer: onDrain };
    },
  };
}

/**
 * Answers HTTP 503 with `Retry-After` when every error of a response is
 * `SERVICE_UNAVAILABLE` (the database did not answer a resolver), as the key
 * check does for an outage; errors are formatted by then.
 */
function databaseOutageStatus(): ApolloServerPlugin<GraphqlContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          if (errors === undefined || errors.length === 0) return;
          if (!errors.every((e) => e.extensions?.['code'] === GRAPHQL_ERROR_CODES.SERVICE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

function toApolloLogger(logger: Logger): ApolloServer['logger'] {
  const text = (message: unknown): string => (message instanceof Error ? message.message : String(message));
  return {
    debug: (message) => logger.debug({ source: 'apollo' }, text(message)),
    info: (message) => logger.info({ source: 'apollo' }, text(message)),
    warn: (message) => logger.warn({ source: 'apollo' }, text(message)),
    error: (message) => logger.error({ source: 'apollo' }, text(message)),
  };
}

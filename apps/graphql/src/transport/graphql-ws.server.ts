import type { IncomingMessage, Server } from 'node:http';
import { specifiedRules, validate, type FormattedExecutionResult, type GraphQLSchema, type ValidationRule } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { WsAccess, WsContext } from '../auth/ws-access.js';
import { formatGraphqlErrors, type ErrorFormatOptions } from '../errors/graphql-error-mapping.js';
import type { GraphqlContext } from '../graphql-context.js';
import type { WsMetricsHooks } from '../metrics/ws-metrics.hooks.js';

/** Options of {@link attachGraphqlWs}. */
export interface GraphqlWsOptions {
  /** The HTTP server whose upgrade requests on `path` become graphql-ws connections. */
  readonly httpServer: Server;
  /** The endpoint path, e.g. `/graphql`. */
  readonly path: string;
  /** The schema. */
  readonly schema: GraphQLSchema;
  /** The context of every operation, less what each connection adds (the caller from `access`, the link base from `publicOrigin`). */
  readonly context: Omit<GraphqlContext, 'principal' | 'requestOrigin'>;
  /** API key checks: `connection_init`, each operation's role, revocation. */
  readonly access: WsAccess;
  /** The public base of links for a connection's upgrade request (see `createPublicOrigin`). */
  readonly publicOrigin: (request: IncomingMessage) => string;
  /** Operation counts and the open-subscription gauge. */
  readonly metrics: WsMetricsHooks;
  /** Rules run after GraphQL's own (the depth limit). */
  readonly validationRules: readonly ValidationRule[];
  /** Largest accepted message in bytes; a bigger one closes the socket (code 1009). */
  readonly maxPayloadBytes: number;
  /** Error formatting (the same as over HTTP). */
  readonly errors: ErrorFormatOptions;
}

/** A running graphql-ws endpoint. */
export interface GraphqlWsEndpoint {
  /** Completes every subscription, closes every socket and the WebSocket server. */
  dispose(): Promise<void>;
}

/**
 * Serves the graphql-ws protocol on the HTTP server's port and path, with
 * the same validation rules and error formatting as the HTTP endpoint, the
 * API key checks of `access` and the metrics hooks.
 *
 * @param options - server, path, schema, context, limits
 * @returns the endpoint; `dispose()` it on shutdown
 */
export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsEndpoint {
  const wsServer = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxPayloadBytes,
  });
  const rules = [...specifiedRules, ...options.validationRules];
  const cleanup = useServer(
    {
      schema: options.schema,
      context: (ctx: WsContext): GraphqlContext => ({
        ...options.context,
        principal: options.access.principalOf(ctx),
        requestOrigin: options.publicOrigin(ctx.extra.request),
      }),
      onConnect: (ctx: WsContext) => options.access.onConnect(ctx),
      onSubscribe: (ctx: WsContext, id, payload) => {
        options.metrics.onSubscribe(ctx, id);
        return options.access.onSubscribe(ctx, id, payload);
      },
      onOperation: (ctx: WsContext, id, _payload, args, result) => {
        options.metrics.onOperation(ctx, id, args, result);
        return undefined;
      },
      onComplete: (ctx: WsContext, id) => options.metrics.onComplete(ctx, id),
      onClose: (ctx: WsContext) => options.access.onClose(ctx),
      validate: (schema: GraphQLSchema, document) => validate(schema, document, rules),
      onNext: (_ctx, _id, _payload, _args, result): FormattedExecutionResult | undefined => {
        if (result.errors === undefined) return undefined;
        return {
          ...(result.data === undefined ? {} : { data: result.data }),
          ...(result.extensions === undefined ? {} : { extensions: result.extensions }),
          errors: formatGraphqlErrors(result.errors, options.errors),
        };
      },
      onError: (_ctx, _id, _payload, errors) => formatGraphqlErrors(errors, options.errors),
      isProd: options.errors.isProduction,
    },
    wsServer,
  );
  // A WebSocketServer on an HTTP server only re-emits that server's errors. Before it listens (a port in use, a host that
  // does not resolve) the server's start reports them; later ones are logged once here. graphql-ws's own listener would
  // print each with a stack trace.
  wsServer.removeAllListeners('error');
  wsServer.on('error', (error: Error) => {
    if (options.httpServer.listening) options.context.logger.warn({ err: error.message }, 'HTTP server error');
  });
  return {
    dispose: async () => {
      options.access.dispose();
      await cleanup.dispose();
    },
  };
}

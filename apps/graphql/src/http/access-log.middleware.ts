import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { getOperationAST, parse } from 'graphql';
import type { Logger as PinoLogger, LevelWithSilent } from 'pino';
import { pinoHttp } from 'pino-http';
import { findPrincipal } from '../auth/http-access.middleware.js';

/** The response (and accepted request) header that carries the request id. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** An incoming request id is kept when it is 1-128 of these characters (a UUID, a trace id, base64); anything else is replaced. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:+=/-]{1,128}$/;

/** Routes probed by supervisors and scrapers every few seconds: their successes are logged at `debug`. */
const QUIET_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

/** Most tokens read from a GraphQL document to name its operation in the log (Apollo enforces its own limits). */
const MAX_DOCUMENT_TOKENS = 10_000;

/** Options of {@link createAccessLogMiddleware}. */
export interface AccessLogOptions {
  /** The pino logger the access lines are written with (a child with `component: 'http'` is made). */
  readonly logger: PinoLogger;
  /** The path of the GraphQL endpoint, whose requests also log their operation (e.g. `/graphql`). */
  readonly graphqlPath: string;
}

/** The fields of one access-log line besides pino's own (`level`, `time`, `msg`) and the `reqId` binding. */
export interface AccessLogFields {
  /** HTTP method. */
  readonly method: string;
  /** The request path, without its query string (which may carry a GraphQL document or a token). */
  readonly path: string;
  /** The response's HTTP status. */
  readonly status: number;
  /** Time from receipt to the end of the response, in ms. */
  readonly responseTimeMs: number;
  /** The id (never the secret) of the API key the request was let in with, directly or through its browser session. */
  readonly keyId?: string;
  /** The GraphQL operation's name (requests to the GraphQL endpoint with a readable document). */
  readonly operationName?: string;
  /** `query`, `mutation` or `subscription` (requests to the GraphQL endpoint with a readable document). */
  readonly operationType?: string;
}

/**
 * Makes the access log: one pino line per HTTP request once its response is
 * finished (or the client went away), with the request id, method, path,
 * status, response time in ms, the API key id and, for the GraphQL endpoint,
 * the operation's name and type. The request id is the incoming
 * `X-Request-Id` when it is 1-128 URL-safe characters, else a new UUID; it is
 * echoed in the response's `X-Request-Id` and bound as `reqId` to `req.log`.
 * No header, cookie, query string or body is logged. Successes on `/healthz`,
 * `/readyz` and `/metrics` are logged at `debug`; 5xx answers at `error`;
 * the rest at `info`. Mount it before every route.
 *
 * @param options - the logger and the GraphQL path
 * @returns the Express middleware
 */
export function createAccessLogMiddleware(options: AccessLogOptions): RequestHandler {
  const fields = (req: IncomingMessage, res: ServerResponse, responseTimeMs: number): AccessLogFields =>
    accessLogFields(req as Request, res as Response, responseTimeMs, options.graphqlPath);
  return pinoHttp({
    logger: options.logger.child({ component: 'http' }),
    genReqId: (req, res) => {
      const id = requestIdOf(req);
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    quietReqLogger: true,
    quietResLogger: true,
    // Only what the line below carries: the default serializers would log every header, Authorization and cookies too.
    serializers: {
      req: (req: { method?: string }) => ({ method: req.method }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
    },
    customLogLevel: (req, res, error): LevelWithSilent => {
      if (error !== undefined || res.statusCode >= 500) return 'error';
      return QUIET_PATHS.has(pathOf(req)) ? 'debug' : 'info';
    },
    customSuccessObject: (req, res, value: { responseTime: number }) => fields(req, res, value.responseTime),
    customErrorObject: (req, res, error, value: { responseTime: number }) => ({
      ...fields(req, res, value.responseTime),
      error: error.message,
    }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  }) as unknown as RequestHandler;
}

function accessLogFields(req: Request, res: Response, responseTimeMs: number, graphqlPath: string): AccessLogFields {
  const path = pathOf(req);
  const keyId = findPrincipal(res)?.keyId;
  return {
    method: req.method,
    path,
    status: res.statusCode,
    responseTimeMs,
    ...(keyId === undefined ? {} : { keyId }),
    ...(path === graphqlPath ? graphqlOperationOf(req) : {}),
  };
}

/** The request's path without the query string (`originalUrl`: Express strips mount paths from `url`). */
function pathOf(req: IncomingMessage): string {
  const url = (req as Partial<Request>).originalUrl ?? req.url ?? '';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/**
 * The id of a request (or of a WebSocket's upgrade request): its `X-Request-Id`
 * when that is 1-128 URL-safe characters, else a new UUID.
 *
 * @param req - the incoming request
 * @returns the id
 */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** The parsed JSON body (POST) or the query string (GET) of a GraphQL request; nothing before its body was read. */
function graphqlOperationOf(req: Request): Pick<AccessLogFields, 'operationName' | 'operationType'> {
  const params: unknown = req.method === 'GET' ? req.query : req.body;
  if (typeof params !== 'object' || params === null) return {};
  const { query, operationName } = params as { query?: unknown; operationName?: unknown };
  return describeGraphqlOperation(query, operationName);
}

/**
 * The name and type of the operation a GraphQL request asks for: the
 * requested name, else the operation's own; the type when the document parses.
 *
 * @param query - the request's `query` (a GraphQL document, or anything a client sent)
 * @param operationName - the request's `operationName`
 * @returns what could be read; `{}` when nothing
 */
export function describeGraphqlOperation(query: unknown, operationName: unknown): Pick<AccessLogFields, 'operationName' | 'operationType'> {
  const requestedName = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  const named = requestedName === undefined ? {} : { operationName: requestedName };
  if (typeof query !== 'string') return named;
  try {
    const operation = getOperationAST(parse(query, { noLocation: true, maxTokens: MAX_DOCUMENT_TOKENS }), requestedName);
    if (operation === null || operation === undefined) return named;
    const name = requestedName ?? operation.name?.value;
    return { ...(name === undefined ? {} : { operationName: name }), operationType: operation.operation };
  } catch {
    return named;
  }
}

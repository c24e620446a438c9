import type { Logger } from '@phx/core';
import { CoreError, InvalidInputError, NotFoundError } from '@phx/core';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseConnectionError } from '@phx/jobs';

/** The `extensions.code` values this API sends. Stable: clients switch on them. */
export const GRAPHQL_ERROR_CODES = Object.freeze({
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** The database did not answer (down, restarting, unreachable): retry later. */
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const);

/** The message of {@link GRAPHQL_ERROR_CODES}.SERVICE_UNAVAILABLE. */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is not reachable right now; try again shortly.';

/** One of {@link GRAPHQL_ERROR_CODES}. */
export type GraphqlErrorCode = (typeof GRAPHQL_ERROR_CODES)[keyof typeof GRAPHQL_ERROR_CODES];

/**
 * Domain (`CoreError.code`) to GraphQL (`extensions.code`). A code missing
 * here is an error the client cannot fix: INTERNAL_SERVER_ERROR.
 */
const CODE_BY_DOMAIN_CODE: Readonly<Record<string, GraphqlErrorCode>> = Object.freeze({
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  JOB_ALREADY_FINISHED: 'CONFLICT',
  SCHEDULE_NAME_TAKEN: 'CONFLICT',
  JOB_NOT_FINISHED: 'CONFLICT',
  NO_FAILED_PROPERTIES: 'CONFLICT',
  PROPERTY_IN_USE: 'CONFLICT',
  LISTING_ID_TAKEN: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
});

/** The message clients see for an unexpected error in production. */
export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** How errors are formatted. */
export interface ErrorFormatOptions {
  /** In production unexpected errors show only {@link INTERNAL_ERROR_MESSAGE} and no stack trace leaves the server. */
  readonly isProduction: boolean;
  /** Where unexpected errors are logged, with their stack. */
  readonly logger: Logger;
}

/**
 * The one place domain errors become GraphQL errors: formats an error for a
 * client, over HTTP (Apollo's `formatError`) and over graphql-ws alike.
 *
 * - `InvalidInputError` -> `BAD_USER_INPUT` with `extensions.issues` (each bad value named);
 * - `NotFoundError` -> `NOT_FOUND` with `extensions.entity` and `extensions.id`;
 * - a `CoreError` with code `JOB_ALREADY_FINISHED`, `SCHEDULE_NAME_TAKEN`, `JOB_NOT_FINISHED`,
 *   `NO_FAILED_PROPERTIES`, `PROPERTY_IN_USE` or `LISTING_ID_TAKEN` -> `CONFLICT` with `extensions.reason`;
 * - an `AccessError` (the API key check) -> `UNAUTHENTICATED` or `FORBIDDEN`;
 * - any other `CoreError` -> `INTERNAL_SERVER_ERROR` with `extensions.reason` = its code;
 * - errors GraphQL itself raised (parse, validation, variables) keep their
 *   code, or get `GRAPHQL_VALIDATION_FAILED` when they have none;
 * - the driver's `MongoServerSelectionError` / `MongoNetworkError` -> `SERVICE_UNAVAILABLE`
 *   with {@link DATABASE_UNAVAILABLE_MESSAGE} (logged as a warning);
 * - anything else -> `INTERNAL_SERVER_ERROR`, logged with its stack; in
 *   production its message is replaced by {@link INTERNAL_ERROR_MESSAGE}.
 *
 * Stack traces (`extensions.stacktrace`) pass through only outside production.
 *
 * @param formatted - the error as GraphQL/Apollo formatted it
 * @param error - the error as thrown (a `GraphQLError` wrapping the original, or the original)
 * @param options - production flag and logger
 * @returns the error to send
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, options: ErrorFormatOptions): GraphQLFormattedError {
  const original = unwrapOriginalError(error);
  const base = withoutStacktrace(formatted, options.isProduction);
  if (original instanceof CoreError) {
    const code = CODE_BY_DOMAIN_CODE[original.code] ?? GRAPHQL_ERROR_CODES.INTERNAL_SERVER_ERROR;
    if (code === GRAPHQL_ERROR_CODES.INTERNAL_SERVER_ERROR) {
      options.logger.error({ err: original, code: original.code }, 'graphql domain error without a client code');
    }
    return {
      ...base,
      message: original.message,
      extensions: { ...base.extensions, ...domainExtensions(original), code },
    };
  }
  if (original === undefined) {
    // Raised by GraphQL or Apollo about the request itself (syntax, validation, variables): keep their code.
    const code = typeof base.extensions?.['code'] === 'string' ? base.extensions['code'] : GRAPHQL_ERROR_CODES.GRAPHQL_VALIDATION_FAILED;
    return { ...base, extensions: { ...base.extensions, code } };
  }
  if (isDatabaseUnavailableError(original)) {
    options.logger.warn({ err: original }, 'graphql request failed: database unreachable');
    return { ...base, message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: GRAPHQL_ERROR_CODES.SERVICE_UNAVAILABLE } };
  }
  options.logger.error({ err: original }, 'graphql unexpected error');
  return {
    ...base,
    message: options.isProduction ? INTERNAL_ERROR_MESSAGE : base.message,
    extensions: { ...base.extensions, code: GRAPHQL_ERROR_CODES.INTERNAL_SERVER_ERROR },
  };
}

/**
 * Tells whether an error means the database did not answer (down,
 * restarting, unreachable): the jobs package's `isDatabaseConnectionError`,
 * the one rule the worker also retries by (the driver's
 * `MongoServerSelectionError` or `MongoNetworkError`, timeouts included, also
 * as a `cause`, or a `RetryableWriteError`). Such errors answer
 * `SERVICE_UNAVAILABLE`: HTTP 503, WebSocket close {@link WS_TRY_AGAIN_LATER_CLOSE_CODE}.
 *
 * @param error - anything thrown
 * @returns `true` for a database outage
 */
export function isDatabaseUnavailableError(error: unknown): boolean {
  return isDatabaseConnectionError(error);
}

/** WebSocket close code for "try again later" (RFC 6455 registry): a connection refused while the database is down. */
export const WS_TRY_AGAIN_LATER_CLOSE_CODE = 1013;

/** Seconds a client is told to wait (`Retry-After`) after a 503 for a database outage. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/**
 * Formats `GraphQLError`s the way {@link formatGraphqlError} does, for
 * transports that hand over the errors themselves (graphql-ws).
 *
 * @param errors - the errors of a result or a failed subscribe
 * @param options - production flag and logger
 * @returns the errors to send
 */
export function formatGraphqlErrors(errors: readonly GraphQLError[], options: ErrorFormatOptions): GraphQLFormattedError[] {
  return errors.map((error) => formatGraphqlError(error.toJSON(), error, options));
}

/**
 * Follows `originalError` out of GraphQL's and Apollo's wrappers to what a
 * resolver threw; `undefined` when the chain ends in a `GraphQLError` (GraphQL
 * or Apollo raised it about the request itself).
 */
function unwrapOriginalError(error: unknown): unknown {
  let current: unknown = error;
  while (isGraphQLError(current)) {
    const next: unknown = current.originalError;
    if (next === undefined || next === null) return undefined;
    current = next;
  }
  return current;
}

/** `instanceof`, or the shape, for a GraphQLError from another copy of `graphql`. */
function isGraphQLError(value: unknown): value is GraphQLError {
  return (
    value instanceof GraphQLError || (value instanceof Error && 'extensions' in value && 'originalError' in value && 'locations' in value)
  );
}

function domainExtensions(error: CoreError): Record<string, unknown> {
  if (error instanceof InvalidInputError) return { issues: error.issues.map((i) => ({ path: i.path, message: i.message })) };
  if (error instanceof NotFoundError) return { entity: error.entity, id: error.id };
  return { reason: error.code };
}

function withoutStacktrace(formatted: GraphQLFormattedError, isProduction: boolean): GraphQLFormattedError {
  if (!isProduction || formatted.extensions?.['stacktrace'] === undefined) return formatted;
  const extensions = Object.fromEntries(Object.entries(formatted.extensions).filter(([key]) => key !== 'stacktrace'));
  return { ...formatted, extensions };
}

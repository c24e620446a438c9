import type { Logger } from '@phx/core';
import type { ErrorRequestHandler } from 'express';

/**
 * Express error handler for failures before GraphQL runs (a body over the
 * size limit, malformed JSON): answers a GraphQL-shaped JSON error with the
 * HTTP status the body parser chose, never an HTML page or a stack trace.
 *
 * @param logger - logs unexpected (5xx) failures
 * @returns the Express error middleware
 */
export function createJsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
    const httpStatus = typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
    const code = type === 'entity.too.large' ? 'PAYLOAD_TOO_LARGE' : httpStatus < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    const message =
      code === 'PAYLOAD_TOO_LARGE'
        ? 'Request body is larger than the server accepts'
        : httpStatus < 500 && error instanceof Error
          ? error.message
          : 'Internal server error';
    if (httpStatus >= 500) logger.error({ err: error }, 'graphql http failure');
    res.status(httpStatus).json({ errors: [{ message, extensions: { code } }] });
  };
}

import type { NextFunction, RequestHandler, Response } from 'express';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_MESSAGE,
  formatGraphqlError,
  isDatabaseUnavailableError,
  type ErrorFormatOptions,
} from '../errors/graphql-error-mapping.js';
import { AccessError } from './access-error.js';
import type { ApiPrincipal } from './api-key.js';
import type { RequestAuthenticator } from './request-authenticator.js';

const PRINCIPAL_LOCAL = 'phxPrincipal';

/**
 * Makes the Express middleware that lets only requests with a valid
 * credential through — an API key (`Authorization: Bearer <key>`), else the
 * `phx_session` cookie from a page of an allowed origin (see
 * {@link RequestAuthenticator}) — and remembers who they are for
 * {@link principalOf}. Any other request gets 401 (403 for the cookie from a
 * foreign origin) with a GraphQL-shaped JSON error (`extensions.code`
 * `UNAUTHENTICATED` or `FORBIDDEN`, formatted by the error mapping module)
 * and `WWW-Authenticate: Bearer`. In dev mode a request without a
 * credential passes as an admin. While the database is down (the key cannot
 * be checked) it answers 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`.
 *
 * @param authenticator - reads the request's credentials
 * @param errors - error formatting (production flag, logger)
 * @returns the middleware
 */
export function createRequireApiKey(authenticator: RequestAuthenticator, errors: ErrorFormatOptions): RequestHandler {
  return (req, res, next) => {
    authenticator.authenticate(req, req.get('authorization')).then(
      ({ principal }) => {
        res.locals[PRINCIPAL_LOCAL] = principal;
        next();
      },
      (error: unknown) => sendAccessFailure(res, next, error, errors),
    );
  };
}

/**
 * Answers a failed credential check: 503 `SERVICE_UNAVAILABLE` (with
 * `Retry-After`) when the database could not be read, 401 or 403 with the
 * {@link AccessError}'s code and `WWW-Authenticate: Bearer`; any other error
 * goes to Express's error handler.
 *
 * @param res - the response to answer on
 * @param next - Express's `next`, for unexpected errors
 * @param error - what the check threw
 * @param errors - error formatting (production flag, logger)
 */
export function sendAccessFailure(res: Response, next: NextFunction, error: unknown, errors: ErrorFormatOptions): void {
  if (isDatabaseUnavailableError(error)) {
    // The key could not be checked: the database is down, not the key wrong.
    res
      .status(503)
      .set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS))
      .set('cache-control', 'no-store')
      .json({ errors: [formatGraphqlError({ message: DATABASE_UNAVAILABLE_MESSAGE }, error, errors)] });
    return;
  }
  if (!(error instanceof AccessError)) {
    next(error);
    return;
  }
  res
    .status(error.httpStatus)
    .set('www-authenticate', 'Bearer')
    .set('cache-control', 'no-store')
    .json({ errors: [formatGraphqlError({ message: error.message }, error, errors)] });
}

/**
 * The principal {@link createRequireApiKey} found for this request. Mount
 * that middleware first: without it this throws (a wiring mistake, not a
 * request's).
 *
 * @param res - the Express response of a request that passed the middleware
 * @returns who is calling
 */
export function principalOf(res: Response): ApiPrincipal {
  const principal = findPrincipal(res);
  if (principal === undefined) throw new Error('no API key principal on this request: mount createRequireApiKey first');
  return principal;
}

/**
 * The principal {@link createRequireApiKey} found for this request, if it ran and let the request through.
 *
 * @param res - the Express response of any request
 * @returns who is calling, or `undefined` (an open route, or a refused credential)
 */
export function findPrincipal(res: Response): ApiPrincipal | undefined {
  return res.locals[PRINCIPAL_LOCAL] as ApiPrincipal | undefined;
}

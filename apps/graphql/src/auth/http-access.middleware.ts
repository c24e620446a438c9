import type { RequestHandler, Response } from 'express';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE_MESSAGE,
  formatGraphqlError,
  isDatabaseUnavailableError,
  type ErrorFormatOptions,
} from '../errors/graphql-error-mapping.js';
import { AccessError } from './access-error.js';
import type { AccessGuard } from './access-guard.js';
import type { ApiPrincipal } from './api-key.js';

const PRINCIPAL_LOCAL = 'phxPrincipal';

/**
 * Makes the Express middleware that lets only requests with a valid API key
 * (`Authorization: Bearer <key>`) through, and remembers who they are for
 * {@link principalOf}. Any other request gets 401 with a GraphQL-shaped JSON
 * error (`extensions.code` `UNAUTHENTICATED`, formatted by the error mapping
 * module) and `WWW-Authenticate: Bearer`. In dev mode a request without a
 * key passes as an admin. While the database is down (the key cannot be
 * checked) it answers 503 `SERVICE_UNAVAILABLE` with `Retry-After: 1`.
 *
 * @param guard - the access rules
 * @param errors - error formatting (production flag, logger)
 * @returns the middleware
 */
export function createRequireApiKey(guard: AccessGuard, errors: ErrorFormatOptions): RequestHandler {
  return (req, res, next) => {
    guard.authenticate(req.get('authorization')).then(
      (principal) => {
        res.locals[PRINCIPAL_LOCAL] = principal;
        next();
      },
      (error: unknown) => {
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
      },
    );
  };
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
  const principal = res.locals[PRINCIPAL_LOCAL] as ApiPrincipal | undefined;
  if (principal === undefined) throw new Error('no API key principal on this request: mount createRequireApiKey first');
  return principal;
}

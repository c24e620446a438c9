import express, { Router, type ErrorRequestHandler, type Response } from 'express';
import type { ErrorFormatOptions } from '../errors/graphql-error-mapping.js';
import { AccessError } from './access-error.js';
import type { AccessGuard } from './access-guard.js';
import type { ApiPrincipal } from './api-key.js';
import { sendJsonRefusal } from '../http/json-refusal.js';
import { sendAccessFailure } from './http-access.middleware.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { clearedSessionCookie, sessionCookie, sessionTokenOf } from './session-cookie.js';

/** The path of sign-in (POST), the current session (GET) and sign-out (DELETE). */
export const SESSION_PATH = '/session';

/** Largest accepted sign-in body in bytes: `{"apiKey":"…"}` is far smaller. */
const MAX_SIGN_IN_BYTES = 4_096;

/** Options of {@link createSessionRouter}. */
export interface SessionRouterOptions {
  /** Checks the API key of a sign-in. Borrowed. */
  readonly guard: AccessGuard;
  /** Reads the session cookie and the origin; holds the session store. Borrowed. */
  readonly authenticator: RequestAuthenticator;
  /** Session lifetime in ms (`SESSION_TTL_MS`). */
  readonly sessionTtlMs: number;
  /** Error formatting (production flag, logger). */
  readonly errors: ErrorFormatOptions;
}

/** What the session routes answer: the principal, as JSON. */
interface PrincipalBody {
  readonly keyId: string;
  readonly name: string;
  readonly role: ApiPrincipal['role'];
}

/**
 * Makes the browser session routes:
 * - `POST /session` with JSON `{"apiKey":"<key>"}`: checks the key and
 *   answers 200 `{keyId, name, role}` with `Set-Cookie: phx_session=…`
 *   (HttpOnly, SameSite=Strict, Path=/, Secure over https); a bad key 401
 *   `UNAUTHENTICATED`; a body that is not JSON or lacks `apiKey` 400
 *   `BAD_USER_INPUT` naming `apiKey`.
 * - `GET /session`: 200 `{keyId, name, role}` for a live session whose key is
 *   still valid, else 401 (and the stale cookie cleared).
 * - `DELETE /session`: deletes the session server-side, clears the cookie, 204.
 *
 * POST and DELETE refuse (403 `FORBIDDEN`) an `Origin` that is neither the
 * server's nor one of `CORS_ORIGINS`; GET applies the session cookie's origin
 * rule of {@link RequestAuthenticator}. Every answer is `Cache-Control: no-store`.
 *
 * @param options - key rules, authenticator, session lifetime, error formatting
 * @returns an Express router
 */
export function createSessionRouter(options: SessionRouterOptions): Router {
  const { authenticator, errors } = options;
  const router = Router();
  router.post(SESSION_PATH, express.json({ limit: MAX_SIGN_IN_BYTES }), async (req, res, next) => {
    res.set('cache-control', 'no-store');
    try {
      authenticator.assertSentOrigin(req);
      const body: unknown = req.body;
      const apiKey = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['apiKey'] : undefined;
      if (typeof apiKey !== 'string' || !/^\S+$/.test(apiKey)) {
        badInput(
          res,
          apiKey === undefined
            ? 'apiKey is missing: send the JSON body {"apiKey":"<key>"} with Content-Type: application/json'
            : 'apiKey must be a non-empty string without spaces: the API key as `npm run apikey -- create` printed it',
        );
        return;
      }
      const principal = await options.guard.authenticate(`Bearer ${apiKey}`);
      const { token } = await authenticator.sessions.open(principal.keyId, options.sessionTtlMs);
      res
        .status(200)
        .set('set-cookie', sessionCookie(token, authenticator.isSecure(req)))
        .json(principalBody(principal));
    } catch (error) {
      sendAccessFailure(res, next, error, errors);
    }
  });
  router.get(SESSION_PATH, async (req, res, next) => {
    res.set('cache-control', 'no-store');
    const token = sessionTokenOf(req);
    try {
      if (token === undefined)
        throw new AccessError('UNAUTHENTICATED', 'Not signed in: POST /session with {"apiKey":"<key>"}', 'Not signed in');
      authenticator.assertCookieOrigin(req);
      res.status(200).json(principalBody(await authenticator.principalOfSession(token)));
    } catch (error) {
      if (error instanceof AccessError && error.code === 'UNAUTHENTICATED') {
        res.set('set-cookie', clearedSessionCookie(authenticator.isSecure(req)));
      }
      sendAccessFailure(res, next, error, errors);
    }
  });
  router.delete(SESSION_PATH, async (req, res, next) => {
    res.set('cache-control', 'no-store');
    try {
      authenticator.assertSentOrigin(req);
      const token = sessionTokenOf(req);
      if (token !== undefined) await authenticator.sessions.close(token);
      res
        .status(204)
        .set('set-cookie', clearedSessionCookie(authenticator.isSecure(req)))
        .end();
    } catch (error) {
      sendAccessFailure(res, next, error, errors);
    }
  });
  router.use(SESSION_PATH, signInBodyErrors);
  return router;
}

/** A sign-in body the JSON parser refused (malformed, too large): 400 or 413 naming what to send. */
const signInBodyErrors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  const { status, type } = (error ?? {}) as { status?: unknown; type?: unknown };
  if (res.headersSent || typeof status !== 'number' || status >= 500) {
    next(error);
    return;
  }
  if (type === 'entity.too.large') {
    sendJsonRefusal(res, 413, 'PAYLOAD_TOO_LARGE', 'The sign-in body is too large');
    return;
  }
  res.set('cache-control', 'no-store');
  badInput(res, 'The body is not valid JSON: send {"apiKey":"<key>"} with Content-Type: application/json');
};

function badInput(res: Response, message: string): void {
  res.status(400).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'apiKey', message }] } }] });
}

function principalBody(principal: ApiPrincipal): PrincipalBody {
  return { keyId: principal.keyId, name: principal.name, role: principal.role };
}

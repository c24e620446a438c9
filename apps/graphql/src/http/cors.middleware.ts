import cors from 'cors';
import type { RequestHandler } from 'express';

/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Makes the CORS middleware (the `cors` package) of the keyed routes and
 * `/session`: a request or preflight from one of `origins` gets
 * `Access-Control-Allow-Origin: <its origin>` with
 * `Access-Control-Allow-Credentials: true` (so the session cookie may be
 * sent); any other origin gets no CORS header at all, and the browser keeps
 * the response from its page. Same-origin requests need none.
 *
 * @param origins - `CORS_ORIGINS`, as browsers send `Origin` (`https://host[:port]`); empty: same origin only
 * @returns the middleware (a preflight of an allowed origin is answered 204 here)
 */
export function createCorsMiddleware(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    credentials: true,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  });
}

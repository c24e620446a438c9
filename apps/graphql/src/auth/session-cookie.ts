import type { IncomingMessage } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

/** The name of the browser session cookie. */
export const SESSION_COOKIE = 'phx_session';

/**
 * The session token a request carries in its `Cookie` header.
 *
 * @param request - an HTTP request or WebSocket upgrade request
 * @returns the `phx_session` value, or `undefined` when there is none (or it is empty)
 */
export function sessionTokenOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined || header === '') return undefined;
  const token = parseCookie(header)[SESSION_COOKIE];
  return token === undefined || token === '' ? undefined : token;
}

/**
 * The `Set-Cookie` value that hands a session to the browser: `HttpOnly`
 * (no script reads it), `SameSite=Strict` (no other site's page sends it),
 * `Path=/`, and `Secure` when the server is reached over https. No
 * `Max-Age`: the browser forgets it when it closes; the server ends it
 * after the session lifetime.
 *
 * @param token - the session token
 * @param secure - whether to add `Secure` (the public URL is https)
 * @returns the header value
 */
export function sessionCookie(token: string, secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure });
}

/**
 * The `Set-Cookie` value that removes the session cookie (empty, expired).
 *
 * @param secure - whether to add `Secure`, as when it was set
 * @returns the header value
 */
export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure,
    maxAge: 0,
    expires: new Date(0),
  });
}

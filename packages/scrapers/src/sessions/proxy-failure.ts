import { NavigationError } from '../errors/index.js';

/** Socket error codes that, for a request through a proxy, mean the proxy itself did not serve the connection. */
const PROXY_SOCKET_CODES: readonly string[] = Object.freeze([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/** Chromium's network errors of a failing proxy (`net::ERR_…` in Playwright's messages). */
const CHROMIUM_PROXY_ERRORS: readonly string[] = Object.freeze([
  'ERR_PROXY_CONNECTION_FAILED',
  'ERR_TUNNEL_CONNECTION_FAILED',
  'ERR_PROXY_AUTH_UNSUPPORTED',
  'ERR_PROXY_AUTH_REQUESTED',
  'ERR_PROXY_CERTIFICATE_INVALID',
  'ERR_NO_SUPPORTED_PROXIES',
  'ERR_INVALID_AUTH_CREDENTIALS',
  'ERR_TIMED_OUT',
  'ERR_CONNECTION_REFUSED',
  'ERR_CONNECTION_RESET',
  'ERR_EMPTY_RESPONSE',
]);

/** undici's tunnel refusal: `Proxy response (407) !== 200 when HTTP Tunneling`. */
const UNDICI_TUNNEL_REFUSED = /Proxy response \((\d{3})\) !== 200/;

/** The error, then its `cause`s, at most this deep. */
const MAX_CAUSE_DEPTH = 6;

/** What one error of a chain says about a proxy, or `null`. */
function proxyFailureIn(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, name } = error as { code?: unknown; message?: unknown; name?: unknown };
  const text = typeof message === 'string' ? message : '';
  const tunnel = UNDICI_TUNNEL_REFUSED.exec(text);
  if (tunnel !== null) return `the proxy refused the tunnel (HTTP ${tunnel[1] ?? '?'})`;
  if (typeof code === 'string' && PROXY_SOCKET_CODES.includes(code)) return `the proxy connection failed (${code})`;
  const chromium = CHROMIUM_PROXY_ERRORS.find((marker) => text.includes(`net::${marker}`));
  if (chromium !== undefined) return `the proxy connection failed (${chromium})`;
  if (name === 'TimeoutError' || (error instanceof NavigationError && error.timedOut)) return 'the request through the proxy timed out';
  return null;
}

/**
 * Tells whether `error`, thrown by work done through a proxy, is the
 * proxy's failure rather than the site's answer: a refused, reset or
 * timed-out connection, a tunnel (`CONNECT`) answered with anything but 200
 * (407 included), undici's connect or headers timeout, Chromium's
 * `net::ERR_PROXY_CONNECTION_FAILED`, `ERR_TUNNEL_CONNECTION_FAILED` and the
 * like, or a page load that timed out. The error's `cause` chain is read too,
 * so wrapped errors (e.g. a `NavigationError` around Playwright's) count.
 * Only meaningful for a session that has a proxy: without one, these are the
 * site's own network failures.
 *
 * @param error - what the work threw
 * @returns what failed, in words (e.g. `the proxy refused the tunnel (HTTP 407)`), or `null`
 */
export function proxyFailureOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined && current !== null; depth += 1) {
    const found = proxyFailureIn(current);
    if (found !== null) return found;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/** Options of {@link createPublicOrigin}. */
export interface PublicOriginOptions {
  /** `PUBLIC_URL`: the base every link is built on (scheme, host, optional path prefix); `null` when unset. */
  readonly publicUrl: string | null;
  /**
   * `TRUSTED_PROXIES`: addresses, CIDR ranges or the names `loopback`,
   * `linklocal`, `uniquelocal` (as Express's `trust proxy` takes them) whose
   * `X-Forwarded-Proto` and `X-Forwarded-Host` are believed. Empty: none.
   */
  readonly trustedProxies: readonly string[];
  /** The server's own origin (`http://<listen address>:<port>`), used when neither applies; read per request (known once listening). */
  readonly ownOrigin: () => string;
}

/** A forwarded host: a DNS name or IPv4 address, or a bracketed IPv6 one, with an optional port; nothing else. */
const FORWARDED_HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Makes the function that tells, for a request, the public base of the links
 * the API hands out (image URLs): `PUBLIC_URL` when set; else, for a request
 * whose peer is a trusted proxy, `X-Forwarded-Proto` (`http` or `https`) and a
 * well-formed `X-Forwarded-Host` (first values); else the server's own
 * address. The request's `Host` header is never used: a client could name any host.
 *
 * @param options - public URL, trusted proxies, own origin
 * @returns `(request) => base`, e.g. `https://photos.example.com/phx` (no trailing slash)
 * @throws TypeError when a trusted proxy entry is not an address, range or known name
 */
export function createPublicOrigin(options: PublicOriginOptions): (request: IncomingMessage) => string {
  const publicUrl = options.publicUrl?.replace(/\/+$/, '') ?? null;
  const trust = options.trustedProxies.length === 0 ? null : proxyAddr.compile([...options.trustedProxies]);
  return (request) => {
    if (publicUrl !== null) return publicUrl;
    const peer = request.socket.remoteAddress;
    if (trust === null || peer === undefined || !trust(peer, 0)) return options.ownOrigin();
    const host = firstValue(request.headers['x-forwarded-host']);
    if (host === undefined || !FORWARDED_HOST_PATTERN.test(host)) return options.ownOrigin();
    const proto = firstValue(request.headers['x-forwarded-proto'])?.toLowerCase();
    return `${proto === 'https' ? 'https' : 'http'}://${host}`;
  };
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const first = value?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

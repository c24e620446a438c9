import { z } from 'zod';

/** Proxy schemes that both undici's `ProxyAgent` and Chromium (Playwright's `proxy` option) accept. */
export const PROXY_SCHEMES: readonly string[] = Object.freeze(['http:', 'https:']);

/**
 * One forward proxy, read from its URL. The password is kept apart from
 * {@link ProxyEndpoint.url}, which is safe to log.
 */
export interface ProxyEndpoint {
  /** The proxy without credentials and with its port, e.g. `http://127.0.0.1:8000`; safe to log. */
  readonly url: string;
  /** `http` or `https` (TLS to the proxy itself). */
  readonly scheme: 'http' | 'https';
  /** Host name or IP literal (IPv6 in brackets), lower case. */
  readonly host: string;
  /** TCP port (the scheme's default, 80 or 443, when the URL names none). */
  readonly port: number;
  /** User name for the proxy (decoded), or `null`. */
  readonly username: string | null;
  /** Password for the proxy (decoded), or `null`. */
  readonly password: string | null;
}

/** Reads a URL string that already passed {@link proxyUrlSchema}. */
function toEndpoint(parsed: URL): ProxyEndpoint {
  const scheme = parsed.protocol === 'https:' ? 'https' : 'http';
  const port = parsed.port === '' ? (scheme === 'https' ? 443 : 80) : Number(parsed.port);
  const host = parsed.hostname.toLowerCase();
  return {
    url: `${scheme}://${host}:${port}`,
    scheme,
    host,
    port,
    username: parsed.username === '' ? null : decodeURIComponent(parsed.username),
    password: parsed.password === '' ? null : decodeURIComponent(parsed.password),
  };
}

/** What is wrong with `value` as a proxy URL, or `null`; never quotes a password. */
function proxyUrlIssue(value: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'is not a URL; write a proxy as http://host:port or http://user:password@host:port';
  }
  if (!PROXY_SCHEMES.includes(parsed.protocol)) {
    return `has scheme "${parsed.protocol.replace(/:$/, '')}"; only http:// and https:// proxies work with both the HTTP client and Chromium`;
  }
  if (parsed.hostname === '') return 'names no host';
  // Only letters, digits, dots, hyphens or an IPv6 literal: the host goes into Chromium's resolver rules.
  if (!/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/i.test(parsed.hostname)) return 'has a host that is not a DNS name or IP address';
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search !== '' || parsed.hash !== '') {
    return 'has a path, query or fragment; a proxy URL is only scheme://[user:password@]host[:port]';
  }
  if ((parsed.username === '') !== (parsed.password === '')) {
    return 'has a user name without a password or a password without a user name; give both (user:password@) or neither';
  }
  try {
    decodeURIComponent(parsed.username);
    decodeURIComponent(parsed.password);
  } catch {
    return 'has a user name or password with a bad percent-encoding (a % not followed by two hex digits); write % as %25';
  }
  return null;
}

/**
 * Run-time schema of one proxy URL: `http://` or `https://`, a host, an
 * optional port and optional `user:password@` (percent-encoded), nothing
 * else. Parses to a {@link ProxyEndpoint}. Messages never quote the URL,
 * which may hold a password.
 */
export const proxyUrlSchema = z
  .string({ error: 'must be a proxy URL string such as http://user:password@host:port' })
  .superRefine((value, context) => {
    const issue = proxyUrlIssue(value);
    if (issue !== null) context.addIssue({ code: 'custom', message: issue });
  })
  .transform((value) => toEndpoint(new URL(value)));

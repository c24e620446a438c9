import type { ProxyEndpoint } from '../sessions/proxy-url.js';

/** Suffix of the names Chromium reaches plain-HTTP proxies under; they resolve only through the pool's resolver rules. */
const PROXY_ALIAS_SUFFIX = 'proxy.phx-pool';

/**
 * How Chromium reaches the proxies of a pool's sessions although its
 * resolver fails every other name (`MAP * ~NOTFOUND`; see
 * `hostResolverRulesArg`). Each proxy gets one `MAP` rule that sends its name
 * to its own port and nowhere else: a plain-HTTP proxy is reached under an
 * alias (`proxy-0.proxy.phx-pool`) mapped to `host:port`, so two proxies on
 * one host (e.g. 127.0.0.1) stay apart and the host is not let through; an
 * HTTPS proxy keeps its name (its certificate names it) mapped to its own
 * port. No `EXCLUDE` is added: pages cannot reach the proxy hosts' other
 * ports, loopback included, and contexts without a proxy reach nothing new.
 */
export interface ChromiumProxyRoutes {
  /** `MAP` rules to put before `MAP * ~NOTFOUND`, e.g. `MAP proxy-0.proxy.phx-pool 127.0.0.1:8000`. */
  readonly resolverRules: readonly string[];
  /**
   * The server to give Playwright's context `proxy` option for a proxy.
   *
   * @param proxyUrl - the proxy without credentials, as `Session.proxyUrl` (`http://127.0.0.1:8000`)
   * @returns e.g. `http://proxy-0.proxy.phx-pool:8000`, or `undefined` when the pool was not given this proxy
   */
  serverFor(proxyUrl: string): string | undefined;
}

/** `host:port`, with an IPv6 literal in brackets (`URL.hostname` already has them). */
function hostPort(proxy: ProxyEndpoint): string {
  return `${proxy.host}:${proxy.port}`;
}

/**
 * Builds the resolver rules and context proxy servers for `proxies`.
 *
 * @param proxies - the proxies the pool's sessions may use (duplicates are merged)
 * @returns the routes; no rule when `proxies` is empty
 */
export function chromiumProxyRoutes(proxies: readonly ProxyEndpoint[]): ChromiumProxyRoutes {
  const servers = new Map<string, string>();
  const rules: string[] = [];
  for (const proxy of proxies) {
    if (servers.has(proxy.url)) continue;
    if (proxy.scheme === 'http') {
      const alias = `proxy-${servers.size}.${PROXY_ALIAS_SUFFIX}`;
      rules.push(`MAP ${alias} ${hostPort(proxy)}`);
      servers.set(proxy.url, `http://${alias}:${proxy.port}`);
    } else {
      rules.push(`MAP ${proxy.host} ${hostPort(proxy)}`);
      servers.set(proxy.url, proxy.url);
    }
  }
  return { resolverRules: Object.freeze(rules), serverFor: (proxyUrl) => servers.get(proxyUrl) };
}

/**
 * What is wrong with giving Chromium these proxies together, or `null`:
 * two HTTPS proxies on one host but different ports cannot both be mapped
 * (an HTTPS proxy keeps its name, which maps to one port).
 *
 * @param proxies - the proxies
 * @returns the index of the clashing proxy and the problem, or `null`
 */
export function chromiumProxyClash(proxies: readonly ProxyEndpoint[]): { readonly index: number; readonly message: string } | null {
  const portOfHttpsHost = new Map<string, number>();
  for (const [index, proxy] of proxies.entries()) {
    if (proxy.scheme !== 'https') continue;
    const port = portOfHttpsHost.get(proxy.host);
    if (port !== undefined && port !== proxy.port) {
      return {
        index,
        message: `a second https proxy on ${proxy.host} (ports ${port} and ${proxy.port}); Chromium can reach one port per https proxy host`,
      };
    }
    portOfHttpsHost.set(proxy.host, proxy.port);
  }
  return null;
}

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

/** Where Debian installs Chromium (`apt-get install chromium`). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags every Chromium of this package is launched with. */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]);

/** Hosts whose scripts and API calls a listing page may load; every other host is blocked while scraping. */
export const FIRST_PARTY_HOST_SUFFIXES: readonly string[] = Object.freeze([
  'zillow.com',
  'zillowstatic.com',
  'redfin.com',
  'redfin.ca',
  'cdn-redfin.com',
]);

/** A DNS host name (letters, digits, hyphens, dots), as `networkHosts` and `firstPartyHosts` entries must be. */
export const HOST_NAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/i;

/** The Chromium switch {@link chromiumLaunchArgs} sets from `networkHosts`. */
const HOST_RESOLVER_RULES_SWITCH = '--host-resolver-rules';

/**
 * Builds the Chromium flag that lets the browser resolve only `hosts` and
 * their subdomains: every other name, IP literals (`127.0.0.1`, `[::1]`,
 * `0.0.0.0`) and `localhost` included, fails with `ERR_NAME_NOT_RESOLVED`
 * inside the network stack, so no page can open a connection there by any
 * means (fetch, WebSocket, TLS, pre-connects, iframes, navigations, WebRTC
 * TURN). Requests that Playwright routes answer (replay) never resolve a
 * name and are not affected.
 *
 * @param hosts - registrable domains the browser may reach, each matching {@link HOST_NAME_PATTERN}; `[]` for none
 * @returns e.g. `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE zillow.com, EXCLUDE *.zillow.com`
 */
export function hostResolverRulesArg(hosts: readonly string[]): string {
  const exclusions = hosts.flatMap((host) => [`EXCLUDE ${host}`, `EXCLUDE *.${host}`]);
  return `${HOST_RESOLVER_RULES_SWITCH}=${['MAP * ~NOTFOUND', ...exclusions].join(', ')}`;
}

/**
 * The flags a pool launches Chromium with: {@link CHROMIUM_ARGS}, the
 * resolver rules of {@link hostResolverRulesArg}, then `extraArgs`. When
 * `extraArgs` brings its own `--host-resolver-rules` (e.g. to point a source
 * host at a stand-in server), those rules are kept and `MAP * ~NOTFOUND` is
 * added after them, so every host they do not map fails to resolve
 * (Chromium's `EXCLUDE` entries apply to all rules, so `networkHosts` would
 * undo their mappings). `proxyRules` (see `chromiumProxyRoutes`) go before
 * `MAP * ~NOTFOUND` in both cases, so the sessions' proxies, and only they,
 * resolve.
 *
 * @param extraArgs - the caller's extra flags
 * @param networkHosts - domains Chromium may reach when `extraArgs` has no resolver rules
 * @param proxyRules - `MAP` rules that let Chromium reach the sessions' proxies; default none
 * @returns the argument list
 */
export function chromiumLaunchArgs(
  extraArgs: readonly string[],
  networkHosts: readonly string[],
  proxyRules: readonly string[] = [],
): string[] {
  const prefix = `${HOST_RESOLVER_RULES_SWITCH}=`;
  const given = extraArgs.filter((arg) => arg.startsWith(prefix)).at(-1);
  if (given === undefined) {
    const rules = hostResolverRulesArg(networkHosts);
    const withProxies = proxyRules.length === 0 ? rules : `${prefix}${[...proxyRules, rules.slice(prefix.length)].join(', ')}`;
    return [...CHROMIUM_ARGS, withProxies, ...extraArgs];
  }
  return [...CHROMIUM_ARGS, ...extraArgs.filter((arg) => !arg.startsWith(prefix)), [given, ...proxyRules, 'MAP * ~NOTFOUND'].join(', ')];
}

/**
 * Tells whether `host` is `suffix` or a subdomain of it, for one of `suffixes`.
 *
 * @param host - a host name, e.g. `www.zillowstatic.com`
 * @param suffixes - allowed registrable domains
 * @returns `true` when the host belongs to one of them
 */
export function hostMatches(host: string, suffixes: readonly string[]): boolean {
  const h = host.toLowerCase();
  return suffixes.some((s) => h === s || h.endsWith(`.${s}`));
}

/**
 * Tells what is wrong with a Chromium executable path, if anything.
 *
 * @param file - the path, e.g. `/usr/bin/chromium`
 * @returns `null` when it is an executable file, else what is wrong, naming the path
 */
export async function chromiumPathIssue(file: string): Promise<string | null> {
  const found = await stat(file).catch(() => null);
  if (found === null) return `"${file}" does not exist; install Chromium (apt-get install chromium) or give its path`;
  if (found.isDirectory()) return `"${file}" is a folder, not the Chromium executable`;
  const executable = await access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
  return executable ? null : `"${file}" is not executable`;
}

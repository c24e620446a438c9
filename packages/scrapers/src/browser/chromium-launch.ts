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

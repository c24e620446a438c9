import { InvalidInputError } from '@phx/core/model';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds the workspace root: the nearest folder above this file that holds
 * `nx.json`.
 *
 * @returns the absolute path of the workspace root
 * @throws Error when no `nx.json` is found above this file
 */
export function findWorkspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`No nx.json found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/**
 * The git-ignored folder for local state (database files, built binaries,
 * stored images): `PHX_DATA_DIR`, else `<workspace>/.data`.
 *
 * @returns an absolute path (not created here)
 */
export function localDataDir(): string {
  return resolve(process.env['PHX_DATA_DIR'] ?? join(findWorkspaceRoot(), '.data'));
}

/**
 * The folder of the saved real listings and photos: `PHX_FIXTURES_DIR`,
 * else `<workspace>/../shared/fixtures`.
 *
 * @returns an absolute path (not checked here)
 */
export function fixturesDir(): string {
  return resolve(process.env['PHX_FIXTURES_DIR'] ?? join(findWorkspaceRoot(), '..', 'shared', 'fixtures'));
}

/**
 * The sample properties CSV that seeds an empty catalog (label `sample`).
 *
 * @returns `<workspace>/tools/data/sample-properties.csv` (not checked here)
 */
export function sampleCsvPath(): string {
  return join(findWorkspaceRoot(), 'tools', 'data', 'sample-properties.csv');
}

/**
 * Checks that a fixtures folder holds the saved listings (`<dir>/listings`),
 * before anything runs on it.
 *
 * @param dir - the fixtures folder (e.g. {@link fixturesDir}, or `--fixtures`)
 * @param named - what named the folder, for the error (`--fixtures`, `PHX_FIXTURES_DIR`)
 * @throws core's `InvalidInputError` naming `named` and the missing folder
 */
export function checkFixturesDir(dir: string, named: string): void {
  const listings = join(dir, 'listings');
  if (existsSync(listings)) return;
  const message = `no saved listings in ${listings}; give the shared fixtures folder (default ../shared/fixtures beside this checkout, or PHX_FIXTURES_DIR)`;
  throw new InvalidInputError('fixtures folder', [{ path: named, message }]);
}

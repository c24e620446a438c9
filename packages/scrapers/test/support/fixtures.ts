import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Root of the phx repository (two levels above this package). */
export const repoRoot = path.resolve(here, '../../../..');

/** The shared fixtures: `PHX_FIXTURES_DIR`, else `../shared/fixtures` beside the repository. */
export const fixturesDir = process.env['PHX_FIXTURES_DIR'] ?? path.resolve(repoRoot, '../shared/fixtures');

/** Reads a saved listing file from `fixtures/listings/<site>/<name>`. */
export function readListing(site: 'zillow' | 'redfin', name: string): string {
  return readFileSync(path.join(fixturesDir, 'listings', site, name), 'utf8');
}

/** Reads a handwritten fixture of this package's `test/fixtures/`. */
export function readOwnFixture(name: string): string {
  return readFileSync(path.resolve(here, '../fixtures', name), 'utf8');
}

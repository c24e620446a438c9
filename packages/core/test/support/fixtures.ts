import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// packages/core/test/support -> repository root
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The shared fixtures folder (never copied into the repository): `PHX_FIXTURES_DIR` or `<repo>/../shared/fixtures`. */
export const FIXTURES_DIR = resolve(process.env['PHX_FIXTURES_DIR'] ?? join(REPO_ROOT, '..', 'shared', 'fixtures'));

/** Path of a file in the shared fixtures folder. */
export function fixturePath(...parts: string[]): string {
  return join(FIXTURES_DIR, ...parts);
}

/** Reads one of the odd decoder files in `fixtures/images/`. */
export function readImageFixture(name: string): Promise<Buffer> {
  return readFile(fixturePath('images', name));
}

/** Reads one of the real listing photos in `fixtures/house-photos/`, e.g. `house-012-bathroom.jpg`. */
export function readHousePhoto(name: string): Promise<Buffer> {
  return readFile(fixturePath('house-photos', name));
}

/** Lists the house photo file names, sorted. */
export async function listHousePhotos(): Promise<string[]> {
  return (await readdir(fixturePath('house-photos'))).filter((n) => n.endsWith('.jpg')).sort();
}

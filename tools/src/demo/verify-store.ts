import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE_NAME } from '@phx/core';
import type { PhotoView } from './demo-operations.js';

/** The manifest next to the photos must list exactly the records' hashes. */
async function manifestProblems(path: string, photos: readonly PhotoView[]): Promise<string[]> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as { photos?: { sha256?: string }[] };
    const listed = (manifest.photos ?? []).map((p) => p.sha256 ?? '').sort();
    const recorded = photos.map((p) => p.sha256).sort();
    return listed.join() === recorded.join()
      ? []
      : [`${MANIFEST_FILE_NAME}: lists ${listed.length} photos, the records ${recorded.length}`];
  } catch (error) {
    return [`${MANIFEST_FILE_NAME}: unreadable (${error instanceof Error ? error.message : String(error)})`];
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** How the files of one property compare with its records. */
export interface StoreCheck {
  /** Records in MongoDB. */
  readonly records: number;
  /** Photo files in the property's folder. */
  readonly files: number;
  /** Problems found; empty when every record has its file with the right SHA-256 and no file lacks a record. */
  readonly problems: readonly string[];
}

/**
 * Checks that the files stored for a property are exactly the ones its
 * records name (each original, with the SHA-256 the record gives, plus its
 * web variants and the files of smaller copies it replaced), and that the
 * property's `manifest.json` lists the same photos.
 *
 * @param propertyDir - the property's folder in the file image store
 * @param photos - the property's photo records
 * @returns counts and problems
 */
export async function verifyPropertyStore(propertyDir: string, photos: readonly PhotoView[]): Promise<StoreCheck> {
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = (await readdir(propertyDir)).filter((n) => !n.startsWith('.') && n !== MANIFEST_FILE_NAME);
  } catch {
    if (photos.length > 0) problems.push(`folder ${propertyDir} is missing`);
  }
  const recorded = new Set<string>();
  for (const photo of photos) {
    const name = photo.location.split('/').pop() ?? '';
    recorded.add(name);
    for (const file of photo.storedFiles) {
      recorded.add(file);
      if (file !== name && !(await exists(join(propertyDir, file)))) problems.push(`${file}: recorded but not on disk`);
    }
    try {
      const hash = createHash('sha256')
        .update(await readFile(join(propertyDir, name)))
        .digest('hex');
      if (hash !== photo.sha256) problems.push(`${name}: SHA-256 ${hash} differs from the record`);
    } catch {
      problems.push(`${name}: recorded but not on disk`);
    }
  }
  for (const name of names) if (!recorded.has(name)) problems.push(`${name}: on disk but not recorded`);
  if (photos.length > 0) problems.push(...(await manifestProblems(join(propertyDir, MANIFEST_FILE_NAME), photos)));
  return { records: photos.length, files: names.length, problems };
}

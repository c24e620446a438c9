import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE_NAME } from '@phx/core';
import sharp from 'sharp';
import type { PhotoView } from './demo-operations.js';

/** A variant's record as the demo reads it. */
type VariantView = PhotoView['variants'][number];

/** A variant's format, width and height in px and size in bytes, as the record gives them or as decoded. */
function describeVariant(v: Pick<VariantView, 'format' | 'widthPx' | 'heightPx' | 'byteLength'>): string {
  return `${v.format} ${v.widthPx}×${v.heightPx} px, ${v.byteLength} bytes`;
}

/**
 * Decodes a variant's file with sharp (libvips; every pixel, decoder warnings
 * count as damage) and compares its format, width and height in px and size
 * in bytes with its record.
 *
 * @returns the problem, or `null` when the file matches its record
 */
async function variantProblem(path: string, variant: VariantView): Promise<string | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return `${variant.fileName}: recorded but not on disk`;
  }
  let decoded: string;
  try {
    const image = sharp(bytes, { failOn: 'warning' });
    const { format } = await image.metadata();
    const { info } = await image.raw().toBuffer({ resolveWithObject: true });
    decoded = describeVariant({ format, widthPx: info.width, heightPx: info.height, byteLength: bytes.length });
  } catch (error) {
    return `${variant.fileName}: does not decode as an image (${error instanceof Error ? error.message : String(error)})`;
  }
  const recorded = describeVariant(variant);
  return decoded === recorded ? null : `${variant.fileName}: ${decoded}; the record says ${recorded}`;
}

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
  /**
   * Problems found, each naming its file; empty when every original has the SHA-256 of its record, every
   * variant decodes to the format, width and height in px and size in bytes of its record, every other
   * recorded file is there, and no file lacks a record.
   */
  readonly problems: readonly string[];
}

/**
 * Checks that the files stored for a property are exactly the ones its
 * records name, and that the property's `manifest.json` lists the same
 * photos: each original is hashed against the SHA-256 its record gives; each
 * web variant (`.web.webp`, `.thumb.webp`) is decoded with sharp and its
 * format, width and height in px and size in bytes compared with its
 * record, so a variant overwritten with other bytes of the same size is
 * found; the files of smaller copies a record replaced are checked to exist.
 *
 * @param propertyDir - the property's folder in the file image store
 * @param photos - the property's photo records (with their variants' records)
 * @returns counts and problems; a file that cannot be read is reported, never thrown
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
    const variants = new Set(photo.variants.map((v) => v.fileName));
    for (const file of photo.storedFiles) {
      recorded.add(file);
      if (file === name || variants.has(file)) continue;
      if (!(await exists(join(propertyDir, file)))) problems.push(`${file}: recorded but not on disk`);
    }
    for (const variant of photo.variants) {
      recorded.add(variant.fileName);
      const problem = await variantProblem(join(propertyDir, variant.fileName), variant);
      if (problem !== null) problems.push(problem);
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

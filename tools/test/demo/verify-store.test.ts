import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE_NAME } from '@phx/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../src/db/workspace-paths.js';
import type { PhotoView } from '../../src/demo/demo-operations.js';
import { verifyPropertyStore } from '../../src/demo/verify-store.js';

/** Two saved listing photos of the shared fixtures (never copied into the repo). */
const FIXTURE_PHOTOS = ['house-002-kitchen.jpg', 'house-034-frontal.jpg'];

/** The variants the worker stores by default: WebP fitted inside 2048 and 400 px. */
const VARIANTS = [
  { name: 'web', maxSidePx: 2048, quality: 82 },
  { name: 'thumb', maxSidePx: 400, quality: 75 },
];

/**
 * Stores a fixture photo in `dir` as the worker does (`<sha>.jpg` and its WebP variants) and returns its record as
 * GraphQL gives it, with the bytes of each file by name.
 */
async function storeFixturePhoto(dir: string, name: string): Promise<{ record: PhotoView; files: Map<string, Buffer> }> {
  const bytes = await readFile(join(fixturesDir(), 'house-photos', name));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const meta = await sharp(bytes).metadata();
  const files = new Map<string, Buffer>([[`${sha256}.jpg`, bytes]]);
  const variants: PhotoView['variants'][number][] = [];
  for (const spec of VARIANTS) {
    const { data, info } = await sharp(bytes)
      .autoOrient()
      .resize(spec.maxSidePx, spec.maxSidePx, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: spec.quality })
      .toBuffer({ resolveWithObject: true });
    const fileName = `${sha256}.${spec.name}.webp`;
    files.set(fileName, data);
    variants.push({ fileName, format: 'webp', widthPx: info.width, heightPx: info.height, byteLength: data.length });
  }
  for (const [file, data] of files) await writeFile(join(dir, file), data);
  const record: PhotoView = {
    sha256,
    location: join(dir, `${sha256}.jpg`),
    byteLength: bytes.length,
    widthPx: meta.width,
    heightPx: meta.height,
    format: 'jpeg',
    sources: ['zillow'],
    storedFiles: [...files.keys()],
    variants,
  };
  return { record, files };
}

describe('verifyPropertyStore (the demo check of the files on disk against the records)', () => {
  let dir = '';
  const photos: PhotoView[] = [];
  let files = new Map<string, Buffer>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-verify-store-'));
    for (const name of FIXTURE_PHOTOS) {
      const stored = await storeFixturePhoto(dir, name);
      photos.push(stored.record);
      files = new Map([...files, ...stored.files]);
    }
    const manifest = { photos: photos.map((p) => ({ sha256: p.sha256 })) };
    await writeFile(join(dir, MANIFEST_FILE_NAME), JSON.stringify(manifest));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the check with one file's bytes replaced, then puts the stored bytes back. */
  async function checkWith(file: string, bytes: Buffer, records: readonly PhotoView[] = photos): Promise<readonly string[]> {
    await writeFile(join(dir, file), bytes);
    try {
      return (await verifyPropertyStore(dir, records)).problems;
    } finally {
      await writeFile(join(dir, file), files.get(file)!);
    }
  }

  it('finds nothing wrong with the files as stored', async () => {
    expect(await verifyPropertyStore(dir, photos)).toEqual({ records: 2, files: 6, problems: [] });
  });

  it('reports a variant overwritten with random bytes of the same size as undecodable, naming the file', async () => {
    for (const variant of photos.flatMap((p) => p.variants)) {
      const problems = await checkWith(variant.fileName, randomBytes(variant.byteLength));
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${variant.fileName}: does not decode as an image \\(.+\\)$`))]);
    }
  });

  it('reports a variant holding another picture: its format, size in px and bytes against the record', async () => {
    const [web, thumb] = photos[0]!.variants;
    const other = photos[1]!.variants[1]!;
    const problems = await checkWith(thumb!.fileName, files.get(other.fileName)!);
    expect(problems).toEqual([
      `${thumb!.fileName}: webp ${other.widthPx}×${other.heightPx} px, ${other.byteLength} bytes; the record says webp ${thumb!.widthPx}×${thumb!.heightPx} px, ${thumb!.byteLength} bytes`,
    ]);
    const png = await sharp(files.get(web!.fileName)!).png().toBuffer();
    expect(await checkWith(web!.fileName, png)).toEqual([
      `${web!.fileName}: png ${web!.widthPx}×${web!.heightPx} px, ${png.length} bytes; the record says webp ${web!.widthPx}×${web!.heightPx} px, ${web!.byteLength} bytes`,
    ]);
  });

  it('reports a variant whose record gives other dimensions than the file', async () => {
    const [first, second] = photos;
    const web = first!.variants[0]!;
    const wrong: PhotoView = { ...first!, variants: [{ ...web, heightPx: web.heightPx + 1 }, first!.variants[1]!] };
    const { problems } = await verifyPropertyStore(dir, [wrong, second!]);
    expect(problems).toEqual([
      `${web.fileName}: webp ${web.widthPx}×${web.heightPx} px, ${web.byteLength} bytes; the record says webp ${web.widthPx}×${web.heightPx + 1} px, ${web.byteLength} bytes`,
    ]);
  });

  it('still reports an original that differs from its record by its SHA-256', async () => {
    const original = `${photos[0]!.sha256}.jpg`;
    const problems = await checkWith(original, randomBytes(photos[0]!.byteLength));
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${original}: SHA-256 [0-9a-f]{64} differs from the record$`))]);
  });
});

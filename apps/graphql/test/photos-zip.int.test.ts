import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toContentHash, toPropertyId, type ContentHash } from '@phx/core';
import { GridFsImageStore } from '@phx/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { createRecordingLogger, type LoggedLine } from './support/recording-logger.js';
import { DAVIS_ADDRESS, DAVIS_ID } from './support/sample-properties.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
/** The saved real photos (read in place, never copied into the repository). */
const FIXTURES = process.env['PHX_FIXTURES_DIR'] ?? join(WORKSPACE, '..', 'shared', 'fixtures');
const PHOTOS_QUERY = `query($id: ID!) { photos(propertyId: $id) { sha256 } }`;

/** A real photo to store: its fixture, format and the gallery position the page gave it. */
interface TestPhoto {
  readonly fixture: string;
  readonly format: 'jpeg' | 'webp';
  readonly ext: 'jpg' | 'webp';
  readonly position: number;
}
/** Recorded in this order; the gallery order is by position: kitchen, squares, frontal. */
const PHOTOS: readonly TestPhoto[] = [
  { fixture: 'house-photos/house-001-frontal.jpg', format: 'jpeg', ext: 'jpg', position: 2 },
  { fixture: 'house-photos/house-001-kitchen.jpg', format: 'jpeg', ext: 'jpg', position: 0 },
  { fixture: 'images/animated-rotating-squares.webp', format: 'webp', ext: 'webp', position: 1 },
];
const GALLERY_ORDER = [1, 2, 0];

interface StoredPhoto {
  readonly sha256: ContentHash;
  readonly bytes: Buffer;
  readonly fileName: string;
}

/** Reads a fixture and names it as the image store does (`<sha256>.<ext>`). */
async function loadPhoto(photo: TestPhoto): Promise<StoredPhoto> {
  const bytes = await readFile(join(FIXTURES, photo.fixture));
  const sha256 = toContentHash(createHash('sha256').update(bytes).digest('hex'));
  return { sha256, bytes, fileName: `${sha256}.${photo.ext}` };
}

/** Records the photos of {@link PHOTOS} for the first sample property, as a worker does, at `locations`. */
async function recordPhotos(harness: GraphqlHarness, stored: readonly StoredPhoto[], locations: readonly string[]): Promise<void> {
  for (const [i, photo] of PHOTOS.entries()) {
    const { sha256, bytes, fileName } = stored[i]!;
    await harness.photos.recordPhoto({
      propertyId: DAVIS_ID,
      source: 'zillow',
      seenAt: new Date(Date.UTC(2026, 2, 4, 5, 6, i)),
      jobId: null,
      sha256,
      format: photo.format,
      widthPx: 1024,
      heightPx: 768,
      byteLength: bytes.length,
      fileName,
      location: locations[i]!,
      photoId: `p${i}`,
      url: `https://photos.zillowstatic.com/fp/p${i}-uncropped_scaled_within_1536_1152.jpg`,
      gallery: { position: photo.position, caption: null },
    });
  }
}

/** An entry of a downloaded zip: its name and the SHA-256 of its bytes. */
interface ZipEntryDigest {
  readonly name: string;
  readonly sha256: string;
  readonly compressionMethod: number;
}

/** Unzips `zip` with yauzl (CRC-checked) and hashes each entry, in the archive's order. */
function unzipDigests(zip: Buffer): Promise<ZipEntryDigest[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (openError, zipFile) => {
      if (openError !== null) return reject(openError);
      const digests: ZipEntryDigest[] = [];
      zipFile.on('error', reject);
      zipFile.on('end', () => resolve(digests));
      zipFile.on('entry', (entry: yauzl.Entry) => {
        zipFile.openReadStream(entry, (streamError, stream) => {
          if (streamError !== null) return reject(streamError);
          const hash = createHash('sha256');
          stream.on('data', (chunk: Buffer) => hash.update(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            digests.push({ name: entry.fileName, sha256: hash.digest('hex'), compressionMethod: entry.compressionMethod });
            zipFile.readEntry();
          });
        });
      });
      zipFile.readEntry();
    });
  });
}

const expectedEntries = (stored: readonly StoredPhoto[]): ZipEntryDigest[] =>
  GALLERY_ORDER.map((i, n) => ({
    name: `${String(n + 1).padStart(3, '0')}-${stored[i]!.sha256}.${PHOTOS[i]!.ext}`,
    sha256: stored[i]!.sha256,
    compressionMethod: 0,
  }));

describe('GET /images/<propertyId>/photos.zip from the file store', () => {
  let harness: GraphqlHarness;
  let sandbox: string;
  let propertyDir: string;
  let origin: string;
  let stored: StoredPhoto[];
  const logged: LoggedLine[] = [];

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'phx-photos-zip-'));
    const imagesDir = join(sandbox, 'images');
    propertyDir = join(imagesDir, DAVIS_ID);
    await mkdir(propertyDir, { recursive: true });
    stored = await Promise.all(PHOTOS.map(loadPhoto));
    for (const photo of stored) await writeFile(join(propertyDir, photo.fileName), photo.bytes);
    harness = await openGraphqlHarness('photos_zip', { config: { imagesDir }, logger: createRecordingLogger(logged) });
    origin = new URL(await harness.server.start()).origin;
    await recordPhotos(
      harness,
      stored,
      stored.map((p) => join(propertyDir, p.fileName)),
    );
  });
  afterAll(async () => {
    await harness?.close();
    await rm(sandbox, { recursive: true, force: true });
  });

  const get = (path: string, authorization: string | null = harness.readKey.authorization) =>
    fetch(`${origin}${path}`, { headers: authorization === null ? {} : { authorization } });

  it('streams every original in gallery order, stored uncompressed, named <NNN>-<sha256>.<ext>, as an attachment', async () => {
    const response = await get(`/images/${DAVIS_ID}/photos.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${DAVIS_ID}-photos.zip"`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const entries = await unzipDigests(Buffer.from(await response.arrayBuffer()));
    process.stdout.write(`photos.zip entries: ${entries.map((e) => e.name.slice(0, 12)).join(', ')}\n`);
    expect(entries).toEqual(expectedEntries(stored));
    // The same order as the photos query shows the gallery in.
    const answer = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: harness.readKey.authorization },
      body: JSON.stringify({ query: PHOTOS_QUERY, variables: { id: DAVIS_ID } }),
    });
    const body = (await answer.json()) as { data: { photos: { sha256: string }[] } };
    expect(entries.map((e) => e.sha256)).toEqual(body.data.photos.map((p) => p.sha256));
  });

  it('names the property by its address as well as by its id (as the images query does)', async () => {
    const response = await get(`/images/${encodeURIComponent(DAVIS_ADDRESS)}/photos.zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${DAVIS_ID}-photos.zip"`);
    expect(await unzipDigests(Buffer.from(await response.arrayBuffer()))).toEqual(expectedEntries(stored));
  });

  it('needs a key; a property without photos is 404 JSON, an id that cannot be one 400', async () => {
    const noKey = await get(`/images/${DAVIS_ID}/photos.zip`, null);
    expect(noKey.status).toBe(401);
    const none = await get('/images/no-photos-here/photos.zip');
    expect(none.status).toBe(404);
    expect(await none.json()).toEqual({
      errors: [{ message: 'No photos stored for property no-photos-here', extensions: { code: 'NOT_FOUND' } }],
    });
    const bad = await get('/images/---/photos.zip');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code).toBe('BAD_REQUEST');
    // Refusals are answers, not failures; and so far every download was whole.
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('cuts the download when an original is missing on disk mid-stream, and logs it (no truncated zip that looks whole)', async () => {
    // The second photo in gallery order is gone: the first is already sent when it is reached.
    const missing = stored[GALLERY_ORDER[1]!]!;
    await rm(join(propertyDir, missing.fileName));
    try {
      const before = logged.length;
      const response = await get(`/images/${DAVIS_ID}/photos.zip`);
      expect(response.status).toBe(200);
      await expect(response.arrayBuffer()).rejects.toThrow();
      const aborts = () => logged.slice(before).filter((l) => l.level === 'error' && l.message.includes('photos.zip aborted'));
      await expect.poll(() => aborts().length).toBe(1);
      const line = aborts()[0];
      expect(String((line?.context['err'] as Error | undefined)?.message)).toContain(missing.fileName);
    } finally {
      await writeFile(join(propertyDir, missing.fileName), missing.bytes);
    }
    // Once the file is back the archive is whole again.
    const again = await get(`/images/${DAVIS_ID}/photos.zip`);
    expect(await unzipDigests(Buffer.from(await again.arrayBuffer()))).toEqual(expectedEntries(stored));
  });
});

describe('GET /images/<propertyId>/photos.zip from GridFS (PHX_IMAGE_STORE=gridfs)', () => {
  let harness: GraphqlHarness;
  let origin: string;
  let stored: StoredPhoto[];

  beforeAll(async () => {
    harness = await openGraphqlHarness('photos_zip_gridfs', { imageStore: 'gridfs' });
    origin = new URL(await harness.server.start()).origin;
    stored = await Promise.all(PHOTOS.map(loadPhoto));
    // Stored as a worker with PHX_IMAGE_STORE=gridfs stores them.
    const store = new GridFsImageStore({ db: harness.database.db });
    await store.ensureIndexes();
    const locations: string[] = [];
    for (const photo of stored) locations.push((await store.put(toPropertyId(DAVIS_ID), photo.fileName, photo.bytes)).location);
    await recordPhotos(harness, stored, locations);
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('streams the originals from the bucket in gallery order, SHA-256 equal to the records', async () => {
    const response = await fetch(`${origin}/images/${DAVIS_ID}/photos.zip`, { headers: { authorization: harness.readKey.authorization } });
    expect(response.status).toBe(200);
    expect(await unzipDigests(Buffer.from(await response.arrayBuffer()))).toEqual(expectedEntries(stored));
  });
});

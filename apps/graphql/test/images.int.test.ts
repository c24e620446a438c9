import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toContentHash } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { DAVIS_ADDRESS, DAVIS_ID } from './support/sample-properties.js';
import { photoCollectionName } from '@phx/jobs';

const IMAGES = `query($propertyId: ID!, $includeRemoved: Boolean) { images(propertyId: $propertyId, includeRemoved: $includeRemoved) {
  propertyId sha256 removedAt
  original { fileName url contentType widthPx heightPx byteLength }
  web { fileName url contentType widthPx heightPx byteLength }
  thumbnail { fileName url contentType widthPx heightPx byteLength } } }`;
const SECRET = 'TOP-SECRET-OUTSIDE-THE-STORE';

interface ImageFileView {
  readonly fileName: string;
  readonly url: string;
  readonly contentType: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly byteLength: number;
}
interface StoredImageView {
  readonly propertyId: string;
  readonly sha256: string;
  readonly removedAt: string | null;
  readonly original: ImageFileView;
  readonly web: ImageFileView | null;
  readonly thumbnail: ImageFileView | null;
}

/** GET with the path sent exactly as written (fetch would normalise `..` and `//` away). */
async function rawGet(origin: string, path: string, authorization: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET', headers: { authorization } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('latin1') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('images over HTTP: URLs from the images query, served from PHX_IMAGES_DIR, never outside it', () => {
  let harness: GraphqlHarness;
  let sandbox: string;
  let imagesDir: string;
  let url: string;
  let origin: string;
  const sha = toContentHash(createHashHex('first'));
  const removedSha = toContentHash(createHashHex('second'));
  const files = {
    original: randomBytes(3_000),
    web: randomBytes(1_200),
    thumb: randomBytes(300),
    removed: randomBytes(500),
  };

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'phx-images-http-'));
    imagesDir = join(sandbox, 'images');
    const propertyDir = join(imagesDir, DAVIS_ID);
    await mkdir(propertyDir, { recursive: true });
    await writeFile(join(sandbox, 'secret.jpg'), SECRET);
    await writeFile(join(sandbox, 'secret.txt'), SECRET);
    await writeFile(join(propertyDir, `${sha}.jpg`), files.original);
    await writeFile(join(propertyDir, `${sha}.web.webp`), files.web);
    await writeFile(join(propertyDir, `${sha}.thumb.webp`), files.thumb);
    await writeFile(join(propertyDir, `${removedSha}.png`), files.removed);
    await writeFile(join(propertyDir, 'manifest.json'), '{}');
    // Symbolic links that point out of the store: a file, and a whole property folder.
    await symlink(join(sandbox, 'secret.jpg'), join(propertyDir, `${'b'.repeat(64)}.jpg`));
    await mkdir(join(sandbox, 'outside-folder'));
    await writeFile(join(sandbox, 'outside-folder', `${'c'.repeat(64)}.jpg`), SECRET);
    await symlink(join(sandbox, 'outside-folder'), join(imagesDir, 'escape-hatch'));

    harness = await openGraphqlHarness('images', { config: { imagesDir } });
    url = await harness.server.start();
    origin = new URL(url).origin;
    const seenAt = new Date('2026-03-04T05:06:07.000Z');
    const variant = (name: string, bytes: Buffer, widthPx: number, heightPx: number) => ({
      name,
      fileName: `${sha}.${name}.webp`,
      location: join(propertyDir, `${sha}.${name}.webp`),
      format: 'webp',
      widthPx,
      heightPx,
      byteLength: bytes.length,
    });
    const common = { propertyId: DAVIS_ID, source: 'zillow' as const, seenAt, jobId: null };
    await harness.photos.recordPhoto({
      ...common,
      sha256: sha,
      format: 'jpeg',
      widthPx: 3000,
      heightPx: 2000,
      byteLength: files.original.length,
      fileName: `${sha}.jpg`,
      location: join(propertyDir, `${sha}.jpg`),
      photoId: 'p1',
      url: 'https://photos.zillowstatic.com/fp/p1-uncropped_scaled_within_1536_1152.jpg',
      variants: [variant('web', files.web, 2048, 1365), variant('thumb', files.thumb, 400, 267)],
    });
    await harness.photos.recordPhoto({
      ...common,
      sha256: removedSha,
      format: 'png',
      widthPx: 640,
      heightPx: 480,
      byteLength: files.removed.length,
      fileName: `${removedSha}.png`,
      location: join(propertyDir, `${removedSha}.png`),
      photoId: 'p2',
      url: 'https://photos.zillowstatic.com/fp/p2-uncropped_scaled_within_1536_1152.png',
    });
    await harness.database.db
      .collection(photoCollectionName(DAVIS_ID))
      .updateOne({ sha256: removedSha }, { $set: { removedAt: new Date('2026-03-05T00:00:00.000Z') } });
  });
  afterAll(async () => {
    await harness?.close();
    if (sandbox !== undefined) await rm(sandbox, { recursive: true, force: true });
  });

  const images = async (variables: Record<string, unknown>, authorization = harness.readKey.authorization) => {
    const response = await postGraphql<{ images: StoredImageView[] }>(url, IMAGES, variables, authorization);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.images ?? [];
  };

  it('lists listed photos with URLs for the original, web copy and thumbnail on this server', async () => {
    const base = `${origin}/images/${DAVIS_ID}`;
    expect(await images({ propertyId: DAVIS_ADDRESS })).toEqual([
      {
        propertyId: DAVIS_ID,
        sha256: sha,
        removedAt: null,
        original: {
          fileName: `${sha}.jpg`,
          url: `${base}/${sha}.jpg`,
          contentType: 'image/jpeg',
          widthPx: 3000,
          heightPx: 2000,
          byteLength: 3000,
        },
        web: {
          fileName: `${sha}.web.webp`,
          url: `${base}/${sha}.web.webp`,
          contentType: 'image/webp',
          widthPx: 2048,
          heightPx: 1365,
          byteLength: 1200,
        },
        thumbnail: {
          fileName: `${sha}.thumb.webp`,
          url: `${base}/${sha}.thumb.webp`,
          contentType: 'image/webp',
          widthPx: 400,
          heightPx: 267,
          byteLength: 300,
        },
      },
    ]);
    const all = await images({ propertyId: DAVIS_ID, includeRemoved: true });
    expect(all.map((i) => [i.sha256, i.removedAt, i.web, i.original.contentType])).toEqual([
      [sha, null, expect.objectContaining({ fileName: `${sha}.web.webp` }), 'image/jpeg'],
      [removedSha, '2026-03-05T00:00:00.000Z', null, 'image/png'],
    ]);
  });

  it('serves each URL with a read key: the stored bytes and the right Content-Type', async () => {
    const [image] = await images({ propertyId: DAVIS_ID });
    const expected: [ImageFileView | null | undefined, Buffer, string][] = [
      [image?.original, files.original, 'image/jpeg'],
      [image?.web, files.web, 'image/webp'],
      [image?.thumbnail, files.thumb, 'image/webp'],
    ];
    for (const [file, bytes, contentType] of expected) {
      if (file === null || file === undefined) throw new Error('missing file');
      const response = await fetch(file.url, { headers: { authorization: harness.readKey.authorization } });
      expect(response.status, file.url).toBe(200);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(response.headers.get('content-length')).toBe(String(bytes.length));
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    const noKey = await fetch(image?.original.url ?? '');
    expect(noKey.status).toBe(401);
  });

  it.each([
    ['a file that does not exist', `/images/${DAVIS_ID}/${'d'.repeat(64)}.jpg`, 404],
    ['dot segments in the path', '/images/../secret.txt', 400],
    ['dot segments under a property', `/images/${DAVIS_ID}/../../secret.txt`, 404],
    ['dot segments after the file', `/images/${DAVIS_ID}/${sha}.jpg/../../../secret.jpg`, 404],
    ['encoded dot segments as the file', `/images/${DAVIS_ID}/..%2f..%2fsecret.txt`, 400],
    ['upper-case encoded dot segments', `/images/${DAVIS_ID}/%2E%2E%2F%2E%2E%2Fsecret.jpg`, 400],
    ['encoded dots as the property', `/images/%2e%2e/secret.jpg`, 400],
    ['encoded dots and slash as the property', `/images/%2e%2e%2f%2e%2e/${sha}.jpg`, 400],
    ['backslashes', `/images/${DAVIS_ID}/..%5c..%5csecret.jpg`, 400],
    ['an encoded absolute path as the file', `/images/${DAVIS_ID}/%2Fetc%2Fpasswd`, 400],
    ['an encoded absolute path as the property', `/images/%2Fetc/passwd`, 400],
    ['an empty property (absolute path)', '/images//etc/passwd', 404],
    ['a NUL byte', `/images/${DAVIS_ID}/${sha}.jpg%00.txt`, 400],
    ['a NUL byte before the extension', `/images/${DAVIS_ID}/${sha}%00.jpg`, 400],
    ['a file that is not a photo', `/images/${DAVIS_ID}/manifest.json`, 400],
    ['a symbolic link out of the store', `/images/${DAVIS_ID}/${'b'.repeat(64)}.jpg`, 404],
    ['a property folder that links out of the store', `/images/escape-hatch/${'c'.repeat(64)}.jpg`, 404],
    ['a malformed percent escape', `/images/${DAVIS_ID}/%E0%A4%A.jpg`, 400],
  ])('refuses %s (%s) with %i, revealing nothing', async (_name, path, status) => {
    const response = await rawGet(origin, path, harness.readKey.authorization);
    expect(response.status).toBe(status);
    expect(response.body).not.toContain(SECRET);
    expect(response.body).not.toContain('root:');
  });
});

function createHashHex(seed: string): string {
  return Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toContentHash, toPropertyId, type ContentHash } from '@phx/core';
import { GridFsImageStore } from '@phx/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { recordTestPhoto } from './support/photo-records.js';
import { DAVIS_ID } from './support/sample-properties.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
/** The saved real photos (read in place, never copied into the repository). */
const FIXTURES = process.env['PHX_FIXTURES_DIR'] ?? join(WORKSPACE, '..', 'shared', 'fixtures');
const IMAGES = `query($id: ID!) { images(propertyId: $id) { sha256 original { url contentType byteLength } thumbnail { url contentType byteLength } } }`;

interface ImageFileView {
  readonly url: string;
  readonly contentType: string;
  readonly byteLength: number;
}

describe('photos in GridFS (PHX_IMAGE_STORE=gridfs) are served at the URLs the API returns, with the same checks as files', () => {
  let server: GraphqlProcess;
  let original: Buffer;
  let thumbnail: Buffer;
  let sha: ContentHash;

  beforeAll(async () => {
    server = await startGraphqlProcess('gridfs_images', { PHX_IMAGE_STORE: 'gridfs' });
    original = await readFile(join(FIXTURES, 'house-photos', 'house-001-frontal.jpg'));
    thumbnail = await readFile(join(FIXTURES, 'images', 'animated-rotating-squares.webp'));
    sha = toContentHash(createHash('sha256').update(original).digest('hex'));
    // Stored as a worker with PHX_IMAGE_STORE=gridfs stores them.
    const store = new GridFsImageStore({ db: server.database.db });
    await store.ensureIndexes();
    const propertyId = toPropertyId(DAVIS_ID);
    const stored = await store.put(propertyId, `${sha}.jpg`, original);
    const thumb = await store.put(propertyId, `${sha}.thumb.webp`, thumbnail);
    await recordTestPhoto(
      server.database.db,
      sha,
      { location: stored.location, byteLength: original.length },
      { location: thumb.location, byteLength: thumbnail.length },
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  const get = (path: string, authorization: string | null = server.readKey.authorization) =>
    fetch(`${server.origin}${path}`, { headers: authorization === null ? {} : { authorization } });

  it('answers every image URL of the images query with the stored bytes and their Content-Type', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: server.readKey.authorization },
      body: JSON.stringify({ query: IMAGES, variables: { id: DAVIS_ID } }),
    });
    const body = (await response.json()) as { data: { images: { original: ImageFileView; thumbnail: ImageFileView | null }[] } };
    const files = body.data.images.flatMap((i) => [i.original, ...(i.thumbnail === null ? [] : [i.thumbnail])]);
    expect(files.map((f) => f.contentType)).toEqual(['image/jpeg', 'image/webp']);
    const served = await Promise.all(
      files.map(async (f) => {
        const answer = await fetch(f.url, { headers: { authorization: server.readKey.authorization } });
        return { status: answer.status, contentType: answer.headers.get('content-type'), bytes: Buffer.from(await answer.arrayBuffer()) };
      }),
    );
    process.stdout.write(`GridFS images: ${served.map((s) => s.status).join(', ')}\n`);
    expect(served.map((s) => s.status)).toEqual([200, 200]);
    expect(served.map((s) => s.contentType)).toEqual(['image/jpeg', 'image/webp']);
    expect(served[0]?.bytes.equals(original)).toBe(true);
    expect(served[1]?.bytes.equals(thumbnail)).toBe(true);
  });

  it('applies the same checks: a key is needed, names the store does not write are 400, missing files 404', async () => {
    expect((await get(`/images/${DAVIS_ID}/${sha}.jpg`, null)).status).toBe(401);
    expect((await get(`/images/${DAVIS_ID}/..%2F${sha}.jpg`)).status).toBe(400);
    expect((await get(`/images/${DAVIS_ID}/${sha}.txt`)).status).toBe(400);
    expect((await get(`/images/${DAVIS_ID}/${'f'.repeat(64)}.jpg`)).status).toBe(404);
    expect((await get(`/images/other-property/${sha}.jpg`)).status).toBe(404);
  });
});

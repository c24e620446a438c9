import { request } from 'node:http';
import { join } from 'node:path';
import { toContentHash } from '@phx/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startGraphqlProcess, type GraphqlProcess } from './support/graphql-process.js';
import { recordTestPhoto } from './support/photo-records.js';
import { DAVIS_ID } from './support/sample-properties.js';

const SHA = toContentHash('ab'.repeat(32));
const IMAGES = `query($id: ID!) { images(propertyId: $id) { original { url } thumbnail { url } } }`;

/** POSTs the images query with the headers a client (or an attacker) chooses, `Host` included. */
async function imageUrls(server: GraphqlProcess, headers: Readonly<Record<string, string>>): Promise<string[]> {
  const { hostname, port, pathname } = new URL(server.url);
  const body = JSON.stringify({ query: IMAGES, variables: { id: DAVIS_ID } });
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        path: pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: server.readKey.authorization, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
  const parsed = JSON.parse(text) as { data?: { images: { original: { url: string }; thumbnail: { url: string } | null }[] } };
  if (parsed.data === undefined) throw new Error(`images query failed: ${text}`);
  return parsed.data.images.flatMap((i) => [i.original.url, ...(i.thumbnail === null ? [] : [i.thumbnail.url])]);
}

/** Records one photo with a thumbnail in the server's database, as a worker would (the files need not exist here). */
async function recordPhoto(server: GraphqlProcess): Promise<void> {
  await recordTestPhoto(
    server.database.db,
    SHA,
    { location: join('/nowhere', DAVIS_ID, `${SHA}.jpg`), byteLength: 1_000 },
    { location: join('/nowhere', DAVIS_ID, `${SHA}.thumb.webp`), byteLength: 100 },
  );
}

const ATTACK = { host: 'evil.example:666', 'x-forwarded-host': 'evil.example:666', 'x-forwarded-proto': 'https' };

describe('public URLs of images: PUBLIC_URL, forwarded headers only from a trusted proxy, never an untrusted Host', () => {
  let server: GraphqlProcess | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('without PUBLIC_URL, and with a trusted proxy that is not the caller, builds URLs on the server’s own address', async () => {
    server = await startGraphqlProcess('public_url_none', { TRUSTED_PROXIES: '10.1.2.3' });
    await recordPhoto(server);
    const urls = await imageUrls(server, ATTACK);
    expect(urls).toEqual([`${server.origin}/images/${DAVIS_ID}/${SHA}.jpg`, `${server.origin}/images/${DAVIS_ID}/${SHA}.thumb.webp`]);
    expect(urls.join(' ')).not.toContain('evil.example');
  });

  it('with PUBLIC_URL, builds every URL on it (https, a path prefix), whatever Host says', async () => {
    server = await startGraphqlProcess('public_url_set', { PUBLIC_URL: 'https://photos.example.com/phx/' });
    await recordPhoto(server);
    expect(await imageUrls(server, ATTACK)).toEqual([
      `https://photos.example.com/phx/images/${DAVIS_ID}/${SHA}.jpg`,
      `https://photos.example.com/phx/images/${DAVIS_ID}/${SHA}.thumb.webp`,
    ]);
  });

  it('behind a trusted proxy, follows X-Forwarded-Proto and X-Forwarded-Host, and refuses a malformed forwarded host', async () => {
    server = await startGraphqlProcess('public_url_proxy', { TRUSTED_PROXIES: 'loopback' });
    await recordPhoto(server);
    expect(await imageUrls(server, { host: 'internal:4000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'api.example.org' })).toEqual(
      [`https://api.example.org/images/${DAVIS_ID}/${SHA}.jpg`, `https://api.example.org/images/${DAVIS_ID}/${SHA}.thumb.webp`],
    );
    const bad = await imageUrls(server, { host: 'internal:4000', 'x-forwarded-host': 'evil.example/x?y' });
    expect(bad[0]).toBe(`${server.origin}/images/${DAVIS_ID}/${SHA}.jpg`);
  });
});

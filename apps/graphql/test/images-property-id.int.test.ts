import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileImageStore, InvalidInputError, toPropertyId, type PropertyId } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';

/** An address of about `length` characters whose property id is as long as the address. */
function longAddress(length: number): string {
  const base = '4732 W Davis Rd Glendale AZ 85306 ';
  return `${base}${'x'.repeat(Math.max(0, length - base.length))}`;
}

describe('property ids: the image store and /images accept the same ids; longer addresses are refused at input', () => {
  let harness: GraphqlHarness;
  let sandbox: string;
  let store: FileImageStore;
  let origin: string;
  let url: string;
  const bytes = randomBytes(2_000);
  const fileName = `${createHash('sha256').update(bytes).digest('hex')}.jpg`;

  beforeAll(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'phx-images-id-'));
    store = new FileImageStore({ rootDir: sandbox });
    harness = await openGraphqlHarness('images_id', { config: { imagesDir: sandbox } });
    url = await harness.server.start();
    origin = new URL(url).origin;
  });
  afterAll(async () => {
    await harness?.close();
    if (sandbox !== undefined) await rm(sandbox, { recursive: true, force: true });
  });

  const get = (propertyId: string): Promise<Response> =>
    fetch(`${origin}/images/${propertyId}/${fileName}`, { headers: { authorization: harness.readKey.authorization } });

  it('serves the photos of a 230-character address that the store accepted', async () => {
    const propertyId = toPropertyId(longAddress(230));
    expect(propertyId.length).toBe(230);
    await store.put(propertyId, fileName, bytes);
    const response = await get(propertyId);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('for ids of every length around the limits, the store stores exactly what /images serves, and the rest is a bad request', async () => {
    const verdicts: string[] = [];
    for (const length of [199, 200, 201, 254, 255, 256, 300]) {
      const propertyId = 'p'.repeat(length) as PropertyId;
      const stored = await store.put(propertyId, fileName, bytes).then(
        () => true,
        (error: unknown) => (error instanceof InvalidInputError ? false : Promise.reject(error)),
      );
      const status = (await get(propertyId)).status;
      verdicts.push(`${length}: store ${stored ? 'stores' : 'refuses'}, /images ${status}`);
      expect(status, verdicts.join('; ')).toBe(stored ? 200 : 400);
    }
  });

  it('refuses at input an address whose id would make a folder name over 255 bytes (enqueue over HTTP, toPropertyId)', async () => {
    const address = longAddress(300);
    expect(() => toPropertyId(address)).toThrow(InvalidInputError);
    const response = await postGraphql<unknown>(
      url,
      'mutation($a: [String!]) { enqueueExtraction(input: { addresses: $a }) { id } }',
      { a: [address] },
      harness.adminKey.authorization,
    );
    const [error] = response.body.errors ?? [];
    expect(error?.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error?.message).toMatch(/255/);
  });

  it('names the propertyId argument when it has no Latin letter or digit (images and photos), and reads an address-like id as its slug', async () => {
    for (const [field, value] of [
      ['images', ''],
      ['photos', '!!!'],
      ['photos', 'Улица'],
    ] as const) {
      const response = await postGraphql<unknown>(
        url,
        `query($p: ID!) { ${field}(propertyId: $p) { sha256 } }`,
        { p: value },
        harness.readKey.authorization,
      );
      const [error] = response.body.errors ?? [];
      expect(error?.extensions?.['code'], field).toBe('BAD_USER_INPUT');
      expect(error?.message).toBe(
        `Invalid argument: propertyId: "${value}" has no Latin letter or digit (a-z, 0-9; accents are dropped), which a property id ` +
          'is made of: write the address in Latin letters, as the sites list US addresses (give a property id or an address)',
      );
    }
    const slug = await postGraphql<{ photos: unknown[] }>(
      url,
      'query { photos(propertyId: "../etc") { sha256 } }',
      {},
      harness.readKey.authorization,
    );
    expect(slug.body).toEqual({ data: { photos: [] } });
  });
});

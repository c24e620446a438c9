import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { toPropertyId } from '../../src/model/index.js';
import { FileImageStore } from '../../src/store/index.js';
import { describeImageStoreContract } from '../../src/testing/index.js';

describeImageStoreContract('FileImageStore', {
  create: async () => new FileImageStore({ rootDir: await mkdtemp(join(tmpdir(), 'phx-store-contract-')) }),
  destroy: async (store) => rm((store as FileImageStore).rootDir, { recursive: true, force: true }),
});

describeImageStoreContract('FileImageStore without fsync', {
  create: async () => new FileImageStore({ rootDir: await mkdtemp(join(tmpdir(), 'phx-store-contract-')), fsync: false }),
  destroy: async (store) => rm((store as FileImageStore).rootDir, { recursive: true, force: true }),
});

describe('FileImageStore on disk', () => {
  const propertyId = toPropertyId('4732 W Davis Rd, Glendale, AZ 85306');
  let rootDir: string;

  beforeEach(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'phx-store-'));
  });
  afterEach(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('lays files out as <rootDir>/<propertyId>/<fileName> and leaves no temporary file', async () => {
    const store = new FileImageStore({ rootDir });
    const stored = await store.put(propertyId, 'abc.jpg', Buffer.from('photo bytes'));
    expect(stored.location).toBe(join(rootDir, propertyId, 'abc.jpg'));
    expect(await readFile(stored.location, 'utf8')).toBe('photo bytes');
    expect(await readdir(join(rootDir, propertyId))).toEqual(['abc.jpg']);
  });

  it('writes the manifest as JSON next to the photos, replaces it whole, and does not list it', async () => {
    const store = new FileImageStore({ rootDir });
    await store.put(propertyId, 'abc.jpg', Buffer.from('photo bytes'));
    const first = await store.writeManifest(propertyId, { propertyId, writtenAt: new Date(0), photos: [] });
    expect(first).toBe(join(rootDir, propertyId, 'manifest.json'));
    await store.writeManifest(propertyId, { propertyId, writtenAt: new Date(1000), photos: [] });
    expect(JSON.parse(await readFile(first, 'utf8'))).toEqual({ propertyId, writtenAt: new Date(1000).toISOString(), photos: [] });
    expect((await readdir(join(rootDir, propertyId))).sort()).toEqual(['abc.jpg', 'manifest.json']);
    expect(await store.list(propertyId)).toEqual(['abc.jpg']);
  });

  it('resolves a relative root folder to an absolute one', () => {
    const store = new FileImageStore({ rootDir: relative(process.cwd(), rootDir) });
    expect(store.rootDir).toBe(rootDir);
  });

  it('never lists, serves or trusts a half-written temporary file left by a crash', async () => {
    const store = new FileImageStore({ rootDir });
    const folder = join(rootDir, propertyId);
    await mkdir(folder, { recursive: true });
    const leftover = join(folder, `.abc.jpg.${randomUUID()}.tmp`);
    await writeFile(leftover, 'half a fi');
    expect(await store.list(propertyId)).toEqual([]);
    expect(await store.get(propertyId, 'abc.jpg')).toBeNull();
    expect(await store.put(propertyId, 'abc.jpg', Buffer.from('the whole file'))).toMatchObject({ created: true });
    expect(await store.get(propertyId, 'abc.jpg')).toEqual(Buffer.from('the whole file'));
    expect(await store.list(propertyId)).toEqual(['abc.jpg']);
  });

  it('removes temporary files older than the given age only', async () => {
    const now = new Date('2025-03-01T12:00:00Z');
    const store = new FileImageStore({ rootDir, clock: { now: () => now } });
    const folder = join(rootDir, propertyId);
    await mkdir(folder, { recursive: true });
    const [old, young] = [join(folder, '.a.jpg.1.tmp'), join(folder, '.b.jpg.2.tmp')];
    await writeFile(old, 'x');
    await writeFile(young, 'y');
    await utimes(old, new Date('2025-03-01T10:00:00Z'), new Date('2025-03-01T10:00:00Z'));
    await utimes(young, new Date('2025-03-01T11:59:00Z'), new Date('2025-03-01T11:59:00Z'));
    await store.put(propertyId, 'kept.jpg', Buffer.from('z'));
    expect(await store.removeTemporaryFiles(propertyId, 3_600_000)).toBe(1);
    expect((await readdir(folder)).sort()).toEqual(['.b.jpg.2.tmp', 'kept.jpg']);
    expect(await store.removeTemporaryFiles(toPropertyId('no such property'))).toBe(0);
  });

  it('lets exactly one of two stores on the same folder (two processes) create a file', async () => {
    const [a, b] = [new FileImageStore({ rootDir }), new FileImageStore({ rootDir })];
    const bytes = Buffer.alloc(1_000_000, 7);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).put(propertyId, 'same.jpg', bytes)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await readdir(join(rootDir, propertyId))).toEqual(['same.jpg']);
  });

  it('rejects invalid options, listing every problem', () => {
    const call = (): FileImageStore => new FileImageStore({ rootDir: '', fsync: 'yes' as unknown as boolean });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/rootDir: must be a folder path; fsync:/);
  });
});

import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors/index.js';
import { toPropertyId } from '../model/ids.js';
import type { PropertyId } from '../model/ids.js';
import type { ImageStore } from '../ports/image-store.js';
import { useContractSubject } from './contract-factory.js';
import type { ContractFactory } from './contract-factory.js';

function freshProperty(): PropertyId {
  return toPropertyId(`contract ${randomUUID()}`);
}

function fileFor(bytes: Uint8Array, extension = 'jpg'): string {
  return `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
}

function bytesOf(text: string, length = 4096): Buffer {
  return Buffer.alloc(length, text);
}

/** Byte equality without vitest's slow element-by-element diff of large buffers. */
function expectSameBytes(actual: Buffer | null, expected: Buffer): void {
  expect(actual).not.toBeNull();
  expect(actual?.length).toBe(expected.length);
  expect(actual?.equals(expected)).toBe(true);
}

/**
 * Registers the contract every {@link ImageStore} must pass (put/get/list/listFiles,
 * idempotence, replacement of a damaged file, exactly one creator under concurrency, isolation between
 * properties, rejection of unsafe names) as a vitest `describe` block.
 *
 * @param name - implementation name shown in the test report
 * @param factory - makes the store for each test; see {@link ContractFactory}
 * @example
 * ```ts
 * import { GridFsImageStore } from '@phx/jobs';
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * describeImageStoreContract('GridFsImageStore', {
 *   create: () => new GridFsImageStore({ db }),
 * });
 * ```
 */
export function describeImageStoreContract(name: string, factory: ContractFactory<ImageStore>): void {
  describe(`ImageStore contract: ${name}`, () => {
    const store = useContractSubject(factory);

    it('stores bytes and reads them back', async () => {
      const propertyId = freshProperty();
      const bytes = bytesOf('a', 300_000);
      const stored = await store().put(propertyId, fileFor(bytes), bytes);
      expect(stored.created).toBe(true);
      expect(stored.location).toEqual(expect.any(String));
      expect(stored.location.length).toBeGreaterThan(0);
      expectSameBytes(await store().get(propertyId, fileFor(bytes)), bytes);
    });

    it('is idempotent: a second put of a name keeps the first bytes and reports created: false', async () => {
      const propertyId = freshProperty();
      const first = bytesOf('b');
      const name = fileFor(first);
      const a = await store().put(propertyId, name, first);
      const b = await store().put(propertyId, name, bytesOf('z'));
      expect([a.created, b.created]).toEqual([true, false]);
      expect(b.location).toBe(a.location);
      expectSameBytes(await store().get(propertyId, name), first);
    });

    it('lets exactly one of many concurrent puts of a name create it', async () => {
      const propertyId = freshProperty();
      const bytes = bytesOf('c', 200_000);
      const results = await Promise.all(Array.from({ length: 12 }, () => store().put(propertyId, fileFor(bytes), bytes)));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await store().list(propertyId)).toEqual([fileFor(bytes)]);
      expectSameBytes(await store().get(propertyId, fileFor(bytes)), bytes);
    });

    it('replaces a file of another size than the bytes put (a damaged file): created: true, the new bytes read back, one file', async () => {
      const propertyId = freshProperty();
      const whole = bytesOf('k', 120_000);
      const name = fileFor(whole);
      await store().put(propertyId, name, whole.subarray(0, 50_000));
      const repaired = await store().put(propertyId, name, whole);
      expect(repaired.created).toBe(true);
      expectSameBytes(await store().get(propertyId, name), whole);
      expect(await store().listFiles(propertyId)).toEqual([{ fileName: name, byteLength: 120_000 }]);
      // A put of the same size after that keeps what is stored.
      expect((await store().put(propertyId, name, bytesOf('y', 120_000))).created).toBe(false);
      expectSameBytes(await store().get(propertyId, name), whole);
    });

    it('ends concurrent puts over a damaged file with the whole bytes, listed once', async () => {
      const propertyId = freshProperty();
      const whole = bytesOf('m', 200_000);
      const name = fileFor(whole);
      await store().put(propertyId, name, bytesOf('garbage', 10));
      const results = await Promise.all(Array.from({ length: 6 }, () => store().put(propertyId, name, whole)));
      expect(results.filter((r) => r.created).length).toBeGreaterThanOrEqual(1);
      expectSameBytes(await store().get(propertyId, name), whole);
      expect(await store().listFiles(propertyId)).toEqual([{ fileName: name, byteLength: 200_000 }]);
    });

    it('keeps a copy: changing the caller buffer after put changes nothing stored', async () => {
      const propertyId = freshProperty();
      const bytes = bytesOf('d');
      const name = fileFor(bytes);
      await store().put(propertyId, name, bytes);
      bytes.fill('x');
      expectSameBytes(await store().get(propertyId, name), bytesOf('d'));
    });

    it('lists the names of a property sorted, and nothing for an unknown property', async () => {
      const propertyId = freshProperty();
      const names = ['e', 'f', 'g'].map((c) => bytesOf(c)).map((b) => ({ b, n: fileFor(b, 'webp') }));
      for (const { b, n } of [...names].reverse()) await store().put(propertyId, n, b);
      expect(await store().list(propertyId)).toEqual(names.map((x) => x.n).sort());
      expect(await store().list(freshProperty())).toEqual([]);
      expect(await store().get(freshProperty(), names[0]?.n ?? 'x.jpg')).toBeNull();
      expect(await store().get(propertyId, fileFor(bytesOf('missing')))).toBeNull();
    });

    it('lists each file with its size in bytes, sorted by name, like list', async () => {
      const propertyId = freshProperty();
      const files = [bytesOf('n', 10), bytesOf('o', 70_000), bytesOf('p', 1)].map((b) => ({
        fileName: fileFor(b),
        byteLength: b.length,
        b,
      }));
      for (const f of files) await store().put(propertyId, f.fileName, f.b);
      const sorted = files.map(({ fileName, byteLength }) => ({ fileName, byteLength })).sort((x, y) => (x.fileName < y.fileName ? -1 : 1));
      expect(await store().listFiles(propertyId)).toEqual(sorted);
      expect((await store().listFiles(propertyId)).map((f) => f.fileName)).toEqual(await store().list(propertyId));
      expect(await store().listFiles(freshProperty())).toEqual([]);
      await expect(store().listFiles('../outside' as PropertyId)).rejects.toBeInstanceOf(InvalidInputError);
    });

    it('keeps properties apart', async () => {
      const [p1, p2] = [freshProperty(), freshProperty()];
      const bytes = bytesOf('h');
      const a = await store().put(p1, fileFor(bytes), bytes);
      const b = await store().put(p2, fileFor(bytes), bytes);
      expect([a.created, b.created]).toEqual([true, true]);
      expect(a.location).not.toBe(b.location);
      expect(await store().list(p1)).toEqual([fileFor(bytes)]);
      expect(await store().list(p2)).toEqual([fileFor(bytes)]);
    });

    it.each(['../escape.jpg', 'a/b.jpg', 'a\\b.jpg', '..', '.', '', '.hidden.jpg'])(
      'rejects the file name %j with InvalidInputError and stores nothing',
      async (fileName) => {
        const propertyId = freshProperty();
        await expect(store().put(propertyId, fileName, bytesOf('i'))).rejects.toBeInstanceOf(InvalidInputError);
        await expect(store().get(propertyId, fileName)).rejects.toBeInstanceOf(InvalidInputError);
        expect(await store().list(propertyId)).toEqual([]);
      },
    );

    it('rejects a property id that is not one plain path segment', async () => {
      const bytes = bytesOf('j');
      const bad = '../outside' as PropertyId;
      await expect(store().put(bad, fileFor(bytes), bytes)).rejects.toBeInstanceOf(InvalidInputError);
      await expect(store().list(bad)).rejects.toBeInstanceOf(InvalidInputError);
    });
  });
}

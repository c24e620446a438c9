import type { PropertyId } from '../model/ids.js';
import type { ImageStore, StoredFile, StoredFileInfo } from '../ports/image-store.js';
import { assertStorePath } from './assert-store-path.js';

/**
 * An {@link ImageStore} in process memory: the reference implementation of
 * the port, for tests and dry experiments. Locations are
 * `memory://<propertyId>/<fileName>`. Holds copies of the bytes, so callers
 * may reuse their buffers. Everything is lost when the process ends.
 *
 * @example
 * ```ts
 * import type { PropertyId } from '@phx/core';
 * declare const propertyId: PropertyId, sha256: string, bytes: Uint8Array;
 * const store = new MemoryImageStore();
 * const { created } = await store.put(propertyId, `${sha256}.jpg`, bytes);
 * ```
 */
export class MemoryImageStore implements ImageStore {
  readonly #files = new Map<string, Map<string, Buffer>>();

  /** {@inheritDoc ImageStore.put} */
  async put(propertyId: PropertyId, fileName: string, bytes: Uint8Array): Promise<StoredFile> {
    assertStorePath(propertyId, fileName);
    const location = `memory://${propertyId}/${fileName}`;
    let folder = this.#files.get(propertyId);
    if (folder === undefined) {
      folder = new Map();
      this.#files.set(propertyId, folder);
    }
    // Synchronous check-and-set: concurrent callers cannot interleave here, so exactly one creates (or replaces a damaged file).
    if (folder.get(fileName)?.length === bytes.length) return { location, created: false };
    folder.set(fileName, Buffer.from(bytes));
    return { location, created: true };
  }

  /** {@inheritDoc ImageStore.get} */
  async get(propertyId: PropertyId, fileName: string): Promise<Buffer | null> {
    assertStorePath(propertyId, fileName);
    const bytes = this.#files.get(propertyId)?.get(fileName);
    return bytes === undefined ? null : Buffer.from(bytes);
  }

  /** {@inheritDoc ImageStore.list} */
  async list(propertyId: PropertyId): Promise<string[]> {
    assertStorePath(propertyId);
    return [...(this.#files.get(propertyId)?.keys() ?? [])].sort();
  }

  /** {@inheritDoc ImageStore.listFiles} */
  async listFiles(propertyId: PropertyId): Promise<StoredFileInfo[]> {
    assertStorePath(propertyId);
    const folder = this.#files.get(propertyId) ?? new Map<string, Buffer>();
    return (await this.list(propertyId)).map((fileName) => ({ fileName, byteLength: folder.get(fileName)?.length ?? 0 }));
  }
}

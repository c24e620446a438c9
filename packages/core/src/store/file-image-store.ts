import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { PropertyId } from '../model/ids.js';
import { systemClock } from '../ports/clock.js';
import type { Clock } from '../ports/clock.js';
import { MANIFEST_FILE_NAME } from '../ports/image-store.js';
import type { ImageStore, PropertyManifest, StoredFile, StoredFileInfo } from '../ports/image-store.js';
import { noopLogger } from '../ports/logger.js';
import type { Logger } from '../ports/logger.js';
import { parseInput } from '../validation/index.js';
import { assertStorePath } from './assert-store-path.js';

/** Options of {@link FileImageStore}. */
export interface FileImageStoreOptions {
  /** Folder holding one sub-folder per property; created when missing. Relative paths resolve against the working directory. Required. */
  readonly rootDir: string;
  /**
   * When `true`, each file's data is flushed to the disk (`fsync`) before it
   * gets its real name, so even a power cut cannot leave an empty file under
   * that name. Default `true`; `false` is faster and still safe against a
   * process crash.
   */
  readonly fsync?: boolean;
  /** Logger for the rare fallbacks; default no-op. */
  readonly logger?: Logger;
  /** Clock deciding the age of temporary files; default the system clock. */
  readonly clock?: Clock;
}

/** Defaults of {@link FileImageStoreOptions} (all but the required `rootDir`). */
export const DEFAULT_FILE_IMAGE_STORE_OPTIONS = Object.freeze({
  fsync: true,
  logger: noopLogger,
  clock: systemClock,
});

const optionsSchema = z.object({
  rootDir: z.string().min(1, 'must be a folder path'),
  fsync: z.boolean().optional(),
  logger: z.custom<Logger>((v) => typeof (v as Logger | null)?.child === 'function', 'must be a Logger').optional(),
  clock: z.custom<Clock>((v) => typeof (v as Clock | null)?.now === 'function', 'must be a Clock').optional(),
});

const TEMP_SUFFIX = '.tmp';
// Where the file system has no hard links, fall back to rename (atomic, but last writer wins across processes).
const NO_HARD_LINK_CODES = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK']);

function errorCode(error: unknown): string | undefined {
  const code: unknown = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The size in bytes of the file at `path`, or `null` when there is none. */
async function sizeOf(path: string): Promise<number | null> {
  return stat(path).then(
    (info) => info.size,
    (error: unknown) => {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    },
  );
}

/**
 * The default {@link ImageStore}: files on the local disk, laid out as
 * `<rootDir>/<propertyId>/<fileName>`; locations are absolute file paths.
 *
 * Each file is written under a hidden temporary name
 * (`.<fileName>.<uuid>.tmp`) in the same folder, flushed, then hard-linked to
 * its real name, which fails if the name exists. So a crash leaves no partial
 * file under a real name, the real name appears atomically, and among
 * concurrent writers (in this process or others) exactly one sees
 * `created: true`. A file already under the name whose size differs from the
 * bytes (a damaged one) is replaced by renaming the flushed temporary file
 * over it, which is atomic too. Temporary files are never listed; a crash may
 * leave one behind, which {@link FileImageStore.removeTemporaryFiles} deletes.
 *
 * @example
 * ```ts
 * import type { PropertyId } from '@phx/core';
 * declare const propertyId: PropertyId, sha256: string, bytes: Uint8Array;
 * const store = new FileImageStore({ rootDir: '/var/lib/phx/images' });
 * const { location, created } = await store.put(propertyId, `${sha256}.jpg`, bytes);
 * ```
 */
export class FileImageStore implements ImageStore {
  /** Absolute root folder. */
  readonly rootDir: string;
  readonly #fsync: boolean;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #inFlight = new Map<string, Promise<StoredFile>>();

  /**
   * @param options - root folder, durability, logger and clock
   * @throws {@link InvalidInputError} when the options are invalid
   */
  constructor(options: FileImageStoreOptions) {
    const parsed = parseInput(optionsSchema, options, 'FileImageStore options');
    this.rootDir = resolve(parsed.rootDir);
    this.#fsync = parsed.fsync ?? DEFAULT_FILE_IMAGE_STORE_OPTIONS.fsync;
    this.#logger = (parsed.logger ?? DEFAULT_FILE_IMAGE_STORE_OPTIONS.logger).child({ component: 'file-image-store' });
    this.#clock = parsed.clock ?? DEFAULT_FILE_IMAGE_STORE_OPTIONS.clock;
  }

  /** {@inheritDoc ImageStore.put} */
  async put(propertyId: PropertyId, fileName: string, bytes: Uint8Array): Promise<StoredFile> {
    assertStorePath(propertyId, fileName);
    const target = join(this.rootDir, propertyId, fileName);
    const pending = this.#inFlight.get(target);
    if (pending !== undefined) {
      await pending;
      return { location: target, created: false };
    }
    const write = this.#write(propertyId, target, fileName, bytes);
    this.#inFlight.set(target, write);
    try {
      return await write;
    } finally {
      this.#inFlight.delete(target);
    }
  }

  /** {@inheritDoc ImageStore.get} */
  async get(propertyId: PropertyId, fileName: string): Promise<Buffer | null> {
    assertStorePath(propertyId, fileName);
    try {
      return await readFile(join(this.rootDir, propertyId, fileName));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
  }

  /** {@inheritDoc ImageStore.list} */
  async list(propertyId: PropertyId): Promise<string[]> {
    assertStorePath(propertyId);
    try {
      const entries = await readdir(join(this.rootDir, propertyId), { withFileTypes: true });
      return entries
        .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name !== MANIFEST_FILE_NAME)
        .map((e) => e.name)
        .sort();
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
  }

  /** {@inheritDoc ImageStore.listFiles} */
  async listFiles(propertyId: PropertyId): Promise<StoredFileInfo[]> {
    const folder = join(this.rootDir, propertyId);
    const names = await this.list(propertyId);
    const files = await Promise.all(
      names.map(async (fileName) => {
        const byteLength = await sizeOf(join(folder, fileName));
        // A file deleted between the listing and its stat is left out, as a later listing would.
        return byteLength === null ? [] : [{ fileName, byteLength }];
      }),
    );
    return files.flat();
  }

  /**
   * Writes `<rootDir>/<propertyId>/manifest.json` (the property's records as
   * pretty JSON) under a temporary name, flushed, then renamed over the old
   * one: readers see the old or the new manifest, never a half one.
   *
   * @param propertyId - owner property
   * @param manifest - the property's photo records
   * @returns the manifest's absolute path
   */
  async writeManifest(propertyId: PropertyId, manifest: PropertyManifest): Promise<string> {
    assertStorePath(propertyId, MANIFEST_FILE_NAME);
    const folder = join(this.rootDir, propertyId);
    await mkdir(folder, { recursive: true });
    const target = join(folder, MANIFEST_FILE_NAME);
    const temp = join(folder, `.${MANIFEST_FILE_NAME}.${randomUUID()}${TEMP_SUFFIX}`);
    try {
      await this.#writeTemp(temp, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    return target;
  }

  /**
   * Deletes the temporary files a crashed writer left in a property's folder.
   * Files younger than `olderThanMs` are kept: another process may still be
   * writing them.
   *
   * @param propertyId - the property folder to clean
   * @param olderThanMs - minimum age in ms of a temporary file to delete; default 3 600 000 (1 h)
   * @returns how many files were deleted
   */
  async removeTemporaryFiles(propertyId: PropertyId, olderThanMs = 3_600_000): Promise<number> {
    assertStorePath(propertyId);
    const folder = join(this.rootDir, propertyId);
    const names = await readdir(folder).catch((error: unknown) => {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    });
    const cutoffMs = this.#clock.now().getTime() - olderThanMs;
    let removed = 0;
    for (const name of names.filter((n) => n.startsWith('.') && n.endsWith(TEMP_SUFFIX))) {
      const info = await stat(join(folder, name)).catch(() => null);
      if (info === null || info.mtimeMs > cutoffMs) continue;
      await rm(join(folder, name), { force: true });
      removed += 1;
    }
    return removed;
  }

  async #write(propertyId: PropertyId, target: string, fileName: string, bytes: Uint8Array): Promise<StoredFile> {
    const storedSize = await sizeOf(target);
    if (storedSize === bytes.length) return { location: target, created: false };
    const folder = join(this.rootDir, propertyId);
    await mkdir(folder, { recursive: true });
    const temp = join(folder, `.${fileName}.${randomUUID()}${TEMP_SUFFIX}`);
    try {
      await this.#writeTemp(temp, bytes);
      if (storedSize === null) return { location: target, created: await this.#publish(temp, target) };
      // A damaged file (another size than its name's bytes): the rename replaces it atomically.
      this.#logger.warn({ location: target, storedBytes: storedSize, byteLength: bytes.length }, 'damaged file replaced');
      await rename(temp, target);
      return { location: target, created: true };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async #writeTemp(temp: string, bytes: Uint8Array): Promise<void> {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      if (this.#fsync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Gives the finished temporary file its real name unless that exists; `true` when this call did. */
  async #publish(temp: string, target: string): Promise<boolean> {
    try {
      await link(temp, target);
      return true;
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return false;
      if (code === undefined || !NO_HARD_LINK_CODES.has(code)) throw error;
      this.#logger.warn({ code, location: target }, 'hard links unsupported; publishing by rename');
      if ((await sizeOf(target)) !== null) return false;
      await rename(temp, target);
      return true;
    }
  }
}

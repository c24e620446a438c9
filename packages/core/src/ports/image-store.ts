import type { PropertyId } from '../model/ids.js';
import type { PhotoRecord } from './photo-repository.js';

/** Name of the per-property manifest an image store may keep next to the photos. */
export const MANIFEST_FILE_NAME = 'manifest.json';

/** The per-property manifest: every photo record of the property, as JSON next to its files. */
export interface PropertyManifest {
  /** The property. */
  readonly propertyId: PropertyId;
  /** When the manifest was written. */
  readonly writtenAt: Date;
  /** Its photo records (hash, perceptual hash, dimensions, format, bytes, variants, duplicates, sources, URLs, first/last seen, removal), oldest first. */
  readonly photos: readonly PhotoRecord[];
}

/** Where a stored file ended up. */
export interface StoredFile {
  /** Location a reader can use: an absolute file path (file system) or a `gridfs://` URI. */
  readonly location: string;
  /** `true` when this call wrote the file; `false` when it was already stored. */
  readonly created: boolean;
}

/** One stored file of a property, as {@link ImageStore.listFiles} reports it. */
export interface StoredFileInfo {
  /** The stored name, `<sha256>.<ext>` or `<sha256>.<variant>.<ext>`. */
  readonly fileName: string;
  /** Its size in bytes as stored (a damaged file's size, not the size it should have). */
  readonly byteLength: number;
}

/**
 * Stores photo files per property, by name (the name is the content hash plus
 * an extension, so a name always means the same bytes).
 *
 * Implementations: `FileImageStore` (default, local disk) and a MongoDB GridFS
 * store in `@phx/jobs` for workers on several machines. Both pass one contract
 * suite.
 *
 * Concurrency: `put` of the same name from several callers at once is safe;
 * exactly one creates it. Atomic: a reader never sees a half-written file, and a
 * crash in the middle of `put` leaves no file under `fileName` (or the file
 * that was there).
 *
 * Damage: since a name always means the same bytes, a stored file whose size
 * differs from the bytes put under its name is damaged (truncated, or
 * overwritten in place); `put` replaces it. A damaged file of the right size
 * is not detected (no store hashes its files).
 */
export interface ImageStore {
  /**
   * Stores `bytes` as `fileName` of `propertyId` unless that name holds a
   * file of `bytes.length` bytes already. A file of another size under the
   * name (a damaged one) is replaced atomically: a reader sees the damaged
   * or the new file, never a half one (the GridFS store may show no file
   * for a moment between the two). Idempotent. Concurrent replacements of
   * one damaged file may each report `created: true`; all leave the new bytes.
   *
   * @param propertyId - owner property (one folder per property)
   * @param fileName - `<sha256>.<ext>`, no path separators
   * @param bytes - the file content
   * @returns the location and whether this call wrote it (created it, or replaced a damaged file)
   * @throws {@link InvalidInputError} when `fileName` or `propertyId` is not
   *   one plain path segment (see `assertStorePath`)
   */
  put(propertyId: PropertyId, fileName: string, bytes: Uint8Array): Promise<StoredFile>;
  /**
   * Reads a stored file.
   *
   * @param propertyId - owner property
   * @param fileName - the stored name
   * @returns its bytes (the caller owns the buffer), or `null` when it is not stored
   * @throws {@link InvalidInputError} when `fileName` or `propertyId` is not a plain name
   */
  get(propertyId: PropertyId, fileName: string): Promise<Buffer | null>;
  /**
   * Lists the file names stored for a property, sorted.
   *
   * @param propertyId - owner property
   * @returns file names (no temporary files); empty when none
   * @throws {@link InvalidInputError} when `propertyId` is not a plain name
   */
  list(propertyId: PropertyId): Promise<string[]>;
  /**
   * Lists the files stored for a property with their sizes, sorted by name:
   * the names `list` returns, each with its size as stored. One listing, no
   * file is read (what `PhotoIndex.load` compares with the records' sizes to
   * find damaged files).
   *
   * @param propertyId - owner property
   * @returns name and size in bytes of each file (no temporary files, no manifest); empty when none
   * @throws {@link InvalidInputError} when `propertyId` is not a plain name
   */
  listFiles(propertyId: PropertyId): Promise<StoredFileInfo[]>;
  /**
   * Optional: writes (or replaces) the property's manifest,
   * {@link MANIFEST_FILE_NAME}, atomically: a reader sees the old or the new
   * one, never a mix. The manifest is not one of the files `list` returns.
   * The extractor calls it after each property when the store has it.
   *
   * @param propertyId - owner property
   * @param manifest - the property's photo records
   * @returns the manifest's location
   */
  writeManifest?(propertyId: PropertyId, manifest: PropertyManifest): Promise<string>;
}

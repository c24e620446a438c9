import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GridFSBucket, MongoServerError, ObjectId } from 'mongodb';
import type { Collection, Db, GridFSFile } from 'mongodb';
import { assertStorePath } from '@phx/core';
import type { ImageStore, PropertyId, StoredFile, StoredFileInfo } from '@phx/core';

/** Default GridFS bucket of photo files: collections `images.files` and `images.chunks`. */
export const IMAGES_BUCKET = 'images';

/** Options of {@link GridFsImageStore}. */
export interface GridFsImageStoreOptions {
  /** Database holding the bucket. Borrowed: never closed here. */
  readonly db: Db;
  /** Bucket name; default {@link IMAGES_BUCKET}. */
  readonly bucketName?: string;
  /** GridFS chunk size in bytes, 1 KiB-15 MiB; default 261 120 (the driver's 255 KiB). */
  readonly chunkSizeBytes?: number;
}

/** What the store keeps in each GridFS file's `metadata`. */
interface ImageFileMetadata {
  readonly propertyId: string;
  readonly fileName: string;
}

/** The `metadata` of an upload that will replace a damaged file, until it takes the file's name. */
interface ReplacementMetadata {
  /** The GridFS name of the file it replaces. */
  readonly replacing: string;
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === 11000;
}

/**
 * Core's {@link ImageStore} on MongoDB GridFS, for workers on several
 * machines: one GridFS file per stored file, named `<propertyId>/<fileName>`
 * (unique index), with `metadata.propertyId` and `metadata.fileName`.
 * Locations are `gridfs://<bucket>/<propertyId, URI-encoded>/<fileName>`.
 *
 * Atomic: GridFS writes every chunk before the file document, and readers
 * look files up by that document, so a reader never sees a half file and a
 * crash mid-upload leaves only unreferenced chunks. Exactly one creator: of
 * concurrent uploads of one name (from any process) only one file document
 * passes the unique index; the others delete their chunks and report
 * `created: false`. Puts of one name from this process also share one upload.
 *
 * A damaged file (another size than the bytes put under its name) is
 * replaced: the new bytes are uploaded under a temporary name, then the
 * damaged file document is deleted and the new one renamed to the file's
 * name. A reader between those two single-document writes finds no file
 * (never a half one); a crash in between leaves no file under the name, which
 * the next run stores again, and an unfinished upload that
 * {@link GridFsImageStore.removeOrphanChunks} deletes.
 *
 * @example
 * ```ts
 * import type { PropertyId } from '@phx/core';
 * import type { Db } from 'mongodb';
 * declare const db: Db, propertyId: PropertyId, sha256: string, bytes: Uint8Array;
 * const store = new GridFsImageStore({ db });
 * await store.ensureIndexes();
 * const { location, created } = await store.put(propertyId, `${sha256}.jpg`, bytes);
 * ```
 */
export class GridFsImageStore implements ImageStore {
  /** Bucket name. */
  readonly bucketName: string;
  private readonly bucket: GridFSBucket;
  private readonly files: Collection<GridFSFile>;
  private readonly chunks: Collection;
  private readonly inFlight = new Map<string, Promise<StoredFile>>();

  /**
   * @param options - database, bucket name and chunk size
   */
  constructor(options: GridFsImageStoreOptions) {
    this.bucketName = options.bucketName ?? IMAGES_BUCKET;
    this.bucket = new GridFSBucket(options.db, {
      bucketName: this.bucketName,
      ...(options.chunkSizeBytes === undefined ? {} : { chunkSizeBytes: options.chunkSizeBytes }),
    });
    this.files = options.db.collection<GridFSFile>(`${this.bucketName}.files`);
    this.chunks = options.db.collection(`${this.bucketName}.chunks`);
  }

  /**
   * Creates the unique index on file names that makes one upload of a name
   * win, and the index `list` uses. Call once before the first `put`. Idempotent.
   */
  async ensureIndexes(): Promise<void> {
    await this.files.createIndex({ filename: 1 }, { unique: true, name: 'filename_unique' });
    await this.files.createIndex({ 'metadata.propertyId': 1 }, { name: 'metadata_propertyId' });
    await this.chunks.createIndex({ files_id: 1, n: 1 }, { unique: true, name: 'files_id_n_unique' });
  }

  /** {@inheritDoc ImageStore.put} */
  async put(propertyId: PropertyId, fileName: string, bytes: Uint8Array): Promise<StoredFile> {
    assertStorePath(propertyId, fileName);
    const name = this.gridName(propertyId, fileName);
    const pending = this.inFlight.get(name);
    if (pending !== undefined) {
      await pending;
      return { location: this.locationOf(propertyId, fileName), created: false };
    }
    const upload = this.upload(propertyId, fileName, Buffer.from(bytes));
    this.inFlight.set(name, upload);
    try {
      return await upload;
    } finally {
      this.inFlight.delete(name);
    }
  }

  /** {@inheritDoc ImageStore.get} */
  async get(propertyId: PropertyId, fileName: string): Promise<Buffer | null> {
    assertStorePath(propertyId, fileName);
    const file = await this.files.findOne({ filename: this.gridName(propertyId, fileName) });
    if (file === null) return null;
    const parts: Buffer[] = [];
    for await (const chunk of this.bucket.openDownloadStream(file._id)) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  /**
   * Opens a stored file for streaming, without reading it whole (for serving
   * it over HTTP). The caller consumes or destroys the stream.
   *
   * @param propertyId - owner property
   * @param fileName - the file's name in the store
   * @returns the download stream and the file's size in bytes, or `null` when no such file is stored
   * @throws core's `InvalidInputError` (from `assertStorePath`) for a name the store never writes
   */
  async openReadStream(
    propertyId: PropertyId,
    fileName: string,
  ): Promise<{ readonly stream: Readable; readonly byteLength: number } | null> {
    assertStorePath(propertyId, fileName);
    const file = await this.files.findOne({ filename: this.gridName(propertyId, fileName) });
    if (file === null) return null;
    return { stream: this.bucket.openDownloadStream(file._id), byteLength: file.length };
  }

  /** {@inheritDoc ImageStore.list} */
  async list(propertyId: PropertyId): Promise<string[]> {
    return (await this.listFiles(propertyId)).map((f) => f.fileName);
  }

  /** {@inheritDoc ImageStore.listFiles} */
  async listFiles(propertyId: PropertyId): Promise<StoredFileInfo[]> {
    assertStorePath(propertyId);
    const files = await this.files.find({ 'metadata.propertyId': propertyId }, { projection: { metadata: 1, length: 1 } }).toArray();
    return files
      .map((f) => ({ fileName: (f.metadata as ImageFileMetadata | undefined)?.fileName ?? '', byteLength: f.length }))
      .filter((f) => f.fileName !== '')
      .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0));
  }

  /**
   * Deletes chunks that no file document references: what an upload that
   * crashed (or lost the race for a name) left behind; and the replacement
   * uploads of damaged files a crash left under their temporary name, with
   * their chunks. Uploads younger than `olderThanMs` are kept: they may
   * still be in progress.
   *
   * @param olderThanMs - minimum age in ms, judged by the chunk and file ids' time; default 3 600 000 (1 h)
   * @returns how many chunks were deleted
   */
  async removeOrphanChunks(olderThanMs = 3_600_000): Promise<number> {
    // ObjectIds count whole seconds: the cutoff rounds up, so 0 takes every chunk up to now.
    const cutoff = ObjectId.createFromTime(Math.floor((Date.now() - olderThanMs) / 1000) + 1);
    await this.files.deleteMany({ _id: { $lt: cutoff }, 'metadata.replacing': { $exists: true } });
    const fileIds = await this.chunks.distinct('files_id', { files_id: { $lt: cutoff } });
    const referenced = new Set(
      (await this.files.find({ _id: { $in: fileIds } }, { projection: { _id: 1 } }).toArray()).map((f) => String(f._id)),
    );
    const orphans = fileIds.filter((id) => !referenced.has(String(id)));
    if (orphans.length === 0) return 0;
    return (await this.chunks.deleteMany({ files_id: { $in: orphans } })).deletedCount;
  }

  private async upload(propertyId: PropertyId, fileName: string, bytes: Buffer): Promise<StoredFile> {
    const location = this.locationOf(propertyId, fileName);
    const name = this.gridName(propertyId, fileName);
    const stored = await this.files.findOne({ filename: name }, { projection: { _id: 1, length: 1 } });
    if (stored !== null && stored.length === bytes.length) return { location, created: false };
    if (stored !== null) return this.replace(propertyId, fileName, bytes, stored._id);
    const metadata: ImageFileMetadata = { propertyId, fileName };
    const stream = this.bucket.openUploadStream(name, { metadata });
    try {
      await pipeline(Readable.from([bytes]), stream);
      return { location, created: true };
    } catch (error) {
      await this.chunks.deleteMany({ files_id: stream.id });
      if (isDuplicateKey(error)) return { location, created: false };
      throw error;
    }
  }

  /** Replaces the damaged file `damagedId` of the name: upload under a temporary name, then swap the file documents. */
  private async replace(propertyId: PropertyId, fileName: string, bytes: Buffer, damagedId: ObjectId): Promise<StoredFile> {
    const location = this.locationOf(propertyId, fileName);
    const name = this.gridName(propertyId, fileName);
    const replacing: ReplacementMetadata = { replacing: name };
    const stream = this.bucket.openUploadStream(`${name}.${new ObjectId().toHexString()}.tmp`, { metadata: replacing });
    try {
      await pipeline(Readable.from([bytes]), stream);
      await this.files.deleteOne({ _id: damagedId });
      const metadata: ImageFileMetadata = { propertyId, fileName };
      await this.files.updateOne({ _id: stream.id }, { $set: { filename: name, metadata } });
    } catch (error) {
      await this.files.deleteOne({ _id: stream.id });
      await this.chunks.deleteMany({ files_id: stream.id });
      // Another process put the whole file under the name first.
      if (isDuplicateKey(error)) return { location, created: false };
      throw error;
    }
    await this.chunks.deleteMany({ files_id: damagedId });
    return { location, created: true };
  }

  private gridName(propertyId: string, fileName: string): string {
    return `${propertyId}/${fileName}`;
  }

  private locationOf(propertyId: string, fileName: string): string {
    return `gridfs://${this.bucketName}/${encodeURIComponent(propertyId)}/${fileName}`;
  }
}

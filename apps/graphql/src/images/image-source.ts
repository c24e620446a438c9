import type { Readable } from 'node:stream';
import { toPropertyId, type PropertyId } from '@phx/core';
import { openStoredImage, storedImageContentType, type ImagePathRejection } from './stored-image-path.js';

/** A stored image ready to send. The caller calls `close()` once done, sent or not. */
export interface ImageFile {
  /** Its size in bytes. */
  readonly byteLength: number;
  /** Content-Type from its extension, e.g. `image/webp`. */
  readonly contentType: string;
  /** The bytes; call at most once. */
  stream(): Readable;
  /** Releases what was opened (file handle or download stream). Idempotent. */
  close(): Promise<void>;
}

/**
 * Where `/images` reads stored photos: checks the requested names against
 * the shapes the image store writes, then opens the file.
 *
 * @param propertyId - the decoded property segment
 * @param fileName - the decoded file segment
 * @returns the file, or why it was refused (`bad-request`: not a store name; `not-found`: not stored)
 */
export type ImageSource = (propertyId: string, fileName: string) => Promise<ImageFile | ImagePathRejection>;

/** What {@link createGridFsImageSource} needs of the GridFS image store (`GridFsImageStore` of `@phx/jobs`). */
export interface GridFsImageReader {
  /**
   * Opens a stored file for streaming.
   *
   * @returns the download stream and size, or `null` when the file is not stored
   */
  openReadStream(propertyId: PropertyId, fileName: string): Promise<{ readonly stream: Readable; readonly byteLength: number } | null>;
}

/**
 * The image source of the file store under `rootDir`: {@link openStoredImage}
 * (names checked, real path inside the store, no links followed).
 *
 * @param rootDir - root of the file image store (`PHX_IMAGES_DIR`)
 * @returns the source
 */
export function createFileImageSource(rootDir: string): ImageSource {
  return async (propertyId, fileName) => {
    const opened = await openStoredImage(rootDir, propertyId, fileName);
    if (typeof opened === 'string') return opened;
    return {
      byteLength: opened.byteLength,
      contentType: opened.contentType,
      stream: () => opened.handle.createReadStream({ autoClose: false }),
      close: () => opened.handle.close(),
    };
  };
}

/**
 * The image source of the GridFS store (`PHX_IMAGE_STORE=gridfs`): the same
 * name checks as files ({@link storedImageContentType}) before the database
 * is asked, then the file streamed from its bucket.
 *
 * @param store - the GridFS image store. Borrowed.
 * @returns the source
 */
export function createGridFsImageSource(store: GridFsImageReader): ImageSource {
  return async (propertyId, fileName) => {
    const contentType = storedImageContentType(propertyId, fileName);
    if (contentType === null) return 'bad-request';
    const opened = await store.openReadStream(toPropertyId(propertyId), fileName);
    if (opened === null) return 'not-found';
    return {
      byteLength: opened.byteLength,
      contentType,
      stream: () => opened.stream,
      close: async () => {
        opened.stream.destroy();
      },
    };
  };
}

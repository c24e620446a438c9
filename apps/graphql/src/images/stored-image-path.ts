import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { isPropertyId } from '@phx/core';
import { CONTENT_TYPE_BY_EXTENSION } from './image-content-type.js';

/** A stored photo file: `<sha256>.<ext>` or a variant `<sha256>.<variant>.<ext>`. */
const FILE_NAME_PATTERN = /^[0-9a-f]{64}(?:\.[a-z]{1,16})?\.([a-z0-9]{2,5})$/;

/** Why a requested image path was refused. */
export type ImagePathRejection = 'bad-request' | 'not-found';

/** An image file opened for sending. The caller closes `handle`. */
export interface OpenedImage {
  /** Open read-only handle on the regular file. */
  readonly handle: FileHandle;
  /** Its size in bytes. */
  readonly byteLength: number;
  /** Content-Type from its extension, e.g. `image/webp`. */
  readonly contentType: string;
}

/**
 * Checks a requested `(propertyId, fileName)` against the shapes the image
 * store writes. Anything else (`..`, separators, NUL, absolute paths, hidden
 * or unknown names, extensions that are not photo formats) is refused before
 * the file system is touched.
 *
 * @param propertyId - the decoded first path segment
 * @param fileName - the decoded second path segment
 * @returns the Content-Type for the name, or `null` when the pair is not a store path
 */
export function storedImageContentType(propertyId: string, fileName: string): string | null {
  // The same check as the image stores', so every photo stored can be served.
  if (!isPropertyId(propertyId)) return null;
  const extension = FILE_NAME_PATTERN.exec(fileName)?.[1];
  return extension === undefined ? null : (CONTENT_TYPE_BY_EXTENSION.get(extension) ?? null);
}

/**
 * Opens a stored image for reading, never outside `rootDir`: the names must
 * pass {@link storedImageContentType}, the real path (symbolic links
 * resolved) must lie inside the real root, the last component is opened with
 * `O_NOFOLLOW`, and it must be a regular file.
 *
 * @param rootDir - root of the file image store
 * @param propertyId - the decoded property segment
 * @param fileName - the decoded file segment
 * @returns the opened file, or why it was refused (`bad-request` for a name
 *   that cannot be a store path, `not-found` for a missing file or one whose
 *   real path leaves the store)
 */
export async function openStoredImage(rootDir: string, propertyId: string, fileName: string): Promise<OpenedImage | ImagePathRejection> {
  const contentType = storedImageContentType(propertyId, fileName);
  if (contentType === null) return 'bad-request';
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(rootDir);
    real = await realpath(join(realRoot, propertyId, fileName));
  } catch {
    return 'not-found';
  }
  if (!real.startsWith(realRoot + sep)) return 'not-found';
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return 'not-found';
  }
  const stats = await handle.stat();
  if (!stats.isFile()) {
    await handle.close();
    return 'not-found';
  }
  return { handle, byteLength: stats.size, contentType };
}

import { once } from 'node:events';
import { extname } from 'node:path';
import { InvalidInputError, type Logger, type PhotoRecord } from '@phx/core';
import archiver from 'archiver';
import { Router, type RequestHandler, type Response } from 'express';
import type { ImageSource } from './image-source.js';
import { IMAGES_PATH } from './image.routes.js';
import { sendJsonRefusal } from '../http/json-refusal.js';

/** The file name of a property's photo archive under `/images/<propertyId>/`. */
export const PHOTOS_ZIP_NAME = 'photos.zip';

/** Options of {@link createPhotosZipRouter}. */
export interface PhotosZipRouterOptions {
  /**
   * A property's photo records in gallery order (`JobService.listPhotos` of `@phx/jobs`); takes an id or an address.
   *
   * @throws core's `InvalidInputError` for an id that cannot be a property id
   */
  readonly listPhotos: (propertyId: string) => Promise<readonly PhotoRecord[]>;
  /** Where the originals are read: the same source as `/images` (file store or GridFS). */
  readonly source: ImageSource;
  /** The API key middleware: the archive needs a read key like every image. */
  readonly requireKey: RequestHandler;
  /** Logs files that could not be read while streaming. */
  readonly logger: Logger;
}

/**
 * The name of the `index`-th (0-based) photo in the archive: `<NNN>-<sha256>.<ext>`,
 * NNN its 1-based gallery position with at least 3 digits, `ext` the original's.
 *
 * @param index - 0-based position in gallery order
 * @param record - the photo record
 * @returns the entry name, e.g. `001-3f2a….jpg`
 */
export function photoZipEntryName(index: number, record: Pick<PhotoRecord, 'sha256' | 'fileName'>): string {
  return `${String(index + 1).padStart(3, '0')}-${record.sha256}${extname(record.fileName)}`;
}

/**
 * Makes the route `GET /images/<propertyId>/photos.zip` (the property named
 * by its id or its address, as in the `images` query): a streamed
 * `application/zip` (made with `archiver`, entries stored without
 * compression: photos are compressed already) of every original of the
 * property, removed ones included, in gallery order (the order of `photos`
 * and `images`), named by {@link photoZipEntryName}, with
 * `Content-Disposition: attachment; filename="<propertyId>-photos.zip"` (the stored id).
 * One file is open at a time. A property with no photo records answers 404
 * JSON (`NOT_FOUND`), an id that cannot be a property id 400 (`BAD_REQUEST`),
 * no key 401. When an original cannot be read once the answer has begun
 * (missing on disk, a GridFS read failure), it is logged and the connection
 * is cut before the zip's central directory: the client sees a failed
 * download, never a shorter archive that looks complete. Mount it before
 * the `/images/<propertyId>/<fileName>` route.
 *
 * @param options - photo list, image source, key middleware, logger
 * @returns an Express router
 */
export function createPhotosZipRouter(options: PhotosZipRouterOptions): Router {
  const router = Router();
  router.get(`${IMAGES_PATH}/:propertyId/${PHOTOS_ZIP_NAME}`, options.requireKey, async (req, res, next) => {
    const { propertyId } = req.params as { propertyId: string };
    let records: readonly PhotoRecord[];
    try {
      records = await options.listPhotos(propertyId);
    } catch (error) {
      if (error instanceof InvalidInputError) return sendJsonRefusal(res, 400, 'BAD_REQUEST', error.message);
      return next(error);
    }
    const [first] = records;
    if (first === undefined) return sendJsonRefusal(res, 404, 'NOT_FOUND', `No photos stored for property ${propertyId}`);
    // The id the records are stored under: the request may name the property by its address.
    res
      .status(200)
      .set('content-type', 'application/zip')
      // Property ids are [a-z0-9-] only (core's isPropertyId): nothing to escape in the quoted name.
      .set('content-disposition', `attachment; filename="${first.propertyId}-photos.zip"`)
      .set('x-content-type-options', 'nosniff')
      // The set of photos grows with every run: never reuse an old archive.
      .set('cache-control', 'private, no-store');
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    await streamArchive(res, first.propertyId, records, options);
  });
  return router;
}

/** Streams the archive of `records` into `res`; on any failure logs it and destroys the response (no central directory). */
async function streamArchive(
  res: Response,
  propertyId: string,
  records: readonly PhotoRecord[],
  { source, logger }: PhotosZipRouterOptions,
): Promise<void> {
  const archive = archiver('zip', { store: true });
  let clientGone = false;
  const failed = new Promise<never>((_resolve, reject) => {
    archive.on('error', reject);
    archive.on('warning', reject);
    // A client that goes away ends the work too.
    res.once('close', () => {
      if (res.writableFinished) return;
      clientGone = true;
      reject(new Error('the client closed the connection'));
    });
  });
  // Observed by the races below; this only keeps a late rejection from being unhandled.
  failed.catch(() => undefined);
  archive.pipe(res);
  try {
    for (const [index, record] of records.entries()) {
      const opened = await Promise.race([source(propertyId, record.fileName), failed]);
      if (typeof opened === 'string') throw new Error(`original ${record.fileName} is not in the image store (${opened})`);
      try {
        const stream = opened.stream();
        stream.once('error', (error) => archive.emit('error', error));
        archive.append(stream, { name: photoZipEntryName(index, record), date: record.firstSeenAt });
        await Promise.race([once(archive, 'entry'), failed]);
      } finally {
        await opened.close();
      }
    }
    await Promise.race([archive.finalize(), failed]);
  } catch (error) {
    if (clientGone) logger.info({ propertyId }, 'photos.zip download ended by the client');
    else logger.error({ err: error, propertyId }, 'photos.zip aborted: an original could not be read');
    archive.abort();
    res.destroy();
  }
}

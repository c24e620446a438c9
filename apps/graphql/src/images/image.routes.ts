import { pipeline } from 'node:stream/promises';
import type { Logger } from '@phx/core';
import { Router, type RequestHandler } from 'express';
import type { ImageSource } from './image-source.js';
import { sendJsonRefusal } from '../http/json-refusal.js';

/** The path prefix images are served under: `/images/<propertyId>/<fileName>`. */
export const IMAGES_PATH = '/images';

/** Options of {@link createImageRouter}. */
export interface ImageRouterOptions {
  /** Where the photos are read: the file store under `PHX_IMAGES_DIR`, or GridFS (`PHX_IMAGE_STORE=gridfs`). */
  readonly source: ImageSource;
  /** The API key middleware: images need a read key like every query. */
  readonly requireKey: RequestHandler;
  /** Logs read failures. */
  readonly logger: Logger;
}

/**
 * Makes the routes serving stored photos: `GET /images/<propertyId>/<fileName>`
 * answers the file (from the file store or GridFS) with its Content-Type (`image/jpeg`, `image/webp`, …),
 * `X-Content-Type-Options: nosniff` and a private cache header; a name that
 * cannot be a store path answers 400, a missing file or one whose real path
 * leaves the store 404, any other path under `/images` 404. All need an API
 * key (`Authorization: Bearer <key>`).
 *
 * @param options - image source, key middleware, logger
 * @returns an Express router
 */
export function createImageRouter(options: ImageRouterOptions): Router {
  const router = Router();
  router.get(`${IMAGES_PATH}/:propertyId/:fileName`, options.requireKey, async (req, res, next) => {
    const { propertyId, fileName } = req.params as { propertyId: string; fileName: string };
    try {
      const opened = await options.source(propertyId, fileName);
      if (opened === 'bad-request')
        return sendJsonRefusal(
          res,
          400,
          'BAD_REQUEST',
          'Not an image store path: expected /images/<propertyId>/<sha256>[.<variant>].<ext>',
        );
      if (opened === 'not-found') return sendJsonRefusal(res, 404, 'NOT_FOUND', 'No such image');
      try {
        res
          .status(200)
          .set('content-type', opened.contentType)
          .set('content-length', String(opened.byteLength))
          .set('x-content-type-options', 'nosniff')
          // Files are named by their content, so they never change; keys gate them, so no shared caches.
          .set('cache-control', 'private, max-age=31536000, immutable');
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        await pipeline(opened.stream(), res);
      } finally {
        await opened.close();
      }
    } catch (error) {
      options.logger.warn({ err: error, propertyId }, 'image read failed');
      if (!res.headersSent) next(error);
      else res.destroy();
    }
  });
  router.use(IMAGES_PATH, options.requireKey, (_req, res) => sendJsonRefusal(res, 404, 'NOT_FOUND', 'No such image'));
  return router;
}

import type { ContentHash } from '@phx/core';
import { MongoPhotoRepository } from '@phx/jobs';
import type { Db } from 'mongodb';
import { DAVIS_ID } from './sample-properties.js';

/** One stored file of a test photo: where the store put it and its size. */
export interface TestPhotoFile {
  /** The store's location of the file (a path or a `gridfs://` URL). */
  readonly location: string;
  /** Its size in bytes. */
  readonly byteLength: number;
}

/**
 * Records a JPEG photo of the first sample property with a WebP thumbnail,
 * as a worker records what it stored (`<sha>.jpg`, `<sha>.thumb.webp`).
 *
 * @param db - the server's database
 * @param sha256 - the photo's content hash
 * @param original - the original's location and size
 * @param thumbnail - the thumbnail's location and size
 */
export async function recordTestPhoto(db: Db, sha256: ContentHash, original: TestPhotoFile, thumbnail: TestPhotoFile): Promise<void> {
  const photos = new MongoPhotoRepository({ db });
  await photos.ensureIndexes();
  await photos.recordPhoto({
    propertyId: DAVIS_ID,
    source: 'zillow',
    seenAt: new Date(),
    jobId: null,
    sha256,
    format: 'jpeg',
    widthPx: 1024,
    heightPx: 768,
    byteLength: original.byteLength,
    fileName: `${sha256}.jpg`,
    location: original.location,
    photoId: 'p1',
    url: 'https://photos.zillowstatic.com/fp/p1-uncropped_scaled_within_1536_1152.jpg',
    variants: [
      {
        name: 'thumb',
        fileName: `${sha256}.thumb.webp`,
        location: thumbnail.location,
        format: 'webp',
        widthPx: 400,
        heightPx: 300,
        byteLength: thumbnail.byteLength,
      },
    ],
  });
}

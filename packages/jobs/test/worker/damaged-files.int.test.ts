import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { GridFSBucket } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPropertiesCsv, noopLogger } from '@phx/core';
import type { PhotoRecord, Property, PropertyId } from '@phx/core';
import { ExtractorFactory } from '../../src/worker/extractor-factory.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { GridFsImageStore, IMAGES_BUCKET } from '../../src/store/gridfs-image-store.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));

describe('a re-run over photo files damaged in GridFS (replayed listings, real photos, MongoDB)', () => {
  let tdb: TestDatabase;
  let factory: ExtractorFactory;
  let repository: JobRepository;
  let photos: MongoPhotoRepository;
  let store: GridFsImageStore;
  let properties: Property[];

  beforeAll(async () => {
    tdb = await openTestDatabase('damaged');
    photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    store = new GridFsImageStore({ db: tdb.db });
    await store.ensureIndexes();
    repository = new JobRepository({ db: tdb.db });
    factory = new ExtractorFactory({ mode: { kind: 'replay', fixturesDir: FIXTURES_DIR }, store, repository: photos, logger: noopLogger });
    properties = (await loadPropertiesCsv(SAMPLE_CSV)).filter((p) => /Chicago|New York/.test(p.address));
  });
  afterAll(async () => {
    await factory.close();
    await tdb.close();
  });

  async function runOnce(): Promise<StoredExtractionJob> {
    const created = await repository.create(
      ...withProperties(sampleJob(properties.length, { properties, totalProperties: properties.length })),
    );
    return runExtractionJobNow(created.id, {
      repository,
      extractor: (j) => factory.forJob(j),
      cancelPollIntervalMs: 100,
      progressWriteIntervalMs: 100,
    });
  }

  /** Overwrites a stored file in place with other bytes, keeping its GridFS name and metadata (as a stray writer would). */
  async function damage(propertyId: PropertyId, fileName: string, bytes: Buffer): Promise<void> {
    const files = tdb.db.collection(`${IMAGES_BUCKET}.files`);
    const old = await files.findOne({ filename: `${propertyId}/${fileName}` });
    expect(old, `${fileName} is stored`).not.toBeNull();
    await files.deleteOne({ _id: old!._id });
    await tdb.db.collection(`${IMAGES_BUCKET}.chunks`).deleteMany({ files_id: old!._id });
    const upload = new GridFSBucket(tdb.db, { bucketName: IMAGES_BUCKET }).openUploadStream(`${propertyId}/${fileName}`, {
      metadata: old!['metadata'] as Record<string, unknown>,
    });
    await pipeline(Readable.from([bytes]), upload);
  }

  const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

  it('stores again a truncated original and a garbage thumbnail, and counts those photos unchanged, not duplicate', async () => {
    expect(properties).toHaveLength(2);
    const first = await runOnce();
    expect(first).toMatchObject({ status: 'completed', failedImages: 0, unchangedImages: 0 });
    expect(first.newImages).toBeGreaterThan(0);

    const [a, b] = properties as [Property, Property];
    const truncated: PhotoRecord = (await photos.listPhotos(a.id))[0]!;
    const whole = (await store.get(a.id, truncated.fileName))!;
    await damage(a.id, truncated.fileName, whole.subarray(0, Math.floor(whole.length / 2)));
    const thumbOf: PhotoRecord = (await photos.listPhotos(b.id))[0]!;
    const thumb = thumbOf.variants.find((v) => v.name === 'thumb')!;
    const thumbBytes = (await store.get(b.id, thumb.fileName))!;
    await damage(b.id, thumb.fileName, Buffer.from('garbage, not a webp'));
    const damaged = await tdb.db.collection(`${IMAGES_BUCKET}.files`).findOne({ filename: `${a.id}/${truncated.fileName}` });
    expect(damaged?.['length']).toBe(Math.floor(whole.length / 2));

    const second = await runOnce();

    expect(second).toMatchObject({
      status: 'completed',
      newImages: 0,
      duplicateImages: first.duplicateImages,
      unchangedImages: first.newImages,
      failedImages: 0,
    });
    const original = (await store.get(a.id, truncated.fileName))!;
    expect(original.length).toBe(truncated.byteLength);
    expect(sha256(original)).toBe(truncated.sha256);
    expect((await store.get(b.id, thumb.fileName))!.equals(thumbBytes)).toBe(true);
    // One GridFS file per name: the damaged ones were replaced, not kept beside the new ones.
    const names = await tdb.db
      .collection(`${IMAGES_BUCKET}.files`)
      .find({ filename: { $in: [`${a.id}/${truncated.fileName}`, `${b.id}/${thumb.fileName}`] } })
      .toArray();
    expect(names).toHaveLength(2);

    const third = await runOnce();
    expect(third).toMatchObject({ newImages: 0, duplicateImages: first.duplicateImages, unchangedImages: first.newImages });
  }, 240_000);
});

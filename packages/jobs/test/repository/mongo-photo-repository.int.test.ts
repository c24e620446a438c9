import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PHOTO_SIGHTINGS, toContentHash, toPropertyId } from '@phx/core';
import type { PhotoObservation } from '@phx/core';
import { describePhotoRepositoryContract } from '@phx/core/testing';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';

let tdb: TestDatabase;
let photos: MongoPhotoRepository;

beforeAll(async () => {
  tdb = await openTestDatabase('photos');
  photos = new MongoPhotoRepository({ db: tdb.db });
  await photos.ensureIndexes();
});
afterAll(async () => {
  await tdb.close();
});

describePhotoRepositoryContract('MongoPhotoRepository', () => photos);

describe('MongoPhotoRepository across processes', () => {
  const sha256 = toContentHash('e'.repeat(64));
  const sighting = (n: number): PhotoObservation => ({
    propertyId: toPropertyId('1 Cross Process Way, Phoenix, AZ 85001'),
    sha256,
    format: 'jpeg',
    widthPx: 1024,
    heightPx: 768,
    byteLength: 1234,
    fileName: `${sha256}.jpg`,
    location: `/images/x/${sha256}.jpg`,
    source: n % 2 === 0 ? 'zillow' : 'redfin',
    photoId: `p${n}`,
    url: `https://example.test/${n}.jpg`,
    seenAt: new Date(Date.UTC(2030, 0, 1, 0, n)),
    jobId: null,
  });

  it('lets exactly one of concurrent sightings from separate clients create the record, and loses none of them', async () => {
    const others = await Promise.all([tdb.connectAgain(), tdb.connectAgain(), tdb.connectAgain()]);
    const repositories = [photos, ...others.map((db) => new MongoPhotoRepository({ db }))];
    for (let round = 0; round < 5; round += 1) {
      const propertyId = toPropertyId(`${round + 1} Cross Process Way, Phoenix, AZ 85001`);
      const count = 16;
      // Later sightings are written first, so a lost $min or $max shows in the dates.
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => count - 1 - i).map((n) =>
          repositories[n % repositories.length]!.recordPhoto({ ...sighting(n), propertyId }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const records = await photos.listPhotos(propertyId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ firstSeenAt: sighting(0).seenAt, lastSeenAt: sighting(count - 1).seenAt });
      expect([...records[0]!.photoIds].sort()).toEqual(Array.from({ length: count }, (_, n) => `p${n}`).sort());
      expect([...records[0]!.sources].sort()).toEqual(['redfin', 'zillow']);
    }
  });

  it('records the jobs that saw a photo', async () => {
    const jobId = '6f1c1a52-7a4f-4bb5-9d6b-2d3b1c1e0a11';
    const observation = { ...sighting(1), propertyId: toPropertyId('2 Job Way, Mesa, AZ 85201'), jobId } as PhotoObservation;
    await photos.recordPhoto(observation);
    const doc = await tdb.db.collection(photoCollectionName(observation.propertyId)).findOne({ propertyId: observation.propertyId });
    expect(doc?.['jobIds']).toEqual([jobId]);
  });

  it('keeps the job that created a photo first, in a list that stays bounded however many nightly jobs see it again', async () => {
    const propertyId = toPropertyId('3 Nightly Way, Mesa, AZ 85201');
    const jobOf = (n: number) => `6f1c1a52-7a4f-4bb5-9d6b-${String(n).padStart(12, '0')}`;
    for (let night = 0; night < 2 * MAX_PHOTO_SIGHTINGS + 5; night += 1)
      await photos.recordPhoto({ ...sighting(1), propertyId, jobId: jobOf(night) } as PhotoObservation);
    const doc = await tdb.db.collection(photoCollectionName(propertyId)).findOne({ propertyId });
    const jobIds = doc?.['jobIds'] as string[];
    expect(jobIds[0]).toBe(jobOf(0));
    expect(jobIds.length).toBeLessThanOrEqual(MAX_PHOTO_SIGHTINGS);
  });
});

describe('MongoPhotoRepository and records written before sizeDowngrade was recorded', () => {
  it('reads a stored size without sizeDowngrade as no downgrade, and keeps a recorded one', async () => {
    const propertyId = toPropertyId('2 Old Size Rd, Phoenix, AZ 85001');
    const sha = (c: string) => toContentHash(c.repeat(64));
    const base = (sha256: ReturnType<typeof sha>, n: number): PhotoObservation => ({
      ...{
        propertyId,
        sha256,
        format: 'jpeg',
        widthPx: 1024,
        heightPx: 768,
        byteLength: 1234,
        fileName: `${sha256}.jpg`,
        location: `/images/${sha256}.jpg`,
      },
      ...{ source: 'redfin', photoId: `p${n}`, url: `https://example.test/${n}.jpg`, seenAt: new Date(Date.UTC(2030, 0, 1)), jobId: null },
    });
    await photos.recordPhoto({ ...base(sha('a'), 1), size: { listedWidthPx: 1024, largest: true, sizeDowngrade: true } });
    await photos.recordPhoto({ ...base(sha('b'), 2), size: { listedWidthPx: 1024, largest: true, sizeDowngrade: false } });
    // What a document written before the field existed holds.
    await tdb.db
      .collection(photoCollectionName(propertyId))
      .updateOne({ propertyId, sha256: sha('b') }, { $unset: { 'size.sizeDowngrade': '' } });
    const records = await photos.listPhotos(propertyId);
    expect(records.map((r) => [r.photoIds[0], r.size])).toEqual([
      ['p1', { listedWidthPx: 1024, largest: true, sizeDowngrade: true }],
      ['p2', { listedWidthPx: 1024, largest: true, sizeDowngrade: false }],
    ]);
  });
});

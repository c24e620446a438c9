import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toContentHash, toPropertyId } from '../model/ids.js';
import type { ContentHash, PropertyId } from '../model/ids.js';
import { photoRecordKey } from '../ports/photo-repository.js';
import type { PhotoObservation, PhotoRecord, PhotoRepository, StoredVariant } from '../ports/photo-repository.js';
import { useContractSubject } from './contract-factory.js';
import type { ContractFactory } from './contract-factory.js';

const T0 = Date.parse('2025-03-01T10:00:00.000Z');

function at(minutes: number): Date {
  return new Date(T0 + minutes * 60_000);
}

function hashOf(char: string): ContentHash {
  return toContentHash(char.repeat(64));
}

function variantOf(sha256: ContentHash, name: string, widthPx: number, heightPx: number): StoredVariant {
  const fileName = `${sha256}.${name}.webp`;
  return { name, fileName, location: `/data/images/p/${fileName}`, format: 'webp', widthPx, heightPx, byteLength: widthPx * 10 };
}

function freshProperty(): PropertyId {
  return toPropertyId(`contract ${randomUUID()}`);
}

function sighting(propertyId: PropertyId, sha256: ContentHash, overrides: Partial<PhotoObservation> = {}): PhotoObservation {
  return {
    propertyId,
    sha256,
    format: 'jpeg',
    widthPx: 1536,
    heightPx: 1024,
    byteLength: 345_678,
    fileName: `${sha256}.jpg`,
    location: `/data/images/${propertyId}/${sha256}.jpg`,
    source: 'zillow',
    photoId: 'zillow-photo-1',
    url: 'https://photos.zillowstatic.com/fp/aaaa-cc_ft_1536.jpg',
    seenAt: at(0),
    jobId: null,
    ...overrides,
  };
}

/**
 * Registers the contract every {@link PhotoRepository} must pass (one record
 * per property and hash, exactly one creator under concurrency, merging of
 * sources, photo ids and URLs, first/last seen times, oldest-first listing)
 * as a vitest `describe` block. Every test uses fresh property ids, so one
 * database may serve the whole suite.
 *
 * @param name - implementation name shown in the test report
 * @param factory - makes the repository for each test; see {@link ContractFactory}
 * @example
 * ```ts
 * import { MongoPhotoRepository } from '@phx/jobs';
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * describePhotoRepositoryContract('MongoPhotoRepository', {
 *   create: () => new MongoPhotoRepository({ db }),
 * });
 * ```
 */
export function describePhotoRepositoryContract(name: string, factory: ContractFactory<PhotoRepository>): void {
  describe(`PhotoRepository contract: ${name}`, () => {
    const repository = useContractSubject(factory);

    it('creates a record on the first sighting and returns it with every field', async () => {
      const propertyId = freshProperty();
      const observation = sighting(propertyId, hashOf('a'), { jobId: null });
      expect(await repository().recordPhoto(observation)).toEqual({ created: true });
      const { propertyId: p, sha256, format, widthPx, heightPx, byteLength, fileName, location } = observation;
      expect(await repository().listPhotos(propertyId)).toEqual([
        {
          key: photoRecordKey(p, sha256),
          ...{ propertyId: p, sha256, format, widthPx, heightPx, byteLength, fileName, location },
          ...{ sources: ['zillow'], photoIds: [observation.photoId], urls: [observation.url] },
          ...{ firstSeenAt: observation.seenAt, lastSeenAt: observation.seenAt },
          ...{
            perceptualHash: null,
            tone: null,
            placeholder: false,
            size: { listedWidthPx: null, largest: true, sizeDowngrade: false },
            animated: false,
            variants: [],
            duplicates: [],
            etags: [],
            removedAt: null,
          },
        },
      ]);
    });

    it('keeps the perceptual hash, animation flag, variants and ETag of the first sighting', async () => {
      const propertyId = freshProperty();
      const sha256 = hashOf('7');
      const variants = [variantOf(sha256, 'web', 1536, 1024), variantOf(sha256, 'thumb', 400, 267)];
      await repository().recordPhoto(
        sighting(propertyId, sha256, { perceptualHash: 'c3a1f0e0d8b43c1e', animated: true, variants, etag: '"e1"' }),
      );
      await repository().recordPhoto(sighting(propertyId, sha256, { etag: '"e2"', seenAt: at(1) }));
      await repository().recordPhoto(sighting(propertyId, sha256, { etag: null, seenAt: at(2) }));
      expect(await repository().listPhotos(propertyId)).toMatchObject([
        { perceptualHash: 'c3a1f0e0d8b43c1e', animated: true, variants, etags: ['"e1"', '"e2"'] },
      ]);
    });

    it('keeps the tone and listed size of the first sighting and flags a flat image as a placeholder', async () => {
      const propertyId = freshProperty();
      const [flat, photo] = [hashOf('5'), hashOf('6')];
      const flatTone = { meanRgb: [64, 64, 64] as const, contrast: 0, detail: 0 };
      const photoTone = { meanRgb: [120.5, 110, 98.2] as const, contrast: 48.3, detail: 14.21 };
      await repository().recordPhoto(sighting(propertyId, flat, { tone: flatTone }));
      const size = { listedWidthPx: 1152, largest: false, sizeDowngrade: true };
      await repository().recordPhoto(sighting(propertyId, photo, { tone: photoTone, size, photoId: 'p2', url: 'https://r/2.jpg' }));
      expect(await repository().listPhotos(propertyId)).toMatchObject([
        { sha256: flat, tone: flatTone, placeholder: true, size: { listedWidthPx: null, largest: true, sizeDowngrade: false } },
        { sha256: photo, tone: photoTone, placeholder: false, size },
      ]);
    });

    it('makes a better copy of the same picture (sameAs) the canonical image, keeping the old one as a duplicate', async () => {
      const propertyId = freshProperty();
      const [small, large] = [hashOf('3'), hashOf('4')];
      const smallVariants = [variantOf(small, 'web', 800, 533)];
      await repository().recordPhoto(
        sighting(propertyId, small, { widthPx: 800, heightPx: 533, perceptualHash: 'ffff0000ffff0000', variants: smallVariants }),
      );
      const better = sighting(propertyId, large, {
        ...{ widthPx: 2048, heightPx: 1365, byteLength: 900_000, fileName: `${large}.jpg`, location: `/x/${large}.jpg` },
        ...{ perceptualHash: 'ffff0000ffff0001', sameAs: small, source: 'redfin', photoId: 'r1', url: 'https://r/1.jpg', seenAt: at(1) },
      });
      expect(await repository().recordPhoto(better)).toEqual({ created: false });
      const [record, ...rest] = await repository().listPhotos(propertyId);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({
        sha256: large,
        widthPx: 2048,
        fileName: `${large}.jpg`,
        perceptualHash: 'ffff0000ffff0001',
        variants: [],
        sources: ['zillow', 'redfin'],
        urls: ['https://photos.zillowstatic.com/fp/aaaa-cc_ft_1536.jpg', 'https://r/1.jpg'],
        duplicates: [
          {
            sha256: small,
            widthPx: 800,
            heightPx: 533,
            perceptualHash: 'ffff0000ffff0000',
            fileNames: [`${small}.jpg`, smallVariants[0]?.fileName],
          },
        ],
      });
      // The record keeps the key it was created with.
      expect(record?.key).toBe(photoRecordKey(propertyId, small));
      // The old canonical's bytes seen again join the same record.
      expect(await repository().recordPhoto(sighting(propertyId, small, { seenAt: at(3), photoId: 'again' }))).toEqual({ created: false });
      expect(await repository().listPhotos(propertyId)).toMatchObject([{ sha256: large, lastSeenAt: at(3) }]);
      // So do a sighting addressed by the key, and bytes of the new canonical said to be a new picture.
      const keyed = sighting(propertyId, large, { seenAt: at(4), photoId: 'keyed', recordKey: record?.key as string });
      expect(await repository().recordPhoto(keyed)).toEqual({ created: false });
      const stale = sighting(propertyId, large, { seenAt: at(5), photoId: 'stale', newPicture: true });
      expect(await repository().recordPhoto(stale)).toEqual({ created: false });
      const [after, ...others] = await repository().listPhotos(propertyId);
      expect(others).toEqual([]);
      expect(after).toMatchObject({ sha256: large, lastSeenAt: at(5), key: photoRecordKey(propertyId, small) });
      expect(after?.photoIds).toEqual(expect.arrayContaining(['again', 'keyed', 'stale']));
    });

    it('creates a new picture (newPicture) like any first sighting, and joins recorded bytes said to be new', async () => {
      const propertyId = freshProperty();
      const fresh = sighting(propertyId, hashOf('8'), { newPicture: true });
      expect(await repository().recordPhoto(fresh)).toEqual({ created: true });
      expect(await repository().recordPhoto({ ...fresh, photoId: 'second', seenAt: at(2) })).toEqual({ created: false });
      expect(await repository().listPhotos(propertyId)).toMatchObject([
        { key: photoRecordKey(propertyId, hashOf('8')), photoIds: ['zillow-photo-1', 'second'], lastSeenAt: at(2) },
      ]);
    });

    it('lets exactly one of many concurrent new-picture sightings create the record, and keeps every sighting', async () => {
      const propertyId = freshProperty();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          repository().recordPhoto(sighting(propertyId, hashOf('a'), { photoId: `n${i}`, seenAt: at(7 - i), newPicture: true })),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const records = await repository().listPhotos(propertyId);
      expect(records).toHaveLength(1);
      expect([...(records[0]?.photoIds ?? [])].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `n${i}`));
      expect(records[0]).toMatchObject({ firstSeenAt: at(0), lastSeenAt: at(7) });
    });

    it('records a batch of sightings of known records (recordSightings) as recordPhoto would, one at a time', async () => {
      const propertyId = freshProperty();
      const [one, two] = [hashOf('b'), hashOf('c')];
      await repository().recordPhoto(sighting(propertyId, one, { photoId: 'z1' }));
      await repository().recordPhoto(sighting(propertyId, two, { photoId: 'z2', url: 'https://z/2.jpg' }));
      const keys = (await repository().listPhotos(propertyId)).map((r) => r.key as string);
      const batch = [
        sighting(propertyId, one, { photoId: 'z1', seenAt: at(30), recordKey: keys[0]!, etag: '"x"' }),
        sighting(propertyId, two, { photoId: 'r2', source: 'redfin', url: 'https://r/2.jpg', seenAt: at(31), recordKey: keys[1]! }),
        sighting(propertyId, two, { photoId: 'z2', url: 'https://z/2.jpg', seenAt: at(32), recordKey: keys[1]! }),
      ];
      const write = repository().recordSightings?.bind(repository());
      if (write === undefined) for (const o of batch) await repository().recordPhoto(o);
      else await write(batch);
      expect(await repository().listPhotos(propertyId)).toMatchObject([
        { sha256: one, photoIds: ['z1'], etags: ['"x"'], lastSeenAt: at(30) },
        { sha256: two, photoIds: ['z2', 'r2'], sources: ['zillow', 'redfin'], firstSeenAt: at(0), lastSeenAt: at(32) },
      ]);
    });

    it('marks removed from the records the caller holds when it passes them', async () => {
      const propertyId = freshProperty();
      await repository().recordPhoto(sighting(propertyId, hashOf('d'), { photoId: 'z1' }));
      await repository().recordPhoto(sighting(propertyId, hashOf('e'), { photoId: 'z2' }));
      const records = await repository().listPhotos(propertyId);
      const query = { propertyId, sourcesRead: ['zillow' as const], listedPhotoIds: ['z1'], removedAt: at(60), records };
      expect(await repository().markRemoved(query)).toBe(1);
      expect(await repository().markRemoved({ ...query, removedAt: at(61) })).toBe(0);
      const after = await repository().listPhotos(propertyId);
      expect(after.map((r) => [r.photoIds[0], r.removedAt])).toEqual([
        ['z1', null],
        ['z2', at(60)],
      ]);
    });

    it('adds a lesser copy of the same picture (sameAs, not stored) as a duplicate without files', async () => {
      const propertyId = freshProperty();
      const [large, small] = [hashOf('5'), hashOf('6')];
      await repository().recordPhoto(sighting(propertyId, large));
      const lesser = sighting(propertyId, small, {
        widthPx: 640,
        heightPx: 427,
        sameAs: large,
        stored: false,
        url: 'https://z/640.jpg',
        seenAt: at(2),
      });
      expect(await repository().recordPhoto(lesser)).toEqual({ created: false });
      const records = await repository().listPhotos(propertyId);
      expect(records).toMatchObject([
        { sha256: large, widthPx: 1536, duplicates: [{ sha256: small, widthPx: 640, fileNames: [] }], lastSeenAt: at(2) },
      ]);
      expect(records[0]?.urls).toContain('https://z/640.jpg');
    });

    it('marks records a complete re-run no longer saw as removed, keeps them, and clears the mark when seen again', async () => {
      const propertyId = freshProperty();
      await repository().recordPhoto(sighting(propertyId, hashOf('a'), { photoId: 'z1' }));
      await repository().recordPhoto(sighting(propertyId, hashOf('b'), { photoId: 'z2' }));
      await repository().recordPhoto(sighting(propertyId, hashOf('c'), { photoId: 'r1', source: 'redfin' }));
      const query = { propertyId, sourcesRead: ['zillow' as const], listedPhotoIds: ['z1'], removedAt: at(60) };
      expect(await repository().markRemoved(query)).toBe(1);
      expect(await repository().markRemoved({ ...query, removedAt: at(90) })).toBe(0);
      const byId = (records: readonly PhotoRecord[], id: string) => records.find((r) => r.photoIds.includes(id));
      let records = await repository().listPhotos(propertyId);
      expect([byId(records, 'z1')?.removedAt, byId(records, 'z2')?.removedAt, byId(records, 'r1')?.removedAt]).toEqual([
        null,
        at(60),
        null,
      ]);
      await repository().recordPhoto(sighting(propertyId, hashOf('b'), { photoId: 'z2', seenAt: at(120) }));
      records = await repository().listPhotos(propertyId);
      expect(byId(records, 'z2')).toMatchObject({ removedAt: null, lastSeenAt: at(120) });
    });

    it('merges a later sighting of the same bytes into the record', async () => {
      const propertyId = freshProperty();
      const sha256 = hashOf('b');
      await repository().recordPhoto(sighting(propertyId, sha256, { seenAt: at(0) }));
      const again = sighting(propertyId, sha256, {
        source: 'redfin',
        photoId: '86/123456_3',
        url: 'https://ssl.cdn-redfin.com/photo/86/bigphoto/456/123456_3_0.jpg',
        seenAt: at(5),
        widthPx: 9999,
      });
      expect(await repository().recordPhoto(again)).toEqual({ created: false });
      expect(await repository().recordPhoto(sighting(propertyId, sha256, { seenAt: at(7) }))).toEqual({ created: false });
      const [record, ...rest] = await repository().listPhotos(propertyId);
      expect(rest).toEqual([]);
      expect(record).toMatchObject({
        widthPx: 1536,
        sources: ['zillow', 'redfin'],
        photoIds: ['zillow-photo-1', '86/123456_3'],
        urls: ['https://photos.zillowstatic.com/fp/aaaa-cc_ft_1536.jpg', again.url],
        firstSeenAt: at(0),
        lastSeenAt: at(7),
      });
    });

    it('never moves firstSeenAt later or lastSeenAt earlier', async () => {
      const propertyId = freshProperty();
      const sha256 = hashOf('c');
      await repository().recordPhoto(sighting(propertyId, sha256, { seenAt: at(10) }));
      await repository().recordPhoto(sighting(propertyId, sha256, { seenAt: at(2) }));
      await repository().recordPhoto(sighting(propertyId, sha256, { seenAt: at(6) }));
      expect(await repository().listPhotos(propertyId)).toMatchObject([{ firstSeenAt: at(2), lastSeenAt: at(10) }]);
    });

    it('lets exactly one of many concurrent sightings of the same bytes create the record', async () => {
      const propertyId = freshProperty();
      const sha256 = hashOf('d');
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => repository().recordPhoto(sighting(propertyId, sha256, { photoId: `p${i}`, seenAt: at(i) }))),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const records = await repository().listPhotos(propertyId);
      expect(records).toHaveLength(1);
      expect([...(records[0]?.photoIds ?? [])].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}`).sort());
    });

    it('keeps one record per property: the same bytes in two properties are two records', async () => {
      const [p1, p2] = [freshProperty(), freshProperty()];
      expect(await repository().recordPhoto(sighting(p1, hashOf('e')))).toEqual({ created: true });
      expect(await repository().recordPhoto(sighting(p2, hashOf('e')))).toEqual({ created: true });
      expect(await repository().listPhotos(p1)).toHaveLength(1);
      expect(await repository().listPhotos(p2)).toHaveLength(1);
    });

    it('lists the records of a property oldest first, and nothing for an unknown property', async () => {
      const propertyId = freshProperty();
      await repository().recordPhoto(sighting(propertyId, hashOf('f'), { seenAt: at(3) }));
      await repository().recordPhoto(sighting(propertyId, hashOf('1'), { seenAt: at(1) }));
      await repository().recordPhoto(sighting(propertyId, hashOf('2'), { seenAt: at(2) }));
      const records = await repository().listPhotos(propertyId);
      expect(records.map((r) => r.sha256)).toEqual([hashOf('1'), hashOf('2'), hashOf('f')]);
      expect(await repository().listPhotos(freshProperty())).toEqual([]);
    });

    it('lists photos in gallery order: first source by position, then other-source-only photos, unpositioned, removed last', async () => {
      const propertyId = freshProperty();
      const z = (position: number, caption: string | null) => ({ source: 'zillow' as const, gallery: { position, caption } });
      const r = (position: number, caption: string | null) => ({ source: 'redfin' as const, gallery: { position, caption } });
      await repository().recordPhoto(sighting(propertyId, hashOf('1'), { seenAt: at(0), ...z(2, 'Kitchen') }));
      await repository().recordPhoto(sighting(propertyId, hashOf('2'), { seenAt: at(1), ...z(0, null) }));
      await repository().recordPhoto(sighting(propertyId, hashOf('3'), { seenAt: at(2), ...r(1, 'Pool') }));
      await repository().recordPhoto(sighting(propertyId, hashOf('4'), { seenAt: at(3) }));
      await repository().recordPhoto(sighting(propertyId, hashOf('5'), { seenAt: at(4), ...z(1, 'Front') }));
      await repository().recordPhoto(sighting(propertyId, hashOf('6'), { seenAt: at(5), ...r(0, 'Bath') }));
      await repository().recordPhoto(sighting(propertyId, hashOf('2'), { seenAt: at(6), ...r(3, 'Living room') }));
      const listed = await repository().listPhotos(propertyId);
      expect(listed.map((x) => x.sha256)).toEqual(['2', '5', '1', '6', '3', '4'].map(hashOf));
      const two = listed[0]!;
      expect(two.gallery).toEqual({ zillow: { position: 0, caption: null }, redfin: { position: 3, caption: 'Living room' } });
      expect(two.caption).toBe('Living room');
      expect(listed[2]!.caption).toBe('Kitchen');
      expect(listed[5]!.gallery).toBeUndefined();
      await repository().markRemoved({ propertyId, sourcesRead: ['zillow', 'redfin'], listedPhotoIds: [], removedAt: at(9) });
      await repository().recordPhoto(sighting(propertyId, hashOf('1'), { seenAt: at(10), ...z(0, 'Kitchen') }));
      const after = await repository().listPhotos(propertyId);
      expect(after[0]!.sha256).toBe(hashOf('1'));
      expect(after[0]!.gallery).toEqual({ zillow: { position: 0, caption: 'Kitchen' } });
    });

    it('returns copies: changing a listed record changes nothing stored', async () => {
      const propertyId = freshProperty();
      await repository().recordPhoto(sighting(propertyId, hashOf('9')));
      const [record] = await repository().listPhotos(propertyId);
      (record?.photoIds as string[] | undefined)?.push('tampered');
      record?.lastSeenAt.setTime(0);
      expect(await repository().listPhotos(propertyId)).toMatchObject([{ photoIds: ['zillow-photo-1'], lastSeenAt: at(0) }]);
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toPropertyId } from '@phx/core';
import { describeImageStoreContract } from '@phx/core/testing';
import { GridFsImageStore } from '../../src/store/gridfs-image-store.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

let tdb: TestDatabase;
let store: GridFsImageStore;

beforeAll(async () => {
  tdb = await openTestDatabase('gridfs');
  store = new GridFsImageStore({ db: tdb.db });
  await store.ensureIndexes();
});
afterAll(async () => {
  await tdb.close();
});

describeImageStoreContract('GridFsImageStore', () => store);

describe('GridFsImageStore on MongoDB', () => {
  it('lets exactly one of concurrent puts of a name from separate clients create it', async () => {
    const others = await Promise.all([tdb.connectAgain(), tdb.connectAgain()]);
    const stores = [store, ...others.map((db) => new GridFsImageStore({ db, chunkSizeBytes: 16_384 }))];
    const propertyId = toPropertyId('1 GridFS Way, Phoenix, AZ 85001');
    const bytes = Buffer.alloc(100_000, 'q');
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => stores[i % stores.length]!.put(propertyId, 'a.jpg', bytes)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.location).toBe(`gridfs://images/${encodeURIComponent(propertyId)}/a.jpg`);
    expect((await store.get(propertyId, 'a.jpg'))?.equals(bytes)).toBe(true);
    expect(await store.list(propertyId)).toEqual(['a.jpg']);
    // The losers' chunks are gone: only the winner's remain.
    const files = await tdb.db
      .collection('images.files')
      .find({ filename: `${propertyId}/a.jpg` })
      .toArray();
    expect(files).toHaveLength(1);
    const chunkOwners = await tdb.db.collection('images.chunks').distinct('files_id');
    expect(chunkOwners.map(String)).toContain(String(files[0]?._id));
    expect(await store.removeOrphanChunks(0)).toBe(0);
  });

  it('hides an upload that crashed before its file document, and removes its chunks', async () => {
    const propertyId = toPropertyId('2 Crash Way, Phoenix, AZ 85001');
    const { ObjectId } = await import('mongodb');
    const id = new ObjectId();
    await tdb.db.collection('images.chunks').insertOne({ files_id: id, n: 0, data: Buffer.alloc(10, 'x') });
    expect(await store.list(propertyId)).toEqual([]);
    expect(await store.get(propertyId, 'half.jpg')).toBeNull();
    expect(await store.removeOrphanChunks(0)).toBe(1);
    expect((await store.put(propertyId, 'half.jpg', Buffer.alloc(10, 'y'))).created).toBe(true);
  });

  it('replaces a damaged file with one file document and no chunk left over, and removes a replacement a crash left', async () => {
    const propertyId = toPropertyId('3 Repair Way, Phoenix, AZ 85001');
    const files = tdb.db.collection('images.files');
    const chunks = tdb.db.collection('images.chunks');
    await store.put(propertyId, 'r.jpg', Buffer.alloc(40_000, 'r').subarray(0, 1000));
    const damagedId = (await files.findOne({ filename: `${propertyId}/r.jpg` }))?._id;
    expect((await store.put(propertyId, 'r.jpg', Buffer.alloc(40_000, 'r'))).created).toBe(true);
    const now = await files.find({ filename: { $regex: `^${propertyId}/r\\.jpg` } }).toArray();
    expect(now.map((f) => [f['filename'], f['length'], f['metadata']])).toEqual([
      [`${propertyId}/r.jpg`, 40_000, { propertyId, fileName: 'r.jpg' }],
    ]);
    expect(await chunks.countDocuments({ files_id: damagedId })).toBe(0);
    expect(await store.removeOrphanChunks(0)).toBe(0);

    // A replacement upload whose process died before the swap: not listed, deleted with its chunks.
    const { GridFSBucket } = await import('mongodb');
    const upload = new GridFSBucket(tdb.db, { bucketName: 'images' }).openUploadStream(`${propertyId}/r.jpg.dead.tmp`, {
      metadata: { replacing: `${propertyId}/r.jpg` },
    });
    upload.end(Buffer.alloc(10, 'z'));
    await new Promise((resolve) => upload.once('finish', resolve));
    expect(await store.listFiles(propertyId)).toEqual([{ fileName: 'r.jpg', byteLength: 40_000 }]);
    expect(await store.removeOrphanChunks(0)).toBe(1);
    expect(await files.countDocuments({ _id: upload.id })).toBe(0);
    expect((await store.get(propertyId, 'r.jpg'))?.length).toBe(40_000);
  });
});

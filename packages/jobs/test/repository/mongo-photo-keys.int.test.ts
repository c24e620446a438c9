import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MongoClient, ObjectId } from 'mongodb';
import type { CommandStartedEvent } from 'mongodb';
import { MAX_PHOTO_SIGHTINGS, listsToReplace, newPhotoRecord, noopLogger, photoRecordKey, toContentHash, toPropertyId } from '@phx/core';
import type { ContentHash, PhotoObservation, PropertyId } from '@phx/core';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { findPhotoDocuments, photoCollectionName } from '../../src/repository/photo-partitions.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

let tdb: TestDatabase;
let photos: MongoPhotoRepository;
/** A client of its own whose commands are written down, to count round trips. */
let watched: MongoClient;
let watchedPhotos: MongoPhotoRepository;
const commands: { name: string; collection: unknown }[] = [];

beforeAll(async () => {
  tdb = await openTestDatabase('photokeys');
  photos = new MongoPhotoRepository({ db: tdb.db });
  await photos.ensureIndexes();
  watched = await MongoClient.connect(tdb.uri, { monitorCommands: true });
  watched.on('commandStarted', (e: CommandStartedEvent) => commands.push({ name: e.commandName, collection: e.command[e.commandName] }));
  watchedPhotos = new MongoPhotoRepository({ db: watched.db(tdb.db.databaseName) });
});
afterAll(async () => {
  await watched.close();
  await tdb.close();
});
beforeEach(() => {
  commands.length = 0;
});

const hash = (c: string): ContentHash => toContentHash(c.repeat(64));
let streets = 0;
const freshProperty = (): PropertyId => toPropertyId(`${(streets += 1)} Key Street, Phoenix, AZ 85001`);

function sighting(propertyId: PropertyId, sha256: ContentHash, n: number, overrides: Partial<PhotoObservation> = {}): PhotoObservation {
  return {
    ...{ propertyId, sha256, format: 'jpeg', widthPx: 1024, heightPx: 768, byteLength: 1234 },
    ...{ fileName: `${sha256}.jpg`, location: `/images/${sha256}.jpg`, source: 'zillow', photoId: `p${n}` },
    ...{ url: `https://example.test/${n}.jpg`, seenAt: new Date(Date.UTC(2030, 0, 1, 0, n)), jobId: null },
    ...overrides,
  };
}

/** The commands sent about photos and locks since the test began (handshakes and the like left out). */
function sent(): string[] {
  return commands
    .filter((c) => String(c.collection).startsWith('photos') || c.collection === 'write_locks')
    .map((c) => `${c.name} ${String(c.collection)}`);
}

/** The partition of a property's records, read directly. */
const partitionOf = (propertyId: PropertyId) => tdb.db.collection(photoCollectionName(propertyId));

describe('MongoPhotoRepository: records keyed <propertyId>:<sha256>', () => {
  it('keys a new record by property and hash, and keeps the key when a better version becomes canonical', async () => {
    const propertyId = freshProperty();
    await photos.recordPhoto(sighting(propertyId, hash('a'), 1, { newPicture: true, perceptualHash: 'ffff0000ffff0000' }));
    const better = { widthPx: 2048, heightPx: 1536, byteLength: 9999, sameAs: hash('a'), recordKey: photoRecordKey(propertyId, hash('a')) };
    await photos.recordPhoto(sighting(propertyId, hash('b'), 2, better));
    const docs = await partitionOf(propertyId).find({ propertyId }).toArray();
    expect(docs.map((d) => [d['_id'], d['sha256'], d['key'], d['caption']])).toEqual([
      [`${propertyId}:${hash('a')}`, hash('b'), undefined, undefined],
    ]);
  });

  it('never writes to another property through a key: such a sighting is found by hash', async () => {
    const [mine, theirs] = [freshProperty(), freshProperty()];
    await photos.recordPhoto(sighting(mine, hash('1'), 1, { newPicture: true }));
    await photos.recordPhoto(sighting(theirs, hash('1'), 1, { newPicture: true }));
    await photos.recordSightings([sighting(mine, hash('1'), 2, { recordKey: photoRecordKey(theirs, hash('1')) })]);
    expect((await photos.listPhotos(mine))[0]?.photoIds).toEqual(['p1', 'p2']);
    expect((await photos.listPhotos(theirs))[0]?.photoIds).toEqual(['p1']);
  });

  it("writes a new picture with one insert in the property's partition: no lock, no read (the first write there makes its index)", async () => {
    const propertyId = freshProperty();
    const partition = photoCollectionName(propertyId);
    expect(await watchedPhotos.recordPhoto(sighting(propertyId, hash('c'), 1, { newPicture: true }))).toEqual({ created: true });
    expect(sent()).toEqual([`createIndexes ${partition}`, `insert ${partition}`]);
    commands.length = 0;
    expect(await watchedPhotos.recordPhoto(sighting(propertyId, hash('d'), 2, { newPicture: true }))).toEqual({ created: true });
    expect(sent()).toEqual([`insert ${partition}`]);
    const indexes = await partitionOf(propertyId).indexes();
    expect(indexes.find((i) => i.name === 'propertyId_sha256_unique')).toMatchObject({ key: { propertyId: 1, sha256: 1 }, unique: true });
  });

  it("makes a partition's index again at the next write when making it failed", async () => {
    const propertyId = freshProperty();
    // Two documents of the same bytes, as no writer of the repository makes them: the unique index cannot be built.
    const twin = { propertyId, sha256: hash('7') };
    await partitionOf(propertyId).insertMany([{ ...twin }, { ...twin }]);
    const repository = new MongoPhotoRepository({ db: tdb.db });
    await expect(repository.recordPhoto(sighting(propertyId, hash('8'), 1, { newPicture: true }))).rejects.toThrow();
    await partitionOf(propertyId).deleteMany(twin);
    expect(await repository.recordPhoto(sighting(propertyId, hash('8'), 1, { newPicture: true }))).toEqual({ created: true });
    expect((await partitionOf(propertyId).indexes()).map((i) => i.name)).toContain('propertyId_sha256_unique');
  });

  it('writes a batch of sightings of known records in one bulk write under one lock, and a removal decided on held records with none', async () => {
    const propertyId = freshProperty();
    for (const [i, c] of ['1', '2', '3', '4', '5'].entries())
      await watchedPhotos.recordPhoto(sighting(propertyId, hash(c), i, { newPicture: true }));
    const records = await photos.listPhotos(propertyId);
    commands.length = 0;
    await watchedPhotos.recordSightings(
      records.map((r, i) => sighting(propertyId, r.sha256, i, { recordKey: r.key as string, seenAt: new Date(Date.UTC(2031, 0, 1)) })),
    );
    expect(sent()).toEqual(['insert write_locks', `update ${photoCollectionName(propertyId)}`, 'delete write_locks']);
    const after = await photos.listPhotos(propertyId);
    expect(after.map((r) => r.lastSeenAt)).toEqual(after.map(() => new Date(Date.UTC(2031, 0, 1))));
    commands.length = 0;
    const query = { propertyId, sourcesRead: ['zillow' as const], listedPhotoIds: ['p0', 'p1', 'p2', 'p3', 'p4'], removedAt: new Date() };
    expect(await watchedPhotos.markRemoved({ ...query, records: after })).toBe(0);
    expect(sent()).toEqual([]);
  });

  it('stores whole the lists a sighting gives (a URL that changes at every run), keeping them within MAX_PHOTO_SIGHTINGS', async () => {
    const propertyId = freshProperty();
    await photos.recordPhoto(sighting(propertyId, hash('e'), 0, { newPicture: true }));
    let [record] = await photos.listPhotos(propertyId);
    for (let run = 1; run <= MAX_PHOTO_SIGHTINGS + 5; run += 1) {
      const seen = sighting(propertyId, hash('e'), 0, { recordKey: record!.key as string, url: `https://example.test/0.jpg?v=${run}` });
      const replaceLists = listsToReplace(record!, seen);
      await photos.recordSightings([replaceLists === undefined ? seen : { ...seen, replaceLists }]);
      [record] = await photos.listPhotos(propertyId);
    }
    expect(record!.urls).toHaveLength(MAX_PHOTO_SIGHTINGS);
    expect(record!.urls.at(-1)).toBe(`https://example.test/0.jpg?v=${MAX_PHOTO_SIGHTINGS + 5}`);
    expect(record!.photoIds).toEqual(['p0']);
  });

  it('lets exactly one of concurrent new-picture writers on separate clients create the record, and loses no sighting', async () => {
    const others = await Promise.all([tdb.connectAgain(), tdb.connectAgain(), tdb.connectAgain()]);
    const repositories = [photos, ...others.map((db) => new MongoPhotoRepository({ db }))];
    for (let round = 0; round < 3; round += 1) {
      const propertyId = freshProperty();
      const count = 12;
      // Later sightings first, so a lost $min shows in firstSeenAt.
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => count - 1 - i).map((n) =>
          repositories[n % repositories.length]!.recordPhoto(sighting(propertyId, hash('d'), n, { newPicture: true })),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const records = await photos.listPhotos(propertyId);
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({ firstSeenAt: sighting(propertyId, hash('d'), 0).seenAt });
      expect(records[0]?.lastSeenAt).toEqual(sighting(propertyId, hash('d'), count - 1).seenAt);
      expect([...records[0]!.photoIds].sort()).toEqual(Array.from({ length: count }, (_, n) => `p${n}`).sort());
    }
  });

  it('loses no reported record or flushed sighting when the writer is abandoned right after (a kill)', async () => {
    const propertyId = freshProperty();
    const writer = await MongoClient.connect(tdb.uri);
    const repository = new MongoPhotoRepository({ db: writer.db(tdb.db.databaseName) });
    const created = await Promise.all(
      ['6', '7', '8'].map((c, i) => repository.recordPhoto(sighting(propertyId, hash(c), i, { newPicture: true }))),
    );
    expect(created).toEqual([{ created: true }, { created: true }, { created: true }]);
    const keys = ['6', '7', '8'].map((c) => photoRecordKey(propertyId, hash(c)));
    const later = new Date(Date.UTC(2032, 0, 1));
    await repository.recordSightings(keys.map((recordKey, i) => sighting(propertyId, hash('678'[i]!), i, { recordKey, seenAt: later })));
    await writer.close(true);
    const records = await photos.listPhotos(propertyId);
    expect(records.map((r) => [r.key, r.lastSeenAt])).toEqual(keys.map((k) => [k, later]));
    expect(await tdb.db.collection('write_locks').countDocuments({})).toBe(0);
  });
});

describe('MongoPhotoRepository and documents written before keys (ObjectId _id)', () => {
  /** A document as the repository wrote it before keys: an upsert on (propertyId, sha256), no jobIds for a run without a job. */
  function oldDocument(propertyId: PropertyId, sha256: ContentHash, photoId: string) {
    const seenAt = new Date(Date.UTC(2029, 5, 1));
    return {
      _id: new ObjectId(),
      propertyId,
      sha256,
      ...{ sources: ['zillow'], photoIds: [photoId], urls: [`https://old.test/${photoId}.jpg`], firstSeenAt: seenAt, lastSeenAt: seenAt },
      ...{ removedAt: null, revision: 1, format: 'jpeg', widthPx: 800, heightPx: 600, byteLength: 4321 },
      ...{ fileName: `${sha256}.jpg`, location: `/images/${sha256}.jpg`, perceptualHash: 'ffff0000ffff0000', tone: null },
      ...{ placeholder: false, size: { listedWidthPx: 800, largest: true }, animated: false, variants: [], duplicates: [] },
    };
  }

  it('moves them from the single collection of earlier versions into their partition, lists them with their ObjectId as key, and every write path finds them', async () => {
    const propertyId = freshProperty();
    const [one, two, three] = [
      oldDocument(propertyId, hash('e'), 'o1'),
      oldDocument(propertyId, hash('f'), 'o2'),
      oldDocument(propertyId, hash('0'), 'o3'),
    ];
    await tdb.db.collection('photos').insertMany([one, two, three]);
    expect(await photos.listPhotos(propertyId)).toEqual([]);
    expect(await photos.ensureIndexes()).toEqual({ movedLegacyRecords: 3 });
    const records = await photos.listPhotos(propertyId);
    expect(records.map((r) => r.key)).toEqual([one, two, three].map((d) => d._id.toHexString()));

    // A keyed batch sighting.
    const later = new Date(Date.UTC(2030, 0, 1));
    await photos.recordSightings([
      sighting(propertyId, hash('e'), 9, { photoId: 'o1', recordKey: records[0]!.key as string, seenAt: later }),
    ]);
    // A sighting said to be a new picture of bytes an old document holds: it joins it.
    expect(await photos.recordPhoto(sighting(propertyId, hash('f'), 10, { newPicture: true }))).toEqual({ created: false });
    // A better copy of the third picture by a job (the old document has no jobIds).
    const better = { widthPx: 1600, heightPx: 1200, byteLength: 99_999, sameAs: hash('0'), recordKey: records[2]!.key as string };
    expect(
      await photos.recordPhoto(sighting(propertyId, hash('9'), 11, { ...better, jobId: 'job-1' as PhotoObservation['jobId'] })),
    ).toEqual({
      created: false,
    });
    const docs = await partitionOf(propertyId).find({ propertyId }).sort({ firstSeenAt: 1, _id: 1 }).toArray();
    expect(docs.map((d) => [d['_id'], d['sha256'], d['lastSeenAt']])).toEqual([
      [one._id, hash('e'), later],
      [two._id, hash('f'), sighting(propertyId, hash('f'), 10).seenAt],
      [three._id, hash('9'), sighting(propertyId, hash('9'), 11).seenAt],
    ]);
    expect(docs[2]?.['jobIds']).toEqual(['job-1']);

    // A removal decided on held records updates an old document by its ObjectId.
    const held = await photos.listPhotos(propertyId);
    const query = { propertyId, sourcesRead: ['zillow' as const], listedPhotoIds: ['o1', 'p10', 'p11'], removedAt: later, records: held };
    expect(await photos.markRemoved(query)).toBe(0);
    expect(await photos.markRemoved({ ...query, listedPhotoIds: ['p10', 'p11'] })).toBe(1);
    expect((await partitionOf(propertyId).findOne({ _id: one._id }))?.['removedAt']).toEqual(later);
  });
});

describe('MongoPhotoRepository.ensureIndexes: the single photos collection of earlier versions', () => {
  let legacyDb: TestDatabase;
  beforeAll(async () => {
    legacyDb = await openTestDatabase('photolegacy');
  });
  afterAll(async () => {
    await legacyDb.close();
  });
  const names = async (): Promise<string[]> =>
    (await legacyDb.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.startsWith('photos'));

  it('finishes an interrupted move: every record into its partition once, keeping _id (keys and ObjectIds), the old collections dropped', async () => {
    const [a, b] = [freshProperty(), freshProperty()];
    // As the repository of earlier versions wrote them (see also the ObjectId documents above).
    const keyed = (propertyId: PropertyId, c: string, n: number) => {
      const { key, caption, ...fields } = newPhotoRecord(sighting(propertyId, hash(c), n));
      return { _id: photoRecordKey(propertyId, hash(c)), ...fields, jobIds: [], revision: 1 };
    };
    const seenAt = new Date(Date.UTC(2029, 5, 1));
    const old = {
      _id: new ObjectId(),
      propertyId: b,
      sha256: hash('3'),
      sources: ['zillow'],
      photoIds: ['o'],
      urls: [],
      firstSeenAt: seenAt,
      lastSeenAt: seenAt,
    };
    const legacyDocs = [keyed(a, '1', 1), keyed(a, '2', 2), keyed(b, '1', 1)];
    // A move cut during the copy: the old collection renamed photos_moving, one record in its partition already...
    await legacyDb.db.collection<{ _id: string | ObjectId }>('photos_moving').insertMany(legacyDocs.map((d) => ({ ...d })));
    await legacyDb.db.collection<{ _id: string | ObjectId }>(photoCollectionName(a)).insertOne({ ...legacyDocs[0]! });
    // ... and a process of the earlier version still writing: a new photos collection.
    await legacyDb.db.collection<{ _id: string | ObjectId }>('photos').insertOne({ ...old });
    const repository = new MongoPhotoRepository({ db: legacyDb.db });
    expect(await repository.ensureIndexes()).toEqual({ movedLegacyRecords: 4 });
    expect((await names()).sort()).toEqual([...new Set([photoCollectionName(a), photoCollectionName(b)])].sort());
    expect((await repository.listPhotos(a)).map((r) => r.key)).toEqual([photoRecordKey(a, hash('1')), photoRecordKey(a, hash('2'))]);
    expect((await repository.listPhotos(b)).map((r) => r.key).sort()).toEqual([photoRecordKey(b, hash('1')), old._id.toHexString()].sort());
    // Writes find the moved records, an ObjectId one by its key too.
    const later = new Date(Date.UTC(2033, 0, 1));
    await repository.recordSightings([sighting(b, hash('3'), 5, { recordKey: old._id.toHexString(), seenAt: later })]);
    expect(await repository.recordPhoto(sighting(a, hash('2'), 6, { newPicture: true }))).toEqual({ created: false });
    expect((await legacyDb.db.collection(photoCollectionName(b)).findOne({ _id: old._id }))?.['lastSeenAt']).toEqual(later);
    expect((await legacyDb.db.collection(photoCollectionName(a)).indexes()).map((i) => i.name)).toContain('propertyId_sha256_unique');
    // Once: the next start finds nothing to move.
    expect(await new MongoPhotoRepository({ db: legacyDb.db }).ensureIndexes()).toEqual({ movedLegacyRecords: 0 });
  });

  it('keeps a document it cannot place (no property id) in photos_unplaced, and says so', async () => {
    const property = freshProperty();
    const stray = { _id: new ObjectId(), sha256: hash('5') };
    await legacyDb.db.collection('photos').insertMany([stray, { ...stray, _id: new ObjectId(), propertyId: property }]);
    const said: unknown[] = [];
    const logger = { ...noopLogger, info: (context: unknown) => said.push(context), warn: (context: unknown) => said.push(context) };
    const repository = new MongoPhotoRepository({ db: legacyDb.db, logger });
    expect(await repository.ensureIndexes()).toEqual({ movedLegacyRecords: 1 });
    expect(said).toEqual([
      { collection: 'photos', moved: 1, unplaced: 1 },
      { collection: 'photos', moved: 1, unplaced: 1 },
    ]);
    expect(await legacyDb.db.collection('photos_unplaced').find().toArray()).toEqual([stray]);
    expect(await names()).not.toContain('photos');
    expect(await names()).not.toContain('photos_moving');
    expect(await repository.ensureIndexes()).toEqual({ movedLegacyRecords: 0 });
    expect(said).toHaveLength(2);
  });

  it('moves once with processes starting at the same time: each record in its partition, none lost', async () => {
    const properties = Array.from({ length: 12 }, () => freshProperty());
    const docs = properties.flatMap((p) =>
      Array.from({ length: 25 }, (_, n) => {
        const sha256 = toContentHash(n.toString(16).padStart(64, '0'));
        const { key, caption, ...fields } = newPhotoRecord(sighting(p, sha256, n));
        return { _id: photoRecordKey(p, sha256), ...fields, jobIds: [], revision: 1 };
      }),
    );
    await legacyDb.db.collection<{ _id: string }>('photos').insertMany(docs);
    const others = await Promise.all([legacyDb.connectAgain(), legacyDb.connectAgain()]);
    const results = await Promise.all([legacyDb.db, ...others].map((db) => new MongoPhotoRepository({ db }).ensureIndexes()));
    expect(results.reduce((n, r) => n + r.movedLegacyRecords, 0)).toBeGreaterThanOrEqual(docs.length);
    const partitions = new Set(properties.map((p) => photoCollectionName(p)));
    expect((await findPhotoDocuments(legacyDb.db, { propertyId: { $in: properties } })).length).toBe(docs.length);
    for (const p of properties) expect(await legacyDb.db.collection(photoCollectionName(p)).countDocuments({ propertyId: p })).toBe(25);
    expect(partitions.size).toBeGreaterThan(1);
    expect((await legacyDb.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)).not.toContain('photos');
  });
});

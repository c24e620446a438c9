#!/usr/bin/env node
/**
 * `npm run bench:photo-writes`: what one photo write costs as the photo
 * records grow (spread by property over `PHOTO_COLLECTION_PARTITIONS`
 * collections, see `photoCollectionName`). Fills a throwaway database
 * (dropped afterwards) with made-up photo records, 25 per property, each in
 * its property's partition, to each size of `--sizes`
 * (default 500, 5,000 and 50,000), and measures at each size, through
 * `MongoPhotoRepository`: recording a new photo (`newPicture`: one insert)
 * and the same without the hint (the lookup by hash that every new photo
 * paid before records were keyed), a known photo's sighting by key, the
 * batch flush of one property's 25 sightings (`recordSightings`), and
 * `listPhotos` of one property; median and p95 in ms, and the round trips
 * (commands to the server) per new photo and per flush. Samples per size:
 * `--samples` new photos (default 30), a third as many known sightings,
 * `--slow-samples` (default 3) writes by hash and flushes, one more
 * `listPhotos`. A script, not a test: it prints figures and asserts none.
 * Run against an older `MongoPhotoRepository` (no `recordSightings`), a
 * flush is `recordPhoto` per sighting and the hints are ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent, Db } from 'mongodb';
import { newPhotoRecord, toContentHash, toPropertyId } from '@phx/core';
import type { PhotoObservation, PhotoRecord, PropertyId } from '@phx/core';
import { MongoPhotoRepository, photoCollectionName } from '@phx/jobs';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { cleanUpOnInterrupt, dropAfterClosing, runBench } from './bench-graphql-server.js';
import { percentile } from './jobs-stats.js';

/** Photo records per made-up property, about a listing's gallery. */
export const PHOTOS_PER_PROPERTY = 25;

/** Latency figures of one kind of write, in ms. */
export interface LatencyFigures {
  readonly samples: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/**
 * Median and p95 of some durations.
 *
 * @param durationsMs - measured durations in ms (any order)
 * @returns count, median and p95 (nearest rank); `NaN` when empty
 */
export function latencyOf(durationsMs: readonly number[]): LatencyFigures {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  return { samples: sorted.length, medianMs: percentile(sorted, 50), p95Ms: percentile(sorted, 95) };
}

/**
 * A made-up sighting of photo `n` of a property, with a hash of its own.
 *
 * @param propertyId - the property
 * @param n - the photo's number, unique within the property
 * @param overrides - fields to set (`newPicture`, `recordKey`, `seenAt`, …)
 * @returns the observation
 */
export function madeUpSighting(propertyId: PropertyId, n: number, overrides: Partial<PhotoObservation> = {}): PhotoObservation {
  const sha256 = toContentHash(createHash('sha256').update(`${propertyId}#${n}`).digest('hex'));
  return {
    ...{ propertyId, sha256, format: 'jpeg', widthPx: 1536, heightPx: 1024, byteLength: 345_678, fileName: `${sha256}.jpg` },
    ...{ location: `/data/images/${propertyId}/${sha256}.jpg`, source: 'zillow', photoId: `photo-${n}` },
    ...{ url: `https://photos.example.test/${encodeURIComponent(propertyId)}/${n}.jpg`, seenAt: new Date(), jobId: null },
    ...{ perceptualHash: createHash('md5').update(sha256).digest('hex').slice(0, 16), gallery: { position: n, caption: null } },
    ...overrides,
  };
}

/**
 * The document the repository writes for a made-up photo's first sighting
 * (`_id` its key; see `MongoPhotoRepository`), for filling a collection fast.
 *
 * @param propertyId - the property
 * @param n - the photo's number, unique within the property
 * @returns the document
 */
export function madeUpDocument(propertyId: PropertyId, n: number): Record<string, unknown> {
  const { key, caption, ...fields } = newPhotoRecord(madeUpSighting(propertyId, n));
  return { _id: key, ...fields, jobIds: [], revision: 1 };
}

interface Bench {
  readonly db: Db;
  readonly photos: MongoPhotoRepository;
  /** Commands sent to the server since the last `take`. */
  readonly commands: string[];
  stored: number;
}

function property(n: number): PropertyId {
  return toPropertyId(`${n} Bench Photo St, Phoenix, AZ 85001`);
}

/**
 * Adds made-up properties of 25 records each, about 1,000 documents per round (one `insertMany` per partition, each
 * property's records in its partition, `photoCollectionName`), until `size` records are stored.
 */
async function fillTo(bench: Bench, size: number): Promise<void> {
  const from = Math.ceil(bench.stored / PHOTOS_PER_PROPERTY) * PHOTOS_PER_PROPERTY;
  const to = Math.ceil(size / PHOTOS_PER_PROPERTY) * PHOTOS_PER_PROPERTY;
  for (let first = from; first < to; first += 1_000) {
    const byPartition = new Map<string, Record<string, unknown>[]>();
    for (let i = first; i < Math.min(first + 1_000, to); i += 1) {
      const propertyId = property(Math.floor(i / PHOTOS_PER_PROPERTY));
      const name = photoCollectionName(propertyId);
      byPartition.set(name, [...(byPartition.get(name) ?? []), madeUpDocument(propertyId, i % PHOTOS_PER_PROPERTY)]);
    }
    for (const [name, docs] of byPartition) await bench.db.collection(name).insertMany(docs);
  }
  bench.stored = to;
}

async function timed(samples: number, work: (i: number) => Promise<unknown>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now();
    await work(i);
    durations.push(performance.now() - started);
  }
  return durations;
}

/** Commands one call sends, counted by the client's command monitoring. */
async function roundTrips(bench: Bench, work: () => Promise<unknown>): Promise<number> {
  bench.commands.length = 0;
  await work();
  return bench.commands.length;
}

/** The figures at one size. */
export interface SizeFigures {
  readonly storedPhotos: number;
  readonly newPhoto: LatencyFigures;
  readonly newPhotoByHash: LatencyFigures;
  readonly knownSighting: LatencyFigures;
  /** One property's 25 sightings in one `recordSightings` (per flush, not per photo). */
  readonly batchFlush: LatencyFigures;
  readonly listPhotos: LatencyFigures;
  readonly roundTripsNewPhoto: number;
  readonly roundTripsNewPhotoByHash: number;
  readonly roundTripsBatchFlush: number;
}

async function measureAt(bench: Bench, size: number, settings: BenchSettings, run: number): Promise<SizeFigures> {
  const { samples, slowSamples } = settings;
  const probe = property(10_000_000 + run);
  let n = 0;
  const newPhoto = await timed(samples, () => bench.photos.recordPhoto(madeUpSighting(probe, (n += 1), { newPicture: true })));
  const newPhotoByHash = await timed(slowSamples, () => bench.photos.recordPhoto(madeUpSighting(probe, (n += 1))));
  const roundTripsNewPhoto = await roundTrips(bench, () => bench.photos.recordPhoto(madeUpSighting(probe, (n += 1), { newPicture: true })));
  const roundTripsNewPhotoByHash = await roundTrips(bench, () => bench.photos.recordPhoto(madeUpSighting(probe, (n += 1))));
  // Known photos: those of filled properties, as a re-run lists them.
  const listed: PhotoRecord[][] = [];
  const listPhotos = await timed(slowSamples + 1, async (i) => listed.push(await bench.photos.listPhotos(property(i))));
  const again = (r: PhotoRecord, i: number) =>
    madeUpSighting(r.propertyId, Number(r.photoIds[0]?.slice('photo-'.length)), {
      ...(r.key === undefined ? {} : { recordKey: r.key }),
      seenAt: new Date(Date.now() + i),
    });
  const knownSighting = await timed(Math.ceil(samples / 3), (i) =>
    bench.photos.recordPhoto(again(listed[0]![i % PHOTOS_PER_PROPERTY]!, i)),
  );
  const flush = (records: readonly PhotoRecord[]) => {
    const batch = records.map(again);
    return bench.photos.recordSightings === undefined
      ? batch.reduce((p, o) => p.then(() => bench.photos.recordPhoto(o)), Promise.resolve<unknown>(null))
      : bench.photos.recordSightings(batch);
  };
  const batchFlush = await timed(slowSamples, (i) => flush(listed[i + 1]!));
  const roundTripsBatchFlush = await roundTrips(bench, () => flush(listed[0]!));
  return {
    ...{ storedPhotos: size, newPhoto: latencyOf(newPhoto), newPhotoByHash: latencyOf(newPhotoByHash) },
    ...{ knownSighting: latencyOf(knownSighting), batchFlush: latencyOf(batchFlush), listPhotos: latencyOf(listPhotos) },
    ...{ roundTripsNewPhoto, roundTripsNewPhotoByHash, roundTripsBatchFlush },
  };
}

function printFigures(rows: readonly SizeFigures[]): void {
  const ms = (f: LatencyFigures) => `${f.medianMs.toFixed(1).padStart(8)} ${f.p95Ms.toFixed(1).padStart(8)}`;
  const head = (name: string) => `${name.padStart(17)}`;
  console.log(
    `${'stored photos'.padStart(13)} ${head('new photo')} ${head('new, by hash')} ${head('known sighting')} ${head('flush of 25')} ${head('listPhotos')}   round trips: new / by hash / flush`,
  );
  console.log(`${''.padStart(13)}${'   median      p95'.repeat(5)}`);
  for (const r of rows) {
    console.log(
      `${r.storedPhotos.toLocaleString('en-US').padStart(13)} ${ms(r.newPhoto)} ${ms(r.newPhotoByHash)} ${ms(r.knownSighting)} ${ms(r.batchFlush)} ${ms(r.listPhotos)}   ${r.roundTripsNewPhoto} / ${r.roundTripsNewPhotoByHash} / ${r.roundTripsBatchFlush}`,
    );
  }
}

/** What `--sizes`, `--samples` and `--slow-samples` ask for. */
interface BenchSettings {
  /** Stored photo counts to measure at, rising. */
  readonly sizes: readonly number[];
  /** New photos timed per size (a third as many known sightings). */
  readonly samples: number;
  /** Writes by hash and batch flushes timed per size (and one more `listPhotos`): each scans the property's partition on FerretDB. */
  readonly slowSamples: number;
}

function readSettings(): BenchSettings {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '500,5000,50000' },
      samples: { type: 'string', default: '30' },
      'slow-samples': { type: 'string', default: '3' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const [samples, slowSamples] = [Number(values.samples), Number(values['slow-samples'])];
  if (sizes.some((s) => !Number.isInteger(s) || s < PHOTOS_PER_PROPERTY) || sizes.some((s, i) => i > 0 && s <= sizes[i - 1]!)) {
    throw new Error(`--sizes takes rising whole numbers of at least ${PHOTOS_PER_PROPERTY}, e.g. 500,5000,50000; not ${values.sizes}`);
  }
  if (!Number.isInteger(samples) || samples < 3) throw new Error(`--samples takes a whole number of at least 3, not ${values.samples}`);
  if (!Number.isInteger(slowSamples) || slowSamples < 1 || slowSamples > 10) {
    throw new Error(`--slow-samples takes a whole number from 1 to 10, not ${values['slow-samples']}`);
  }
  return { sizes, samples, slowSamples };
}

async function main(): Promise<void> {
  const settings = readSettings();
  const uri = await resolveMongoUri();
  const client = await MongoClient.connect(uri, { monitorCommands: true });
  const db = client.db(`phx_bench_photo_writes_${randomBytes(4).toString('hex')}`);
  const commands: string[] = [];
  client.on('commandStarted', (e: CommandStartedEvent) => commands.push(e.commandName));
  const bench: Bench = { db, photos: new MongoPhotoRepository({ db }), commands, stored: 0 };
  const rows: SizeFigures[] = [];
  // Ctrl-C: the writes in flight are cut first (one landing after the drop would create the database again).
  const forget = cleanUpOnInterrupt(() => dropAfterClosing(client, uri, db.databaseName));
  try {
    await bench.photos.ensureIndexes();
    for (const [run, size] of settings.sizes.entries()) {
      const started = Date.now();
      await fillTo(bench, size);
      console.error(`filled to ${bench.stored} photo records in ${((Date.now() - started) / 1000).toFixed(1)} s; measuring`);
      rows.push(await measureAt(bench, bench.stored, settings, run));
    }
    printFigures(rows);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    forget();
    await client.close();
  }
}

// Imported by its test for the helpers: runs only as the script.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runBench('bench:photo-writes', main);

#!/usr/bin/env node
/**
 * `npm run bench:gallery-order`: how many stored photos sit at their gallery
 * position, listed the old way (first sighting: `firstSeenAt`, then record
 * id) and the new way (core's `compareGalleryOrder`). Every saved Zillow and
 * Redfin listing page of the fixtures (the replay archive's detail pages) is
 * extracted once, by replay in real Chromium with photos from the replay
 * photo server, into a throwaway database that is dropped afterwards. A
 * record is in place when its index in the listing equals its gallery
 * position on its source (`gallery.<source>.position`, from the run that
 * stored it). One pass; no new property starts after `--max-minutes`
 * (default 10). A script, not a test: first sighting depends on download
 * timing, so its figures vary from run to run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { FileImageStore, PropertyExtractor, compareGalleryOrder, toPropertyId } from '@phx/core';
import type { PhotoRecord, Property, Source } from '@phx/core';
import { MongoPhotoRepository, photoCollectionName } from '@phx/jobs';
import { createScraperKit } from '@phx/scrapers';
import type { ScraperKit } from '@phx/scrapers';
import { resolveMongoUri } from '../db/mongo-uri.js';
import { findWorkspaceRoot } from '../db/workspace-paths.js';

/** The figures of one saved listing page. */
export interface GalleryOrderFigures {
  /** Fixture file name. */
  readonly file: string;
  /** Site of the page. */
  readonly source: Source;
  /** Photos the scraper read from the page (the run's `photosFound`). */
  readonly onPage: number;
  /** Photo records stored for the property (fewer than `onPage` when photos merged as one picture or failed). */
  readonly records: number;
  /** Records whose index in the first-sighting listing equals their gallery position. */
  readonly inPlaceByFirstSighting: number;
  /** Records whose index in the `compareGalleryOrder` listing equals their gallery position. */
  readonly inPlaceByGallery: number;
  /** Outcome status of the extraction, e.g. `completed`. */
  readonly status: string;
}

/**
 * Counts the records of a listing that sit at their gallery position.
 *
 * @param listed - records in the order to judge
 * @param source - the source whose gallery positions count
 * @returns how many records have `gallery[source].position` equal to their index; a record without one never counts
 */
export function countInPlace(listed: readonly Pick<PhotoRecord, 'gallery'>[], source: Source): number {
  return listed.filter((r, i) => r.gallery?.[source]?.position === i).length;
}

function readSettings(): { readonly maxMinutes: number } {
  const { values } = parseArgs({ options: { 'max-minutes': { type: 'string', default: '10' } } });
  const maxMinutes = Number(values['max-minutes']);
  if (!(maxMinutes > 0)) throw new Error(`--max-minutes takes a number above 0, not ${values['max-minutes']}`);
  return { maxMinutes };
}

/** A saved listing page of the replay archive. */
type SavedListing = NonNullable<ScraperKit['archive']>['listings'][number];

/** Extracts one saved page into `db` and reads both listings of its records. */
async function measure(kit: ScraperKit, db: Db, imagesDir: string, listing: SavedListing): Promise<GalleryOrderFigures> {
  const address = listing.parsed.address ?? basename(listing.file);
  const property: Property = { id: toPropertyId(address), address, listingUrls: { [listing.source]: listing.url } };
  const repository = new MongoPhotoRepository({ db });
  const extractor = new PropertyExtractor({
    scrapers: kit.scrapers,
    fetcher: kit.fetcher,
    store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
    repository,
  });
  const outcome = await extractor.extractProperty(property, { sources: [listing.source], dryRun: false, jobId: null });
  const docs = await db
    .collection(photoCollectionName(property.id))
    .find({ propertyId: property.id })
    .sort({ firstSeenAt: 1, _id: 1 })
    .toArray();
  const records = await repository.listPhotos(property.id);
  const bySha = new Map(records.map((r) => [r.sha256 as string, r]));
  const bySighting = docs.map((d) => bySha.get(d['sha256'] as string)).filter((r) => r !== undefined);
  const byGallery = [...records].sort(compareGalleryOrder([listing.source]));
  return {
    file: basename(listing.file),
    source: listing.source,
    onPage: outcome.photosFound,
    records: docs.length,
    inPlaceByFirstSighting: countInPlace(bySighting, listing.source),
    inPlaceByGallery: countInPlace(byGallery, listing.source),
    status: outcome.status,
  };
}

function printFigures(rows: readonly GalleryOrderFigures[]): void {
  const line = (r: Omit<GalleryOrderFigures, 'source' | 'status'>, status: string): string =>
    `${r.file.padEnd(50)} ${String(r.onPage).padStart(7)} ${String(r.records).padStart(8)} ` +
    `${String(r.inPlaceByFirstSighting).padStart(15)} ${String(r.inPlaceByGallery).padStart(17)}  ${status}`;
  console.log(
    `${'page'.padEnd(50)} ${'on page'.padStart(7)} ${'records'.padStart(8)} ${'first sighting'.padStart(15)} ${'gallery order'.padStart(17)}  status`,
  );
  for (const r of rows) console.log(line(r, r.status));
  const sum = (f: (r: GalleryOrderFigures) => number): number => rows.reduce((n, r) => n + f(r), 0);
  const total = {
    file: `total (${rows.length} pages)`,
    onPage: sum((r) => r.onPage),
    records: sum((r) => r.records),
    inPlaceByFirstSighting: sum((r) => r.inPlaceByFirstSighting),
    inPlaceByGallery: sum((r) => r.inPlaceByGallery),
  };
  console.log(line(total, ''));
}

async function main(): Promise<void> {
  const { maxMinutes } = readSettings();
  const deadline = Date.now() + maxMinutes * 60_000;
  const root = findWorkspaceRoot();
  const fixturesDir = resolve(process.env['PHX_FIXTURES_DIR'] ?? join(root, '..', 'shared', 'fixtures'));
  const uri = await resolveMongoUri();
  const dbName = `phx_bench_gallery_${randomBytes(4).toString('hex')}`;
  const mongo = await MongoClient.connect(uri);
  const db = mongo.db(dbName);
  const imagesDir = await mkdtemp(join(tmpdir(), 'phx-bench-gallery-'));
  let kit: ScraperKit | null = null;
  const rows: GalleryOrderFigures[] = [];
  try {
    await new MongoPhotoRepository({ db }).ensureIndexes();
    kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir } });
    const listings = kit.archive?.listings ?? [];
    console.log(
      `phx gallery-order benchmark: ${listings.length} saved listing pages of ${fixturesDir}, replayed in Chromium into database ${dbName}; ` +
        `one pass, no page starts after ${maxMinutes} min. Columns: photos the page lists, records stored, records at their gallery ` +
        `position listed by first sighting (firstSeenAt, then id) and by compareGalleryOrder.`,
    );
    for (const listing of listings) {
      if (Date.now() >= deadline) {
        console.log(`--max-minutes reached: ${basename(listing.file)} not run`);
        continue;
      }
      rows.push(await measure(kit, db, imagesDir, listing));
    }
  } finally {
    printFigures(rows);
    await kit?.close();
    await db.dropDatabase();
    await mongo.close();
    await rm(imagesDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench:gallery-order failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

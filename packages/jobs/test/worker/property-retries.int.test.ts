import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, PropertyExtractor, newJobId, noopLogger } from '@phx/core';
import type { ExtractionEvent, Property } from '@phx/core';
import { DEFAULT_PROPERTY_RETRY_SETTINGS, RetryingPropertyExtractor } from '../../src/worker/retrying-property-extractor.js';
import { JobPhotoCensus } from '../../src/worker/job-photo-census.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { FixturePhotoFetcher, FixturePhotoScraper } from '../support/fixture-photos.js';
import { FlakyScraper } from '../support/flaky-scraper.js';
import type { PageFailurePlan } from '../support/flaky-scraper.js';
import { redfinGallery, testProperty, zillowGallery } from '../support/job-harness.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';

/** Per property: Zillow 8 photos, Redfin 5 of which 1 is Zillow's again. */
const CLEAN = { totalImages: 13, newImages: 12, duplicateImages: 1, unchangedImages: 0 };
const transient = (times: number): PageFailurePlan => ({ times, kind: 'transient', code: 'NAVIGATION_FAILED' });
const permanent: PageFailurePlan = { times: Infinity, kind: 'permanent', code: 'LISTING_REMOVED' };

describe('per-property retries (PROPERTY_MAX_ATTEMPTS) on a real MongoDB', () => {
  let tdb: TestDatabase;
  let repository: JobRepository;
  let photos: MongoPhotoRepository;
  let imagesDir: string;

  beforeAll(async () => {
    tdb = await openTestDatabase('retries');
    repository = new JobRepository({ db: tdb.db });
    photos = new MongoPhotoRepository({ db: tdb.db });
    await Promise.all([repository.ensureIndexes(), photos.ensureIndexes()]);
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-retries-'));
  });
  afterAll(async () => {
    await tdb.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  function sites(zillowPlan: Map<string, PageFailurePlan>, redfinPlan: Map<string, PageFailurePlan>) {
    const zillow = new FlakyScraper(new FixturePhotoScraper('zillow', { gallery: zillowGallery }), zillowPlan);
    const redfin = new FlakyScraper(new FixturePhotoScraper('redfin', { gallery: redfinGallery }), redfinPlan);
    const extractor = new PropertyExtractor({
      scrapers: { zillow, redfin },
      fetcher: new FixturePhotoFetcher(),
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
    });
    return { zillow, redfin, extractor };
  }

  const settings = { propertyMaxAttempts: 3, propertyRetryInitialBackoffMs: 20, propertyRetryMaxBackoffMs: 50 } as const;

  it('retries a transient failure and counts the redone property as a clean run; never retries a permanent one', async () => {
    const [flaky, gone, down] = [1, 2, 3].map(testProperty) as [Property, Property, Property];
    // flaky: Redfin fails once after Zillow's 8 photos were stored; gone: listing removed; down: Zillow never answers.
    const { zillow, redfin, extractor } = sites(
      new Map([
        [gone.id, permanent],
        [down.id, transient(Infinity)],
      ]),
      new Map([[flaky.id, transient(1)]]),
    );
    const job = await repository.create(
      ...withProperties(sampleJob(3, { properties: [flaky, gone, down], sources: ['zillow', 'redfin'] })),
    );
    const final = await runExtractionJobNow(job.id, { repository, extractor, ...settings });

    expect(zillow.callsFor(flaky.id)).toBe(2);
    expect(redfin.callsFor(flaky.id)).toBe(2);
    expect(zillow.callsFor(gone.id)).toBe(1);
    expect(zillow.callsFor(down.id)).toBe(3);
    expect(final).toMatchObject({
      status: 'completed',
      errorMessage: null,
      completedProperties: 1,
      failedProperties: 2,
      failedPropertiesList: [gone.address, down.address],
      // The failed properties still stored their Redfin photos (5 new each); the redone ones count them once.
      totalImages: CLEAN.totalImages + 10,
      newImages: CLEAN.newImages + 10,
      duplicateImages: CLEAN.duplicateImages,
      unchangedImages: 0,
    });
    const byId = new Map((await outcomesOf(tdb.db, final.id)).map((o) => [o.propertyId, o]));
    const { newImages, duplicateImages, unchangedImages } = CLEAN;
    expect(byId.get(flaky.id)).toMatchObject({
      status: 'completed',
      photosFound: 13,
      newImages,
      duplicateImages,
      unchangedImages,
      failures: [],
    });
    expect(byId.get(gone.id)?.failures.map((f) => [f.code, f.kind])).toEqual([['LISTING_REMOVED', 'permanent']]);
    expect(byId.get(down.id)).toMatchObject({ status: 'failed', newImages: 5, duplicateImages: 0, unchangedImages: 0 });
    expect(byId.get(down.id)?.failures.map((f) => [f.code, f.kind])).toEqual([['NAVIGATION_FAILED', 'transient']]);
    expect(await tdb.db.collection(photoCollectionName(flaky.id)).countDocuments({ propertyId: flaky.id })).toBe(CLEAN.newImages);
    const files = await readdir(join(imagesDir, flaky.id));
    expect(files.filter((f) => !f.endsWith('.webp') && f !== 'manifest.json')).toHaveLength(CLEAN.newImages);
  });

  it('fails the job when every property failed, saying why and that transient failures were retried', async () => {
    const [a, b] = [4, 5].map(testProperty) as [Property, Property];
    const { zillow, extractor } = sites(
      new Map([
        [a.id, transient(Infinity)],
        [b.id, permanent],
      ]),
      new Map(),
    );
    // Zillow only: nothing is stored.
    const job = await repository.create(...withProperties(sampleJob(2, { properties: [a, b], sources: ['zillow'] })));
    const final = await runExtractionJobNow(job.id, { repository, extractor, ...settings, propertyMaxAttempts: 2 });
    expect(zillow.callsFor(a.id)).toBe(2);
    expect(zillow.callsFor(b.id)).toBe(1);
    expect(final).toMatchObject({ status: 'failed', completedProperties: 0, failedProperties: 2, totalImages: 0 });
    expect(final.errorMessage).toBe(
      `every property failed (2 of 2); first: ${(await outcomesOf(tdb.db, final.id))[0]?.address}: ${(await outcomesOf(tdb.db, final.id))[0]?.failures[0]?.message}` +
        '; transient failures were tried 2 times, permanent ones once',
    );
  });
  it('redoes a property that failed while MongoDB did not answer once it does, without counting an attempt, counted as a clean run', async () => {
    const property = testProperty(6);
    // Redfin's page read fails once with an unclassified error (what a lost connection throws), after Zillow's photos were stored.
    const { zillow, redfin, extractor } = sites(new Map(), new Map([[property.id, { times: 1, code: 'ECONNREFUSED' }]]));
    let pings = 0;
    let waits = 0;
    const probe = {
      isUp: async () => pings++ > 0,
      waitUntilUp: async () => {
        waits += 1;
        return true;
      },
    };
    const retrying = new RetryingPropertyExtractor({
      inner: extractor,
      // One attempt only: the redo after the outage must not count as one.
      retry: { ...DEFAULT_PROPERTY_RETRY_SETTINGS, maxAttempts: 1 },
      health: probe,
      census: new JobPhotoCensus({ db: tdb.db }),
      resumed: false,
      announcedPhotos: null,
      logger: noopLogger,
    });
    const events: ExtractionEvent[] = [];
    const onEvent = (event: ExtractionEvent): void => void events.push(event);
    const outcome = await retrying.extractProperty(property, { sources: ['zillow', 'redfin'], dryRun: false, jobId: newJobId(), onEvent });
    expect([pings, waits]).toEqual([1, 1]);
    expect([zillow.callsFor(property.id), redfin.callsFor(property.id)]).toEqual([2, 2]);
    const { newImages, duplicateImages, unchangedImages } = CLEAN;
    expect(outcome).toMatchObject({ status: 'completed', newImages, duplicateImages, unchangedImages, failures: [] });
    expect(events.filter((e) => e.type === 'property-started')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'property-finished')).toEqual([{ type: 'property-finished', outcome }]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, loadPropertiesCsv, noopLogger } from '@phx/core';
import type { Property } from '@phx/core';
import { ExtractorFactory } from '../../src/worker/extractor-factory.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { JOBS_COLLECTION, JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { makeFixturesWith, readZillowPage, trimZillowGallery } from '../support/trimmed-fixtures.js';
import type { TrimmedFixtures } from '../support/trimmed-fixtures.js';
import { outcomesOf } from '../support/job-outcomes.js';

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));
const CHICAGO_PAGE = 'zillow-hdp-chicago-il-119974210.html';
const KEPT = 3;

describe('a gallery shorter than its page declares ends partial (replayed pages, real photos, MongoDB)', () => {
  let tdb: TestDatabase;
  let imagesDir: string;
  let fixtures: TrimmedFixtures;
  let declared: number;
  let repository: JobRepository;
  let photos: MongoPhotoRepository;
  let all: Property[];

  beforeAll(async () => {
    tdb = await openTestDatabase('partial');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-partial-'));
    const trimmed = trimZillowGallery(await readZillowPage(FIXTURES_DIR, CHICAGO_PAGE), KEPT);
    declared = trimmed.declaredPhotoCount;
    fixtures = await makeFixturesWith(FIXTURES_DIR, new Map([[CHICAGO_PAGE, trimmed.html]]));
    photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    repository = new JobRepository({ db: tdb.db });
    all = await loadPropertiesCsv(SAMPLE_CSV);
  });
  afterAll(async () => {
    await tdb.close();
    await fixtures.remove();
    await rm(imagesDir, { recursive: true, force: true });
  });

  async function run(fixturesDir: string, properties: Property[], dryRun = false): Promise<StoredExtractionJob> {
    const factory = new ExtractorFactory({
      mode: { kind: 'replay', fixturesDir },
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
      logger: noopLogger,
    });
    try {
      const created = await repository.create(
        ...withProperties(sampleJob(properties.length, { properties, totalProperties: properties.length, dryRun })),
      );
      return await runExtractionJobNow(created.id, {
        repository,
        extractor: (j) => factory.forJob(j),
        cancelPollIntervalMs: 100,
        progressWriteIntervalMs: 100,
      });
    } finally {
      await factory.close();
    }
  }

  it('ends the trimmed Chicago page partial with the missing photos named, an untouched page completed; the job completes counting it', async () => {
    expect(declared).toBe(5);
    const properties = all.filter((p) => /Chicago|Garwood/.test(p.address));
    const job = await run(fixtures.dir, properties);
    const chicago = (await outcomesOf(tdb.db, job.id)).find((o) => o.address.includes('Chicago'));
    const garwood = (await outcomesOf(tdb.db, job.id)).find((o) => o.address.includes('Garwood'));
    expect(chicago).toMatchObject({ status: 'partial', photosFound: KEPT, missingPhotos: declared - KEPT, failedImages: 0 });
    expect((chicago?.newImages ?? 0) + (chicago?.duplicateImages ?? 0)).toBe(KEPT);
    expect(chicago?.failures.map((f) => [f.code, f.source])).toEqual([['PHOTOS_MISSING', 'zillow']]);
    expect(chicago?.failures[0]?.message).toContain(`declares ${declared} photos but its gallery gave ${KEPT}: ${declared - KEPT} missing`);
    expect(garwood).toMatchObject({ status: 'completed', missingPhotos: 0, failures: [] });
    expect(job).toMatchObject({
      status: 'completed',
      completedProperties: 1,
      partialProperties: 1,
      failedProperties: 0,
      failedPropertiesList: [],
    });
    const document = await tdb.db.collection(JOBS_COLLECTION).findOne({ _id: job.id as never });
    expect(document).toMatchObject({ partialProperties: 1, completedProperties: 1 });
    const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }]);
    const finished = events.filter((e) => e.kind === 'property-finished').map((e) => [e.address, e.propertyStatus, e.missingPhotos]);
    expect(finished).toEqual(
      expect.arrayContaining([
        [chicago?.address, 'partial', declared - KEPT],
        [garwood?.address, 'completed', 0],
      ]),
    );
    expect(events.at(-1)?.counters).toMatchObject({ partialProperties: 1, completedProperties: 1 });
  }, 180_000);

  it('ends every untouched saved listing completed but the New York page, which shows 7 of the 11 photos it declares (dry run)', async () => {
    const job = await run(FIXTURES_DIR, all, true);
    const shown = Object.fromEntries(
      (await outcomesOf(tdb.db, job.id)).map((o) => [o.address, [o.status, o.missingPhotos, o.photosFound]]),
    );
    const expected = Object.fromEntries(all.map((p) => [p.address, ['completed', 0, expect.any(Number)]]));
    expected['111 4th Ave Unit 3I, New York, NY 10003'] = ['partial', 4, 7];
    expect(shown).toEqual(expected);
    expect(job).toMatchObject({ status: 'completed', completedProperties: all.length - 1, partialProperties: 1, failedProperties: 0 });
  }, 300_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, loadPropertiesCsv, noopLogger } from '@phx/core';
import type { Property } from '@phx/core';
import { ExtractorFactory } from '../../src/worker/extractor-factory.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JOBS_COLLECTION, JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { JobRunLeases } from '../../src/repository/job-run-leases.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { JOB_EVENTS_COLLECTION, statusEventBody, toJobEventCounters } from '../../src/progress/job-event.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';
import { findPhotoDocuments } from '../../src/repository/photo-partitions.js';

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));

describe('job counters of a re-run (replayed listings, real photo server, MongoDB)', () => {
  let tdb: TestDatabase;
  let imagesDir: string;
  let factory: ExtractorFactory;
  let repository: JobRepository;
  let properties: Property[];

  beforeAll(async () => {
    tdb = await openTestDatabase('rerun');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-rerun-'));
    const photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    repository = new JobRepository({ db: tdb.db });
    factory = new ExtractorFactory({
      mode: { kind: 'replay', fixturesDir: FIXTURES_DIR },
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
      logger: noopLogger,
    });
    // One Zillow and one Redfin listing with small galleries.
    properties = (await loadPropertiesCsv(SAMPLE_CSV)).filter((p) => /Chicago|New York/.test(p.address));
  });
  afterAll(async () => {
    await factory.close();
    await tdb.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  async function runOnce(): Promise<{ job: StoredExtractionJob; document: Record<string, unknown> }> {
    const created = await repository.create(
      ...withProperties(sampleJob(properties.length, { properties, totalProperties: properties.length })),
    );
    const job = await runExtractionJobNow(created.id, {
      repository,
      extractor: (j) => factory.forJob(j),
      cancelPollIntervalMs: 100,
      progressWriteIntervalMs: 100,
    });
    const document = await tdb.db.collection(JOBS_COLLECTION).findOne({ _id: created.id as never });
    return { job, document: document ?? {} };
  }

  it('counts every photo of the first run unchanged on the second, none new, and stores the counters on the job document', async () => {
    expect(properties).toHaveLength(2);
    const first = await runOnce();
    expect(first.job.errorMessage).toBeNull();
    // The saved New York page shows 7 of the 11 photos it declares: that property ends partial.
    expect(first.job).toMatchObject({
      status: 'completed',
      completedProperties: 1,
      partialProperties: 1,
      failedImages: 0,
      unchangedImages: 0,
      removedImages: 0,
    });
    expect(first.job.newImages).toBeGreaterThan(0);
    expect(first.job.totalImages).toBe(first.job.newImages + first.job.duplicateImages);

    const second = await runOnce();
    const expected = {
      status: 'completed',
      completedProperties: 1,
      partialProperties: 1,
      totalImages: first.job.duplicateImages,
      newImages: 0,
      duplicateImages: first.job.duplicateImages,
      failedImages: 0,
      unchangedImages: first.job.newImages,
      removedImages: 0,
    };
    expect(second.job).toMatchObject(expected);
    // Persisted on the document itself, not derived when read.
    expect(second.document).toMatchObject({ ...expected, status: 'completed' });
    const perProperty = (await outcomesOf(tdb.db, second.job.id)).map((o) => ({
      address: o.address,
      newImages: o.newImages,
      unchanged: o.unchangedImages,
    }));
    const firstPerProperty = (await outcomesOf(tdb.db, first.job.id)).map((o) => ({
      address: o.address,
      newImages: 0,
      unchanged: o.newImages,
    }));
    expect(perProperty.sort((a, b) => a.address.localeCompare(b.address))).toEqual(
      firstPerProperty.sort((a, b) => a.address.localeCompare(b.address)),
    );
  }, 180_000);

  it('resumes a killed run from the counters its last event showed, even when its last progress write was older: no live counter goes down', async () => {
    const created = await repository.create(
      ...withProperties(sampleJob(properties.length, { properties, totalProperties: properties.length })),
    );
    // Run 1 died (kill -9) after its events showed 5 photos but before its throttled progress write: the document says 2.
    const longAgo = new Date(Date.now() - 3_600_000);
    const runs = new JobRunLeases({ db: tdb.db });
    expect(await runs.claim(created.id, 1, 'killed', longAgo)).toBe(true);
    expect(await repository.startRun(created.id, { runNumber: 1, workerName: 'killed', now: longAgo })).not.toBeNull();
    const saved = { ...created, totalImages: 2, newImages: 2, failedPropertiesList: [], propertyOutcomes: [] };
    expect(await repository.saveProgress(created.id, 1, saved, longAgo)).toBe(true);
    const shown = toJobEventCounters({ ...saved, totalImages: 5, newImages: 5 });
    await new JobEventLog({ db: tdb.db }).append(created.id, [statusEventBody('in_progress', shown, null)]);

    const job = await runExtractionJobNow(created.id, {
      repository,
      extractor: (j) => factory.forJob(j),
      cancelPollIntervalMs: 100,
      progressWriteIntervalMs: 100,
    });
    expect(job).toMatchObject({ status: 'completed', runNumber: 2 });
    const events = await tdb.db.collection(JOB_EVENTS_COLLECTION).find({ jobId: created.id }).sort({ seq: 1 }).toArray();
    const totals = events.map((e) => (e['counters'] as { totalImages: number }).totalImages);
    const live = totals.slice(0, -1); // the final status event counts exactly from the outcomes
    const decreases = live.filter((t, i) => i > 0 && t < live[i - 1]!).length;
    expect({ firstOfRun2: live[1], decreases }).toEqual({ firstOfRun2: 5, decreases: 0 });
  }, 180_000);

  it('completes the end a killed run put in the log but not in the job document, and extracts nothing', async () => {
    const created = await repository.create(
      ...withProperties(sampleJob(properties.length, { properties, totalProperties: properties.length })),
    );
    // Run 1 appended its final `cancelled` event and died (kill -9) before the job document took the end.
    const longAgo = new Date(Date.now() - 3_600_000);
    const runs = new JobRunLeases({ db: tdb.db });
    expect(await runs.claim(created.id, 1, 'killed', longAgo)).toBe(true);
    expect(await repository.startRun(created.id, { runNumber: 1, workerName: 'killed', now: longAgo })).not.toBeNull();
    const counters = toJobEventCounters({ ...created, totalImages: 3, newImages: 3 });
    const log = new JobEventLog({ db: tdb.db });
    await log.append(created.id, [
      statusEventBody('in_progress', counters, null),
      statusEventBody('cancelled', counters, 'cancelled by user'),
    ]);

    const job = await runExtractionJobNow(created.id, {
      repository,
      extractor: (j) => factory.forJob(j),
      cancelPollIntervalMs: 100,
      progressWriteIntervalMs: 100,
    });
    expect(job).toMatchObject({ status: 'cancelled', errorMessage: 'cancelled by user', totalImages: 3, newImages: 3, runNumber: 2 });
    expect(job.completedAt).toBeInstanceOf(Date);
    // Nothing after the final event, and the photos were not fetched again.
    expect(await log.lastSeq(created.id)).toBe(2);
    expect(await findPhotoDocuments(tdb.db, { jobIds: created.id })).toEqual([]);
  }, 60_000);
});

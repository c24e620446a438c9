import { randomUUID } from 'node:crypto';
import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { folderVersusRecords, isFinal, openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** Photos each listing shows in the replayed fixtures, each its own picture (see the scrapers' sample-properties test). */
const PHOTOS: Readonly<Record<string, number>> = { Garwood: 1, 'New York': 7, Chicago: 5 };
const CLEAN_TOTAL = Object.values(PHOTOS).reduce((a, b) => a + b, 0);

describe('crash recovery: a worker killed with SIGKILL mid-job', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('crash');
    const found = await sampleProperties(/Garwood|Chicago|New York/);
    // In this order, one at a time: the kill lands inside the second or third gallery.
    properties = Object.keys(PHOTOS).map((k) => found.find((p) => p.address.includes(k))!);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it('is resumed by another worker once the lease expires, at the first unfinished property, with the photos and counters of a clean run', async () => {
    const env = { JOB_LOCK_LIFETIME: '3000', PROPERTY_CONCURRENCY: '1' };
    const first = await suite.startWorker('crash-first', env);
    const job = await suite.service.enqueueExtraction({ properties });
    const settledImages = (j: { propertyOutcomes: readonly { newImages: number; duplicateImages: number }[] }): number =>
      j.propertyOutcomes.reduce((n, o) => n + o.newImages + o.duplicateImages, 0);
    const midway = await waitForJob(
      suite.service,
      job.id,
      (j) => j.propertyOutcomes.length >= 1 && j.totalImages > settledImages(j),
      90_000,
    );
    const done = midway.propertyOutcomes.length;
    first.child.kill('SIGKILL');
    expect(await first.exited()).toBe('SIGKILL');
    const killedAt = Date.now();
    expect(midway.propertyOutcomes.map((o) => o.propertyId)).toEqual(properties.slice(0, done).map((p) => p.id));

    // What a writer killed mid-write leaves: a temporary file, here an hour old, which the next worker removes at start.
    const leftover = join(suite.imagesDir, properties[0]!.id, `.${'0'.repeat(64)}.jpg.${randomUUID()}.tmp`);
    await mkdir(join(suite.imagesDir, properties[0]!.id), { recursive: true });
    await writeFile(leftover, 'half a photo');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(leftover, hourAgo, hourAgo);

    const second = await suite.startWorker('crash-second', env);
    expect(await readdir(join(suite.imagesDir, properties[0]!.id))).not.toContain(leftover.split('/').at(-1));
    const taken = await waitForJob(suite.service, job.id, (j) => j.runNumber === 2, 30_000);
    // Not before the 3 s lease of the dead worker had run out.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(2_000);
    expect(taken.workerName).toBe('crash-second');
    const final = await waitForJob(suite.service, job.id, isFinal, 120_000);
    expect(final).toMatchObject({
      status: 'completed',
      runNumber: 2,
      workerName: 'crash-second',
      errorMessage: null,
      completedProperties: 2, // New York shows 7 of the 11 photos its saved page declares: partial
      partialProperties: 1,
      failedProperties: 0,
      totalImages: CLEAN_TOTAL,
      newImages: CLEAN_TOTAL,
      duplicateImages: 0,
      unchangedImages: 0,
      failedImages: 0,
    });
    expect(final.startedAt).toEqual(midway.startedAt);
    // The properties finished before the kill were not redone: their outcomes are the first run's.
    expect(final.propertyOutcomes.slice(0, done)).toEqual(midway.propertyOutcomes);
    expect(final.propertyOutcomes.map((o) => o.propertyId)).toEqual(properties.map((p) => p.id));
    for (const [i, property] of properties.entries()) {
      const outcome = final.propertyOutcomes[i]!;
      const expected = Object.values(PHOTOS)[i]!;
      const status = property.address.includes('New York') ? 'partial' : 'completed';
      expect(outcome).toMatchObject({ status, photosFound: expected, newImages: expected, duplicateImages: 0, unchangedImages: 0 });
      // Every photo stored once, every file recorded, nothing half-written left.
      expect(await folderVersusRecords(suite.service, suite.imagesDir, property.id)).toEqual({
        unrecorded: [],
        missing: [],
        temporary: [],
        recordCount: expected,
      });
    }
    const runs = suite.db.collection('extraction_job_runs');
    // The second worker releases its claim just after it wrote the job's end; the killed one never did.
    await waitFor(async () => (await runs.countDocuments({ jobId: job.id, runNumber: 2, endedAt: { $ne: null } })) === 1, 10_000);
    const claims = await runs.find({ jobId: job.id }).sort({ runNumber: 1 }).toArray();
    expect(claims.map((c) => [c['runNumber'], c['workerName'], c['endedAt'] === null])).toEqual([
      [1, 'crash-first', true],
      [2, 'crash-second', false],
    ]);
    second.child.kill('SIGTERM');
    expect(await second.exited()).toBe(0);
  }, 240_000);
});

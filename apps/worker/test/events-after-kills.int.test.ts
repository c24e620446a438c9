import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';
import { findPhotoDocuments } from '@phx/jobs';

/** Workers killed with SIGKILL mid-property before the last one finishes the job. */
const KILLS = 4;
const ENV = { JOB_LOCK_LIFETIME: '2000', PROPERTY_CONCURRENCY: '2' };

interface EventDoc {
  readonly seq: number;
  readonly kind: string;
  readonly status: string;
  readonly sha256: string | null;
  readonly isNew: boolean | null;
  readonly counters: { readonly totalImages: number; readonly newImages: number; readonly unchangedImages: number };
}

describe('events exact after crashes: kill -9 mid-property, again and again', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('kills');
    properties = await sampleProperties(/./);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it('every new photo has exactly one PHOTO_STORED isNew event, live counters never go down, unchanged never counts the job’s own photos', async () => {
    const job = await suite.service.enqueueExtraction({ properties });
    const settled = (j: { propertyOutcomes: readonly { newImages: number; duplicateImages: number }[] }): number =>
      j.propertyOutcomes.reduce((n, o) => n + o.newImages + o.duplicateImages, 0);
    let kills = 0;
    for (let k = 0; k < KILLS; k += 1) {
      const worker = await suite.startWorker(`kills-${k}`, ENV);
      // Mid-property: photos of an unfinished property are stored and counted.
      const seen = await waitForJob(
        suite.service,
        job.id,
        (j) => isFinal(j) || (j.runNumber === k + 1 && j.totalImages > settled(j)),
        120_000,
      );
      if (isFinal(seen)) break;
      worker.child.kill('SIGKILL');
      await worker.exited();
      kills += 1;
    }
    await suite.startWorker('kills-last', ENV);
    const final = await waitForJob(suite.service, job.id, isFinal, 240_000);
    expect(final.status).toBe('completed');

    const events = (await suite.db.collection('job_events').find({ jobId: job.id }).sort({ seq: 1 }).toArray()) as unknown as EventDoc[];
    const created = await findPhotoDocuments(suite.db, { jobIds: job.id });
    const ownRecords = created.filter((r) => r.jobIds?.[0] === job.id).map((r) => r.sha256 as string);
    const announced = new Map<string, number>();
    for (const e of events)
      if (e.kind === 'photo-stored' && e.isNew === true && e.sha256 !== null) announced.set(e.sha256, (announced.get(e.sha256) ?? 0) + 1);
    const missing = ownRecords.filter((sha) => !announced.has(sha));
    const repeated = [...announced].filter(([, n]) => n > 1).length;
    const decreases = events.filter((e, i) => i > 0 && e.counters.totalImages < events[i - 1]!.counters.totalImages).length;
    const unchangedShown = Math.max(0, ...events.map((e) => e.counters.unchangedImages));
    process.stdout.write(
      `kills figures: ${JSON.stringify({ kills, runs: final.runNumber, newPhotos: ownRecords.length, withoutEvent: missing.length, repeatedEvents: repeated, totalImagesDecreases: decreases, maxUnchangedShown: unchangedShown, final: { newImages: final.newImages, unchangedImages: final.unchangedImages } })}\n`,
    );
    expect(kills).toBeGreaterThanOrEqual(2);
    expect({
      withoutEvent: missing.length,
      repeatedEvents: repeated,
      totalImagesDecreases: decreases,
      maxUnchangedShown: unchangedShown,
    }).toEqual({
      withoutEvent: 0,
      repeatedEvents: 0,
      totalImagesDecreases: 0,
      maxUnchangedShown: 0,
    });
    expect(final.newImages).toBe(ownRecords.length);
    expect(final.unchangedImages).toBe(0);
  }, 600_000);
});

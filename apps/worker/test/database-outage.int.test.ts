import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { closeOnOwnFerretDb, ownFerretDbOptions, startLocalMongo, stopLocalMongo } from './support/own-ferretdb.js';
import type { LocalMongoOptions } from './support/own-ferretdb.js';
import { folderVersusRecords, isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** Photos each listing shows in the replayed fixtures, each its own picture. */
const PHOTOS: Readonly<Record<string, number>> = { Chicago: 5, 'New York': 7, Garwood: 1 };
/** Lock lifetime and run lease of the worker: short, so the outage outlasts it. */
const LOCK_LIFETIME_MS = 2_000;
/**
 * Long enough for the driver to hold Agenda's lock queries through the outage
 * and write them, with their old lock time, once the database is back (it
 * holds each up to its 30 s server selection timeout).
 */
const OUTAGE_MS = 35_000;

describe('database outage: FerretDB stopped mid-job for longer than the job lock lifetime, then started again', () => {
  let server: LocalMongoOptions;
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    // A FerretDB of this test's own (own port, own SQLite folder), built like the shared one.
    server = await ownFerretDbOptions('outage');
    const { uri } = await startLocalMongo(server);
    suite = await openWorkerSuite('outage', uri);
    const found = await sampleProperties(/Chicago|New York|Garwood/);
    properties = Object.keys(PHOTOS).map((k) => found.find((p) => p.address.includes(k))!);
  }, 120_000);
  afterAll(async () => closeOnOwnFerretDb(server, suite), 60_000);

  it('the worker reconnects, the job completes with every photo recorded once and a clean run’s counters, and the worker still takes new jobs', async () => {
    const worker = await suite.startWorker('outage-worker', { PROPERTY_CONCURRENCY: '1', JOB_LOCK_LIFETIME: String(LOCK_LIFETIME_MS) });
    const job = await suite.service.enqueueExtraction({ properties });
    await waitForJob(suite.service, job.id, (j) => j.propertyOutcomes.length >= 1 && j.status === 'in_progress', 90_000);
    expect(await stopLocalMongo(server)).toBe(true);
    await sleep(OUTAGE_MS);
    await startLocalMongo(server);

    const final = await waitForJob(suite.service, job.id, isFinal, 180_000);
    const total = Object.values(PHOTOS).reduce((a, b) => a + b, 0);
    expect(final).toMatchObject({
      status: 'completed',
      workerName: 'outage-worker',
      errorMessage: null,
      completedProperties: 2, // New York shows 7 of the 11 photos its saved page declares: partial
      partialProperties: 1,
      failedProperties: 0,
      totalImages: total,
      newImages: total,
      duplicateImages: 0,
      unchangedImages: 0,
      failedImages: 0,
    });
    // The run lease lapsed in the outage: the first run may have kept it, or a second one on this worker resumed the job.
    expect([1, 2]).toContain(final.runNumber);
    for (const [i, property] of properties.entries()) {
      const expected = Object.values(PHOTOS)[i]!;
      expect(await folderVersusRecords(suite.service, suite.imagesDir, property.id)).toEqual({
        unrecorded: [],
        missing: [],
        temporary: [],
        recordCount: expected,
      });
    }
    // The worker still takes new jobs: the outage left no queue slot taken.
    const next = await suite.service.enqueueExtraction({ properties: [properties[2]!] });
    expect(await waitForJob(suite.service, next.id, isFinal, 60_000)).toMatchObject({
      status: 'completed',
      workerName: 'outage-worker',
      completedProperties: 1,
    });
    expect(worker.output()).not.toContain('"level":60');
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 300_000);
});

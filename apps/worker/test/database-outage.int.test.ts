import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { WORKSPACE_ROOT } from '../src/config.js';
import { freePort } from './support/free-port.js';
import { folderVersusRecords, isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** What this test uses of the workspace's FerretDB helper (`tools/src/db/local-mongo.ts`). */
interface LocalMongoOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly binDir: string;
}
interface LocalMongo {
  startLocalMongo(options: LocalMongoOptions): Promise<{ readonly uri: string }>;
  stopLocalMongo(options: LocalMongoOptions): Promise<boolean>;
}
// Loaded by path at run time, as the vitest global setup loads its sibling: the tools are no dependency of the worker.
const LOCAL_MONGO_MODULE = pathToFileURL(join(WORKSPACE_ROOT, 'tools/src/db/local-mongo.ts')).href;
const { startLocalMongo, stopLocalMongo } = (await import(LOCAL_MONGO_MODULE)) as LocalMongo;

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
    server = { dataDir: await mkdtemp(join(tmpdir(), 'phx-outage-db-')), port: await freePort(), binDir: join(process.env['PHX_DATA_DIR'] ?? join(WORKSPACE_ROOT, '.data'), 'bin') };
    const { uri } = await startLocalMongo(server);
    suite = await openWorkerSuite('outage', uri);
    const found = await sampleProperties(/Chicago|New York|Garwood/);
    properties = Object.keys(PHOTOS).map((k) => found.find((p) => p.address.includes(k))!);
  }, 120_000);
  afterAll(async () => {
    await startLocalMongo(server);
    await suite.close();
    await stopLocalMongo(server);
    await rm(server.dataDir, { recursive: true, force: true });
  }, 60_000);

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
      completedProperties: 3,
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

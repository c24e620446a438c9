import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { closeOnOwnFerretDb, ownFerretDbOptions, startLocalMongo, stopLocalMongo } from './support/own-ferretdb.js';
import type { LocalMongoOptions } from './support/own-ferretdb.js';
import { isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';
import { findPhotoDocuments } from '@phx/jobs';

/** Lock lifetime and run lease of the worker: short, so the outage outlasts it. */
const LOCK_LIFETIME_MS = 3_000;
/**
 * Longer than the lock lifetime plus the driver's 30 s server selection
 * timeout: the lock renewals the driver held through the outage fail, so the
 * queue lock and the run lease both lapse while the run waits.
 */
const OUTAGE_MS = 35_000;

interface EventDoc {
  readonly seq: number;
  readonly kind: string;
  readonly status: string | null;
  readonly sha256: string | null;
  readonly isNew: boolean | null;
  readonly counters: { readonly totalImages: number; readonly unchangedImages: number };
}

describe('one run of a job at a time: an outage longer than the lock lifetime on a single worker', () => {
  let server: LocalMongoOptions;
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    server = await ownFerretDbOptions('onerun');
    const { uri } = await startLocalMongo(server);
    suite = await openWorkerSuite('onerun', uri);
    properties = await sampleProperties(/Chicago|New York|Garwood/);
  }, 120_000);
  afterAll(async () => closeOnOwnFerretDb(server, suite), 60_000);

  it('the worker starts no second run of the job it still runs, and that run writes every event to the end', async () => {
    const worker = await suite.startWorker('onerun-worker', { PROPERTY_CONCURRENCY: '1', JOB_LOCK_LIFETIME: String(LOCK_LIFETIME_MS) });
    const job = await suite.service.enqueueExtraction({ properties });
    await waitForJob(suite.service, job.id, (j) => j.propertyOutcomes.length >= 1 && j.status === 'in_progress', 90_000);
    expect(await stopLocalMongo(server)).toBe(true);
    await sleep(OUTAGE_MS);
    await startLocalMongo(server);

    const final = await waitForJob(suite.service, job.id, isFinal, 240_000);
    // Let the run write its last events after the job's end.
    await sleep(1_000);
    const events = (await suite.db.collection('job_events').find({ jobId: job.id }).sort({ seq: 1 }).toArray()) as unknown as EventDoc[];
    const created = await findPhotoDocuments(suite.db, { jobIds: job.id });
    const ownRecords = created.filter((r) => r.jobIds?.[0] === job.id).map((r) => r.sha256 as string);
    const announced = new Map<string, number>();
    for (const e of events)
      if (e.kind === 'photo-stored' && e.isNew === true && e.sha256 !== null) announced.set(e.sha256, (announced.get(e.sha256) ?? 0) + 1);
    const leases = await suite.db.collection('extraction_job_runs').find({ jobId: job.id }).toArray();
    const runsStarted = worker
      .output()
      .split('\n')
      .filter((l) => l.includes('"run started"') && l.includes(job.id)).length;
    // One warning per outage and per kind of write, not one per retry (the cancel poll alone retried ~10 times a second).
    const warnings = new Map<string, number>();
    for (const line of worker.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      // The warnings of retried database work (a listing's own warnings come once per page read, outage or not).
      if (entry.level === 40 && entry.msg !== undefined && /retr|waiting/.test(entry.msg))
        warnings.set(entry.msg, (warnings.get(entry.msg) ?? 0) + 1);
    }
    const figures = {
      mostRepeatedWarning: Math.max(0, ...warnings.values()),
      runsStarted,
      leases: leases.length,
      openLeases: leases.filter((l) => l['endedAt'] === null).length,
      newPhotos: ownRecords.length,
      withoutEvent: ownRecords.filter((sha) => !announced.has(sha)).length,
      repeatedEvents: [...announced].filter(([, n]) => n > 1).length,
      totalImagesDecreases: events.filter((e, i) => i > 0 && e.counters.totalImages < events[i - 1]!.counters.totalImages).length,
      unchangedDecreases: events.filter((e, i) => i > 0 && e.counters.unchangedImages < events[i - 1]!.counters.unchangedImages).length,
      finalStatusEvent: events.filter((e) => e.kind === 'status' && e.status === final.status).length,
    };
    process.stdout.write(`one-run figures: ${JSON.stringify({ ...figures, status: final.status, runNumber: final.runNumber })}\n`);
    expect(final.status).toBe('completed');
    expect(figures, JSON.stringify([...warnings])).toEqual({
      mostRepeatedWarning: figures.mostRepeatedWarning <= 2 ? figures.mostRepeatedWarning : 'at most 2',
      runsStarted: 1,
      leases: 1,
      openLeases: 0,
      newPhotos: final.newImages,
      withoutEvent: 0,
      repeatedEvents: 0,
      totalImagesDecreases: 0,
      unchangedDecreases: 0,
      finalStatusEvent: 1,
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 400_000);
});

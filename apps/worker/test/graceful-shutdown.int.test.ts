import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { folderVersusRecords, isFinal, openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';
import { findPhotoDocuments } from '@phx/jobs';

describe('graceful shutdown and finished-job cleanup (worker processes)', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('grace');
    properties = await sampleProperties(/Garwood|Chicago|New York/);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it('on SIGTERM takes no new job, lets the running one finish within SHUTDOWN_GRACE_PERIOD and exits 0', async () => {
    const worker = await suite.startWorker('grace-1', { SHUTDOWN_GRACE_PERIOD: '60', PROPERTY_CONCURRENCY: '1', MAX_CONCURRENT_JOBS: '1' });
    const running = await suite.service.enqueueExtraction({ properties });
    await waitForJob(suite.service, running.id, (j) => j.status === 'in_progress', 60_000);
    const waiting = await suite.service.enqueueExtraction({ properties: properties.slice(0, 1), dryRun: true });
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect(worker.output()).toContain('running jobs finished');
    const finished = await suite.service.getJob(running.id);
    expect(finished).toMatchObject({
      status: 'completed',
      runNumber: 1,
      workerName: 'grace-1',
      completedProperties: 2,
      partialProperties: 1,
    }); // New York: 7 of 11 declared photos
    // The job queued behind it was not started by the stopping worker.
    expect(await suite.service.getJob(waiting.id)).toMatchObject({ status: 'pending', runNumber: 0 });
    for (const p of properties) {
      const check = await folderVersusRecords(suite.service, suite.imagesDir, p.id);
      expect(check).toMatchObject({ unrecorded: [], missing: [], temporary: [] });
      expect(check.recordCount).toBeGreaterThan(0);
    }
  }, 180_000);

  it('deletes finished jobs older than JOB_RESULT_TTL at start and on every sweep, with their run documents; photos stay', async () => {
    const [done] = await suite.service.listJobs({ status: 'completed' });
    const [waiting] = await suite.service.listJobs({ status: 'pending' });
    expect([done?.id, waiting?.id].every((id) => id !== undefined)).toBe(true);
    const photosBefore = (await findPhotoDocuments(suite.db)).length;
    expect(photosBefore).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1_000));
    // A one-second TTL: the job that finished over a second ago goes at the worker's first sweep, before it is ready.
    const worker = await suite.startWorker('grace-ttl', { JOB_RESULT_TTL: '1' });
    await expect(suite.service.getJob(done!.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await suite.db.collection('extraction_job_runs').countDocuments({ jobId: done!.id })).toBe(0);
    // The pending dry run is taken up, finishes, and expires on a later sweep.
    const ran = await waitForJob(suite.service, waiting!.id, isFinal, 60_000);
    expect(ran.status).toBe('completed');
    await waitFor(async () => (await suite.db.collection('extraction_jobs').countDocuments()) === 0, 30_000);
    expect(await suite.db.collection('extraction_job_runs').countDocuments()).toBe(0);
    expect((await findPhotoDocuments(suite.db)).length).toBe(photosBefore);
    for (const p of properties) expect((await folderVersusRecords(suite.service, suite.imagesDir, p.id)).unrecorded).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 120_000);
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { folderVersusRecords, isFinal, openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/** Lock lifetime and run lease of the workers: short, so a paused holder loses the job within seconds. */
const LOCK_LIFETIME_MS = 3_000;

describe('a job is never orphaned: the holder paused past its lock, the new holder killed', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('orphan');
    // Every sample property, one at a time: the job outlasts the pause, the take-over and the kill.
    properties = await sampleProperties(/./);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it('SIGSTOP the holder past the lock lifetime, SIGCONT, kill -9 the new holder: a third worker completes the job', async () => {
    const env = { JOB_LOCK_LIFETIME: String(LOCK_LIFETIME_MS), PROPERTY_CONCURRENCY: '1', MAX_CONCURRENT_JOBS: '1' };
    const first = await suite.startWorker('orphan-first', env);
    const job = await suite.service.enqueueExtraction({ properties });
    const midway = await waitForJob(suite.service, job.id, (j) => j.status !== 'pending' && j.propertyOutcomes.length >= 1, 90_000);
    expect(midway.status, first.output()).toBe('in_progress');
    first.child.kill('SIGSTOP');

    // The second worker takes the job over once the paused holder's lock and lease have run out.
    const second = await suite.startWorker('orphan-second', env);
    await waitForJob(suite.service, job.id, (j) => j.runNumber === 2 && j.workerName === 'orphan-second', 60_000);
    first.child.kill('SIGCONT');
    // The woken holder finds it lost the job and ends its run without writing it.
    await waitFor(async () => /lost the job|changed hands/.test(first.output()), 60_000);
    // Let its queue record the end of that run, then stop it for good: it is not the third worker.
    await sleep(2_000);
    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);

    const beforeKill = await suite.service.getJob(job.id);
    expect(beforeKill).toMatchObject({ status: 'in_progress', runNumber: 2, workerName: 'orphan-second' });
    second.child.kill('SIGKILL');
    expect(await second.exited()).toBe('SIGKILL');
    const killedAt = Date.now();

    const third = await suite.startWorker('orphan-third', env);
    // The dead holder's lease runs out after 3 s; the queue entry must still be there for the third worker to take the job.
    const resumed = await waitForJob(suite.service, job.id, (j) => j.runNumber === 3, 60_000).catch(async (error: unknown) => {
      const entries = await suite.db.collection('agendaJobs').find({ name: 'extract-images' }).toArray();
      process.stdout.write(
        `orphan figures: job ${JSON.stringify((await suite.service.getJob(job.id)).status)}, queue entries ${entries.length}\n`,
      );
      process.stdout.write(`${JSON.stringify(entries)}\n${third.output().slice(-3_000)}\n`);
      throw error;
    });
    process.stdout.write(`orphan figures: taken up by ${resumed.workerName} ${Date.now() - killedAt} ms after the kill\n`);
    expect(resumed.workerName).toBe('orphan-third');
    const final = await waitForJob(suite.service, job.id, isFinal, 420_000);
    expect(final).toMatchObject({ status: 'completed', runNumber: 3, workerName: 'orphan-third', totalProperties: properties.length });
    expect(final.completedProperties + final.partialProperties + final.failedProperties).toBe(properties.length);
    expect(new Set(final.propertyOutcomes.map((o) => o.propertyId)).size).toBe(properties.length);
    for (const p of properties)
      expect(await folderVersusRecords(suite.service, suite.imagesDir, p.id)).toMatchObject({ unrecorded: [], missing: [] });
  }, 720_000);
});

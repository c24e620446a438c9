import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

/**
 * Shorter than Chromium takes to come up (1.8-3.2 s here): a run whose lock is
 * renewed only once the browser is up loses it before the first renewal.
 */
const LOCK_LIFETIME_MS = 1_000;

describe('the lock of a job is renewed from the moment it is claimed (short lock lifetime, MAX_CONCURRENT_JOBS=1)', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('lock');
    // Four listings: enough runs of Chromium to cross many lock lifetimes, few enough that a loaded CI machine
    // (where nine took over 180 s) finishes well within the wait.
    properties = (await sampleProperties(/./)).slice(0, 4);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it('runs each job once, one at a time, and only the current run writes events', async () => {
    const worker = await suite.startWorker('lock-1', { JOB_LOCK_LIFETIME: String(LOCK_LIFETIME_MS), MAX_CONCURRENT_JOBS: '1' });
    const jobs = [
      await suite.service.enqueueExtraction({ properties }),
      await suite.service.enqueueExtraction({ properties: properties.slice(0, 3), dryRun: true }),
    ];
    const finals = [];
    for (const job of jobs) {
      try {
        finals.push(await waitForJob(suite.service, job.id, isFinal, 300_000));
      } catch (error) {
        // What the worker and the job's runs did, so that a run that never ends names where it stopped.
        const runs = await suite.db.collection('extraction_job_runs').find({ jobId: job.id }).toArray();
        const latest = await suite.service.getJob(job.id);
        throw new Error(
          `${(error as Error).message}\njob: ${JSON.stringify(latest)}\nruns: ${JSON.stringify(runs)}\nworker output (tail):\n${worker.output().slice(-6_000)}`,
        );
      }
    }
    const runs = await suite.db.collection('extraction_job_runs').find({}).sort({ startedAt: 1 }).toArray();
    const events = suite.db.collection('job_events');
    const figures = await Promise.all(
      jobs.map(async (job) => ({
        runs: runs.filter((r) => r['jobId'] === job.id).length,
        inProgressEvents: await events.countDocuments({ jobId: job.id, kind: 'status', status: 'in_progress' }),
        propertyStarted: await events.countDocuments({ jobId: job.id, kind: 'property-started' }),
      })),
    );
    process.stdout.write(`late-heartbeat figures: ${JSON.stringify(figures)}\n`);
    if (finals.some((f) => f.status !== 'completed')) process.stdout.write(worker.output());
    expect(finals.map((f) => [f.status, f.runNumber, f.errorMessage])).toEqual([
      ['completed', 1, null],
      ['completed', 1, null],
    ]);
    expect(figures).toEqual([
      { runs: 1, inProgressEvents: 1, propertyStarted: properties.length },
      { runs: 1, inProgressEvents: 1, propertyStarted: 3 },
    ]);
    // One job at a time: each run ended before the next one started.
    for (let i = 1; i < runs.length; i += 1) {
      expect((runs[i]!['startedAt'] as Date).getTime()).toBeGreaterThanOrEqual((runs[i - 1]!['endedAt'] as Date).getTime());
    }
    expect(worker.output()).not.toContain('canceled, execution took more than');
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 660_000);
});

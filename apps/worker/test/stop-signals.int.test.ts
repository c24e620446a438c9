import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Property } from '@phx/core';
import { openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

describe('SIGINT and SIGTERM stop a worker the same way, with Chromium kept for the grace period (worker processes)', () => {
  let suite: WorkerSuite;
  let properties: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('signals');
    properties = await sampleProperties(/Garwood|Chicago|New York/);
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => suite.close());

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s the running job finishes within SHUTDOWN_GRACE_PERIOD on the same Chromium and the worker exits 0',
    { timeout: 180_000 },
    async (signal) => {
      const worker = await suite.startWorker(`signals-${signal}`, {
        SHUTDOWN_GRACE_PERIOD: '60',
        PROPERTY_CONCURRENCY: '1',
        MAX_CONCURRENT_JOBS: '1',
      });
      const running = await suite.service.enqueueExtraction({ properties });
      // Once a property is done Chromium is up (Playwright installs its handlers at launch); two remain for the grace period.
      await waitForJob(suite.service, running.id, (j) => j.completedProperties >= 1, 60_000);
      worker.child.kill(signal);
      const code = await worker.exited();
      const finished = await suite.service.getJob(running.id);
      // Playwright's own handlers closed Chromium at the signal (and exited 130 on SIGINT): the pool
      // logged the disconnect and relaunched a browser in the middle of the grace period.
      expect({
        code,
        disconnects: worker
          .output()
          .split('\n')
          .filter((l) => l.includes('chromium disconnected')),
      }).toEqual({ code: 0, disconnects: [] });
      expect(worker.output()).toContain('running jobs finished');
      expect(finished).toMatchObject({
        status: 'completed',
        runNumber: 1,
        completedProperties: 2,
        partialProperties: 1,
        failedProperties: 0,
      }); // New York: 7 of 11 declared photos
    },
  );
});

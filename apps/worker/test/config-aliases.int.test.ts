import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

describe('worker process: a setting given twice', () => {
  const started: WorkerProcess[] = [];
  afterEach(() => {
    for (const worker of started.splice(0)) worker.kill();
  });

  it('exits 2 naming both variables when JOB_TIMEOUT and JOB_TIMEOUT_SECONDS differ', async () => {
    const worker = startWorkerProcess({ MONGODB_URI: 'mongodb://127.0.0.1:1/', JOB_TIMEOUT: '60', JOB_TIMEOUT_SECONDS: '120' });
    started.push(worker);
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toMatch(/JOB_TIMEOUT_SECONDS.*120.*JOB_TIMEOUT.*60/s);
  });
});

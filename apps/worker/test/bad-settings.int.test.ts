import { afterEach, describe, expect, it } from 'vitest';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

describe('worker process: bad settings', () => {
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

  it('writes the shared JSON report naming every bad variable and exits 2', async () => {
    const worker = startWorkerProcess({ MONGODB_URI: 'mongodb://127.0.0.1:1/', MAX_CONCURRENT_JOBS: 'many', LOG_FORMAT: 'xml' });
    started.push(worker);
    expect(await worker.exited()).toBe(2);
    const lines = worker.output().trim().split('\n');
    expect(lines, worker.output()).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '') as { errors: { variable: string; problem: string }[] };
    expect(report).toMatchObject({ level: 60, service: 'worker', msg: 'invalid configuration' });
    expect(report.errors.map((e) => e.variable).sort()).toEqual(['LOG_FORMAT', 'MAX_CONCURRENT_JOBS']);
    expect(report.errors.every((e) => e.problem.length > 0)).toBe(true);
  });
});

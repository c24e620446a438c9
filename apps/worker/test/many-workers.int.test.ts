import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Property, Source } from '@phx/core';
import type { StoredExtractionJob } from '@phx/jobs';
import { isFinal, openWorkerSuite, sampleProperties, waitFor, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

interface Claim {
  readonly jobId: string;
  readonly runNumber: number;
  readonly workerName: string;
  readonly startedAt: Date;
  readonly endedAt: Date | null;
}

describe('three worker processes on one queue', () => {
  let suite: WorkerSuite;
  let small: Property[];

  beforeAll(async () => {
    suite = await openWorkerSuite('many');
    small = await sampleProperties(/Garwood|Chicago|New York/);
  });
  afterAll(async () => suite.close());

  it('share twenty small jobs: every job completes, none runs twice at the same time', async () => {
    const env = { MAX_CONCURRENT_JOBS: '2', PROPERTY_CONCURRENCY: '1' };
    const workers = await Promise.all(['many-a', 'many-b', 'many-c'].map((name) => suite.startWorker(name, env)));
    // Twenty distinct requests (equal ones would be deduplicated), each one listing page in Chromium: each small
    // listing on its own source or on both (it has one listing URL), in two isolation modes, as a dry run; and the
    // one-photo and five-photo listings downloaded too.
    const both: Source[] = ['zillow', 'redfin'];
    const own = (p: Property): Source[] => [p.listingUrls.zillow === undefined ? 'redfin' : 'zillow'];
    const variants = (p: Property, dryRun: boolean) =>
      [own(p), both].flatMap((sources) =>
        (['virtual', 'context'] as const).map((isolationMode) => ({ properties: [p], sources, isolationMode, dryRun })),
      );
    const downloaded = small.filter((p) => /Garwood|Chicago/.test(p.address));
    const requests = [...small.flatMap((p) => variants(p, true)), ...downloaded.flatMap((p) => variants(p, false))];
    expect(requests).toHaveLength(20);
    const jobs = await Promise.all(requests.map((r) => suite.service.enqueueExtraction(r)));
    expect(jobs.filter((j) => j.deduplicated)).toEqual([]);

    const finals: StoredExtractionJob[] = await Promise.all(jobs.map((j) => waitForJob(suite.service, j.id, isFinal, 150_000)));
    expect(finals.map((f) => f.status)).toEqual(jobs.map(() => 'completed'));
    expect(finals.map((f) => f.runNumber)).toEqual(jobs.map(() => 1));
    const readClaims = async (): Promise<Claim[]> =>
      suite.db
        .collection<Claim>('extraction_job_runs')
        .find({ jobId: { $in: jobs.map((j) => j.id) } })
        .toArray();
    // A worker releases its claim just after it wrote the job's end.
    // (Waited for up to 30 s: on a loaded machine the three workers' last writes queue behind each other.)
    await waitFor(async () => (await readClaims()).every((c) => c.endedAt !== null), 30_000);
    const claims = await readClaims();
    // One run claim per job, by the worker the job names, spanning the job's own start and end.
    expect(claims.map((c) => c.jobId).sort()).toEqual(jobs.map((j) => j.id).sort());
    for (const job of finals) {
      const claim = claims.find((c) => c.jobId === job.id)!;
      expect(claim.workerName).toBe(job.workerName);
      expect(claim.endedAt).toBeInstanceOf(Date);
      expect(job.startedAt!.getTime()).toBeGreaterThanOrEqual(claim.startedAt.getTime());
      expect(job.completedAt!.getTime()).toBeLessThanOrEqual(claim.endedAt!.getTime());
    }
    // No worker ran more jobs at once than MAX_CONCURRENT_JOBS, judged from the jobs' own timestamps.
    for (const name of ['many-a', 'many-b', 'many-c']) {
      const mine = finals.filter((f) => f.workerName === name);
      for (const job of mine) {
        const overlapping = mine.filter((o) => o.startedAt! <= job.startedAt! && o.completedAt! > job.startedAt!);
        expect(overlapping.length).toBeLessThanOrEqual(2);
      }
    }
    expect(new Set(finals.map((f) => f.workerName)).size).toBe(3);
    for (const worker of workers) worker.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited()))).toEqual([0, 0, 0]);
  }, 240_000);
});

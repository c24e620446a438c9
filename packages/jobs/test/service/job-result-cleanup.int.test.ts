import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from '../../src/repository/job-repository.js';
import { JobRunLeases } from '../../src/repository/job-run-leases.js';
import { CancelRequests } from '../../src/repository/cancel-requests.js';
import { JobResultCleanup } from '../../src/service/job-result-cleanup.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { statusEventBody, toJobEventCounters } from '../../src/progress/job-event.js';
import { sampleJob, sampleOutcome, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';

const HOUR_MS = 3_600_000;

describe('JobResultCleanup (JOB_RESULT_TTL)', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await openTestDatabase('cleanup');
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('deletes finished jobs older than the TTL with their runs, cancel request, events, property list, outcomes and queue entry; keeps the rest and every photo', async () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const ago = (hours: number): Date => new Date(now.getTime() - hours * HOUR_MS);
    const repository = new JobRepository({ db: tdb.db });
    const runs = new JobRunLeases({ db: tdb.db });
    const cancels = new CancelRequests({ db: tdb.db });
    const make = async (overrides: Parameters<typeof sampleJob>[1]) => repository.create(...withProperties(sampleJob(1, overrides)));
    const oldCompleted = await make({ status: 'completed', completedAt: ago(25) });
    const oldFailed = await make({ status: 'failed', completedAt: ago(48) });
    const oldCancelled = await make({ status: 'cancelled', completedAt: ago(30) });
    const recent = await make({ status: 'completed', completedAt: ago(23) });
    const oldPending = await make({ status: 'pending', createdAt: ago(100) });
    const oldRunning = await make({ status: 'in_progress', startedAt: ago(100) });
    for (const job of [oldCompleted, oldFailed, recent, oldRunning]) await runs.claim(job.id, 1, 'w', ago(26));
    await cancels.request(oldCancelled.id, ago(31));
    await tdb.db.collection('agendaJobs').insertMany([
      { name: 'extract-images', data: { jobId: oldFailed.id } },
      { name: 'extract-images', data: { jobId: oldPending.id } },
    ]);
    const events = new JobEventLog({ db: tdb.db });
    for (const job of [oldCompleted, oldCancelled, recent, oldRunning])
      await events.append(job.id, [statusEventBody(job.status, toJobEventCounters(job), null)]);
    await tdb.db.collection(photoCollectionName('p')).insertOne({ propertyId: 'p', sha256: 'x', jobIds: [oldCompleted.id] });
    for (const job of [oldCompleted, recent]) {
      const [property] = await repository.properties.allProperties(job.id);
      await repository.properties.recordOutcomes(job.id, [{ index: 0, outcome: sampleOutcome(property!, 'completed') }], ago(25));
    }

    const cleanup = new JobResultCleanup({ db: tdb.db, resultTtlMs: 24 * HOUR_MS, clock: { now: () => now } });
    expect(await cleanup.sweep()).toEqual({ jobs: 3 });
    expect(await cleanup.sweep()).toEqual({ jobs: 0 });

    const left = await tdb.db.collection('extraction_jobs').find().toArray();
    expect(left.map((d) => d['_id']).sort()).toEqual([recent.id, oldPending.id, oldRunning.id].sort());
    expect((await tdb.db.collection('extraction_job_runs').find().toArray()).map((d) => d['jobId']).sort()).toEqual(
      [recent.id, oldRunning.id].sort(),
    );
    expect(await tdb.db.collection('extraction_job_cancels').countDocuments()).toBe(0);
    expect((await tdb.db.collection('agendaJobs').find().toArray()).map((d) => (d['data'] as { jobId: string }).jobId)).toEqual([
      oldPending.id,
    ]);
    expect((await tdb.db.collection('job_events').find().toArray()).map((d) => d['jobId']).sort()).toEqual(
      [recent.id, oldRunning.id].sort(),
    );
    expect((await tdb.db.collection('extraction_job_properties').find().toArray()).map((d) => d['jobId']).sort()).toEqual(
      [recent.id, oldPending.id, oldRunning.id].sort(),
    );
    expect((await tdb.db.collection('extraction_job_outcomes').find().toArray()).map((d) => d['jobId'])).toEqual([recent.id]);
    expect(await tdb.db.collection(photoCollectionName('p')).countDocuments()).toBe(1);
  });
});

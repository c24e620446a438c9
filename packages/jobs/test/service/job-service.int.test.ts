import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { CoreError, InvalidInputError, NotFoundError, ZERO_COUNTERS } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { DEFAULT_QUEUE_SETTINGS } from '../../src/agenda/queue-settings.js';
import { JobRunLeases } from '../../src/repository/job-run-leases.js';
import { JobAlreadyFinishedError, JobError } from '../../src/errors/index.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { JobPropertyStore } from '../../src/repository/job-property-store.js';
import { JobService } from '../../src/service/job-service.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleJob, withProperties, sampleOutcome, sampleProperty } from '../support/sample-jobs.js';

describe('JobService', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;

  beforeAll(async () => {
    tdb = await openTestDatabase('service');
    agenda = await createAgenda({ db: tdb.db });
    service = new JobService({ db: tdb.db, agenda });
    await service.ensureIndexes();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  const agendaJobsOf = (jobId: string) => tdb.db.collection('agendaJobs').find({ 'data.jobId': jobId }).toArray();

  describe('enqueueExtraction', () => {
    it('writes a pending job and schedules one extract-images job for it', async () => {
      const properties = [sampleProperty(1), sampleProperty(2), sampleProperty(3)];
      const job = await service.enqueueExtraction({ properties, sources: ['Redfin'], dryRun: true });
      expect(job).toMatchObject({
        status: 'pending',
        totalProperties: 3,
        completedProperties: 0,
        sources: ['redfin'],
        isolationMode: 'virtual',
        fetchMode: null,
        dryRun: true,
        version: 1,
        startedAt: null,
      });
      expect(await new JobPropertyStore({ db: tdb.db }).allProperties(job.id)).toEqual(properties);
      const queued = await agendaJobsOf(job.id);
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ name: 'extract-images', data: { jobId: job.id } });
      const { deduplicated, ...stored } = job;
      expect(deduplicated).toBe(false);
      expect(await service.getJob(job.id)).toEqual(stored);
    });

    it('defaults to every source', async () => {
      const job = await service.enqueueExtraction({ properties: [sampleProperty(1)] });
      expect(job.sources).toEqual(['zillow', 'redfin']);
    });

    it('rejects an empty property list with InvalidInputError (BAD_USER_INPUT) and writes nothing', async () => {
      const before = await tdb.db.collection('extraction_jobs').countDocuments();
      const error = await service.enqueueExtraction({ properties: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'properties' }] });
      expect(await tdb.db.collection('extraction_jobs').countDocuments()).toBe(before);
    });

    it('rejects an unknown source naming it', async () => {
      const error = await service
        .enqueueExtraction({ properties: [sampleProperty(1)], sources: ['zillow', 'trulia'] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toContain('"trulia"');
    });

    it('rejects an empty sources list (absent means every source), writing nothing', async () => {
      const before = await tdb.db.collection('extraction_jobs').countDocuments();
      const error = await service.enqueueExtraction({ properties: [sampleProperty(1)], sources: [] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'sources', message: expect.stringMatching(/^is empty; /) }] });
      expect(await tdb.db.collection('extraction_jobs').countDocuments()).toBe(before);
    });

    it('rejects a bad isolation mode and a bad listing URL', async () => {
      const bad = { ...sampleProperty(1), listingUrls: { zillow: 'not a url' } };
      const error = await service.enqueueExtraction({ properties: [bad], isolationMode: 'sandbox' as 'virtual' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((i) => i.path).sort()).toEqual(['isolationMode', 'properties.0.listingUrls.zillow']);
    });
  });

  describe('getJob and listJobs', () => {
    it('throws NotFoundError for an unknown and for a malformed id', async () => {
      await expect(service.getJob('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(NotFoundError);
      const error = await service.getJob('not-a-uuid').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ code: 'NOT_FOUND', id: 'not-a-uuid' });
    });

    it('lists newest first with status filter and paging', async () => {
      const a = await service.enqueueExtraction({ properties: [sampleProperty(1)] });
      const b = await service.enqueueExtraction({ properties: [sampleProperty(2)] });
      const page = await service.listJobs({ limit: 2 });
      expect(page.map((j) => j.id)).toEqual([b.id, a.id]);
      expect((await service.listJobs({ limit: 1, offset: 1 })).map((j) => j.id)).toEqual([a.id]);
      const pending = await service.listJobs({ status: 'pending', limit: 500 });
      expect(pending.every((j) => j.status === 'pending')).toBe(true);
    });

    it('names the pending and in-progress jobs that hold a property, not the final ones', async () => {
      const property = sampleProperty(4_242);
      const pending = await service.enqueueExtraction({ properties: [sampleProperty(4_241), property] });
      const running = await service.enqueueExtraction({ properties: [property], dryRun: true });
      const done = await service.enqueueExtraction({ properties: [property], sources: ['redfin'] });
      const jobs = tdb.db.collection<{ _id: string }>('extraction_jobs');
      await jobs.updateOne({ _id: running.id }, { $set: { status: 'in_progress' } });
      await jobs.updateOne({ _id: done.id }, { $set: { status: 'completed' } });
      expect(await service.activeJobsWithProperty(property.id)).toEqual([
        { id: pending.id, status: 'pending' },
        { id: running.id, status: 'in_progress' },
      ]);
      expect(await service.activeJobsWithProperty(sampleProperty(4_243).id)).toEqual([]);
    });

    it('rejects a bad page', async () => {
      await expect(service.listJobs({ limit: 0 })).rejects.toBeInstanceOf(InvalidInputError);
      await expect(service.listJobs({ offset: -1 })).rejects.toBeInstanceOf(InvalidInputError);
    });
  });

  describe('cancelJob', () => {
    it('cancels a pending job and removes it from the queue', async () => {
      const job = await service.enqueueExtraction({ properties: [sampleProperty(1)] });
      expect(await agendaJobsOf(job.id)).toHaveLength(1);
      const cancelled = await service.cancelJob(job.id);
      expect(cancelled).toMatchObject({ id: job.id, status: 'cancelled', version: 2 });
      expect(cancelled.completedAt).toBeInstanceOf(Date);
      expect(cancelled.cancelRequestedAt).toBeInstanceOf(Date);
      expect(await agendaJobsOf(job.id)).toHaveLength(0);
    });

    it('writes the final cancelled event of a pending job to the event log at once', async () => {
      const job = await service.enqueueExtraction({ properties: [sampleProperty(4)] });
      await service.cancelJob(job.id);
      const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }]);
      expect(events.map((e) => [e.seq, e.kind, e.status, e.error?.code])).toEqual([[1, 'status', 'cancelled', 'CANCELLED']]);
    });

    it('refuses a finished job with JOB_ALREADY_FINISHED naming the status', async () => {
      const job = await service.enqueueExtraction({ properties: [sampleProperty(1)] });
      await service.cancelJob(job.id);
      const error = await service.cancelJob(job.id).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobAlreadyFinishedError);
      expect(error).toBeInstanceOf(JobError);
      expect(error).toBeInstanceOf(CoreError);
      expect(error).toMatchObject({ code: 'JOB_ALREADY_FINISHED', status: 'cancelled', jobId: job.id });
      expect((error as Error).message).toContain('cancelled');
    });

    it('refuses a completed job the same way', async () => {
      const repository = new JobRepository({ db: tdb.db });
      const job = await repository.create(...withProperties(sampleJob(1, { status: 'completed', completedAt: new Date() })));
      await expect(service.cancelJob(job.id)).rejects.toMatchObject({ code: 'JOB_ALREADY_FINISHED', status: 'completed' });
    });

    it('throws NotFoundError for an unknown job', async () => {
      await expect(service.cancelJob('00000000-0000-4000-8000-000000000001')).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('cancelJob counts a job no run holds by its finished properties', () => {
    // Run 1 finished property 1 (3 new photos) and was stored mid-way through property 2 (7 more shown live).
    async function jobWithCutProperty(): Promise<{ id: string; repository: JobRepository; runs: JobRunLeases; longAgo: Date }> {
      const job = await service.createExtraction({ properties: [sampleProperty(1), sampleProperty(2)] }, { scraperMode: 'live' });
      const longAgo = new Date(Date.now() - 10 * 60_000);
      const runs = new JobRunLeases({ db: tdb.db });
      const repository = new JobRepository({ db: tdb.db });
      expect(await runs.claim(job.id, 1, 'crashed-worker', longAgo)).toBe(true);
      await repository.startRun(job.id, { runNumber: 1, workerName: 'crashed-worker', now: longAgo });
      const done = sampleOutcome(sampleProperty(1), 'completed', 3);
      const live = { ...ZERO_COUNTERS, totalProperties: 2, completedProperties: 1, totalImages: 10, newImages: 10 };
      await repository.properties.recordOutcomes(job.id, [{ index: 0, outcome: done }], longAgo);
      expect(await repository.saveProgress(job.id, 1, { ...live, failedPropertiesList: [] }, longAgo)).toBe(true);
      return { id: job.id, repository, runs, longAgo };
    }
    const settled = { completedProperties: 1, totalImages: 3, newImages: 3 };

    it('a running job whose worker is gone (its run lease expired): cancelled at once, totals and final event of the finished property', async () => {
      const { id } = await jobWithCutProperty();
      // Without a live run nobody would act on the request: a service that waited for one
      // (here up to 10 minutes) would time this test out instead of answering.
      const cancelled = await new JobService({ db: tdb.db, agenda, cancelWaitMs: 600_000 }).cancelJob(id);
      expect(cancelled).toMatchObject({ status: 'cancelled', totalProperties: 2, ...settled });
      expect(cancelled.errorMessage).toContain('no worker');
      expect(cancelled.completedAt).toBeInstanceOf(Date);
      expect(await agendaJobsOf(id)).toHaveLength(0);
      const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: id, seq: 0 }]);
      expect(events.map((e) => [e.kind, e.status, e.error?.code])).toEqual([['status', 'cancelled', 'CANCELLED']]);
      expect(events[0]?.counters).toMatchObject(settled);
    });

    it('a job handed back pending (worker shut down): the same', async () => {
      const { id, repository, runs, longAgo } = await jobWithCutProperty();
      const current = await repository.get(id);
      await repository.endRun(id, 1, { status: 'pending', errorMessage: null, progress: current!, cancelRequestedAt: null }, longAgo);
      await runs.release(id, 1, longAgo);
      const cancelled = await service.cancelJob(id);
      expect(cancelled).toMatchObject({ status: 'cancelled', ...settled });
      const [end] = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: id, seq: 0 }]);
      expect(end?.counters).toMatchObject(settled);
    });
  });

  describe("createExtraction (for a run in the caller's process)", () => {
    it('queues a takeover that a worker runs only after the run lease would have expired', async () => {
      const before = Date.now();
      const job = await service.createExtraction({ properties: [sampleProperty(1)] }, { scraperMode: 'live' });
      expect(job.status).toBe('pending');
      const queued = await agendaJobsOf(job.id);
      expect(queued).toHaveLength(1);
      const nextRunAt = (queued[0]?.['nextRunAt'] as Date).getTime();
      expect(nextRunAt).toBeGreaterThanOrEqual(before + DEFAULT_QUEUE_SETTINGS.lockLifetimeMs);
    });
  });

  it('lists the photos of a property (none yet)', async () => {
    expect(await service.listPhotos(sampleProperty(1).id)).toEqual([]);
  });
});

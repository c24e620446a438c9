import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTER_NAMES, ZERO_COUNTERS } from '@phx/core';
import { JOBS_COLLECTION, JobRepository } from '../../src/repository/job-repository.js';
import { JOB_OUTCOMES_COLLECTION } from '../../src/repository/job-property-store.js';
import type { JobProgress } from '../../src/repository/job-repository.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleJob, sampleOutcome } from '../support/sample-jobs.js';

const progress = (over: Partial<JobProgress> = {}): JobProgress => ({
  ...ZERO_COUNTERS,
  totalProperties: 2,
  completedProperties: 1,
  totalImages: 5,
  newImages: 4,
  duplicateImages: 1,
  failedPropertiesList: [],
  ...over,
});

describe('JobRepository', () => {
  let tdb: TestDatabase;
  let jobs: JobRepository;

  beforeAll(async () => {
    tdb = await openTestDatabase('jobrepo');
    jobs = new JobRepository({ db: tdb.db });
    await jobs.ensureIndexes();
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('creates a job with version 1 and reads it back with every field', async () => {
    const job = sampleJob(2);
    const stored = await jobs.create(job, job.properties);
    const { properties, ...fields } = job;
    expect(stored).toEqual({
      ...fields,
      version: 1,
      cancelRequestedAt: null,
      runNumber: 0,
      workerName: null,
      catalogSelection: null,
      propertiesListed: true,
    });
    expect(await jobs.get(job.id)).toEqual(stored);
    expect(await jobs.properties.allProperties(job.id)).toEqual(properties);
    expect(await jobs.get('no-such-id')).toBeNull();
  });

  it('reads a document written before some counters existed with those counters, and an outcome lacking photo counts with them, at 0', async () => {
    const job = sampleJob(2);
    await jobs.create(job, job.properties);
    await jobs.startRun(job.id, { runNumber: 1, workerName: 'w1', now: new Date() });
    const written = Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, i + 1]));
    const outcome = {
      ...sampleOutcome(job.properties[0]!, 'completed', 9),
      unchangedImages: 1,
      removedImages: 2,
      missingPhotos: 3,
      placeholderImages: 4,
    };
    await jobs.properties.recordOutcomes(job.id, [{ index: 0, outcome }], new Date());
    expect(await jobs.saveProgress(job.id, 1, progress({ ...written }), new Date())).toBe(true);
    const newer = [
      'partialProperties',
      'deferredProperties',
      'failedImages',
      'unchangedImages',
      'removedImages',
      'placeholderImages',
    ] as const;
    const newerInOutcomes = ['unchangedImages', 'removedImages', 'missingPhotos', 'placeholderImages'] as const;
    await tdb.db
      .collection(JOBS_COLLECTION)
      .updateOne({ _id: job.id as never }, { $unset: Object.fromEntries(newer.map((name) => [name, ''])) });
    await tdb.db
      .collection(JOB_OUTCOMES_COLLECTION)
      .updateOne({ jobId: job.id }, { $unset: Object.fromEntries(newerInOutcomes.map((name) => [`outcome.${name}`, ''])) });
    expect(Object.keys((await tdb.db.collection(JOB_OUTCOMES_COLLECTION).findOne({ jobId: job.id }))?.['outcome'])).not.toContain(
      'missingPhotos',
    );
    const read = await jobs.get(job.id);
    for (const name of COUNTER_NAMES) expect(read?.[name], name).toBe(newer.some((n) => n === name) ? 0 : written[name]);
    expect(await jobs.properties.outcomes(job.id)).toEqual([
      { index: 0, outcome: { ...outcome, unchangedImages: 0, removedImages: 0, missingPhotos: 0, placeholderImages: 0 } },
    ]);
    expect((await jobs.list({ limit: 500 })).find((j) => j.id === job.id)).toEqual(read);
  });

  it('refuses to store an outcome without a position in the job, writing none of the batch', async () => {
    const job = sampleJob(2);
    await jobs.create(job, job.properties);
    const entries = [
      { index: 0, outcome: sampleOutcome(job.properties[0]!, 'completed') },
      { index: -1, outcome: sampleOutcome(job.properties[1]!, 'completed') },
    ];
    await expect(jobs.properties.recordOutcomes(job.id, entries, new Date())).rejects.toThrow(/has no position in the job \(index -1\)/);
    expect(await jobs.properties.outcomes(job.id)).toEqual([]);
  });

  it('moves the property list and outcomes out of a job document of an older version, once, and reads the job as a new one', async () => {
    const job = sampleJob(3);
    const done = sampleOutcome(job.properties[2]!, 'failed');
    const { id, properties, ...fields } = job;
    await tdb.db.collection(JOBS_COLLECTION).insertOne({
      _id: id as never,
      ...fields,
      properties,
      propertyOutcomes: [done],
      version: 3,
      cancelRequestedAt: null,
      runNumber: 1,
      workerName: 'w1',
    });
    expect(await jobs.migrateLegacyJobs()).toBe(1);
    expect(await jobs.migrateLegacyJobs()).toBe(0);
    const doc = await tdb.db.collection(JOBS_COLLECTION).findOne({ _id: id as never });
    expect(doc).not.toHaveProperty('properties');
    expect(doc).not.toHaveProperty('propertyOutcomes');
    expect(await jobs.properties.allProperties(id)).toEqual(properties);
    expect(await jobs.properties.outcomes(id)).toEqual([{ index: 2, outcome: done }]);
    // A document written before selections were listed by workers reads as listed, without a selection.
    expect(await jobs.get(id)).toEqual({
      id,
      ...fields,
      version: 3,
      cancelRequestedAt: null,
      runNumber: 1,
      workerName: 'w1',
      catalogSelection: null,
      propertiesListed: true,
    });
  });

  it('lists newest first, filtered by status, with limit and offset', async () => {
    const base = Date.parse('2030-01-01T00:00:00Z');
    const created = [];
    for (let i = 0; i < 5; i += 1) {
      const job = sampleJob(1, { createdAt: new Date(base + i * 1000), status: i % 2 === 0 ? 'pending' : 'completed' });
      created.push(await jobs.create(job, job.properties));
    }
    const newest = await jobs.list({ limit: 3 });
    expect(newest.map((j) => j.id)).toEqual([created[4]?.id, created[3]?.id, created[2]?.id]);
    const page2 = await jobs.list({ limit: 2, offset: 2 });
    expect(page2.map((j) => j.id)).toEqual([created[2]?.id, created[1]?.id]);
    const completed = await jobs.list({ status: 'completed', limit: 10 });
    expect(completed.every((j) => j.status === 'completed')).toBe(true);
    expect(completed.map((j) => j.id).slice(0, 2)).toEqual([created[3]?.id, created[1]?.id]);
  });

  it('bumps the version on every update and only lets the holder of the run write', async () => {
    const job = sampleJob(2);
    await jobs.create(job, job.properties);
    const now = new Date();
    const started = await jobs.startRun(job.id, { runNumber: 1, workerName: 'w1', now });
    expect(started).toMatchObject({ status: 'in_progress', startedAt: now, runNumber: 1, workerName: 'w1', version: 2 });
    expect(await jobs.saveProgress(job.id, 1, progress(), new Date())).toBe(true);
    expect(await jobs.saveProgress(job.id, 2, progress({ totalImages: 99 }), new Date())).toBe(false);
    const outcome = sampleOutcome(job.properties[0]!, 'failed');
    expect(await jobs.saveProgress(job.id, 1, progress({ failedProperties: 1, failedPropertiesList: [outcome.address] }), new Date())).toBe(
      true,
    );
    const read = await jobs.get(job.id);
    expect(read).toMatchObject({ version: 4, totalImages: 5, failedProperties: 1, failedPropertiesList: [outcome.address] });
  });

  it('keeps the first startedAt when a run resumes, and hands a job back as pending', async () => {
    const job = sampleJob(2);
    await jobs.create(job, job.properties);
    const first = new Date('2030-02-01T00:00:00Z');
    await jobs.startRun(job.id, { runNumber: 1, workerName: 'w1', now: first });
    const handedBack = await jobs.endRun(
      job.id,
      1,
      { status: 'pending', errorMessage: null, progress: progress(), cancelRequestedAt: null },
      new Date(),
    );
    expect(handedBack).toMatchObject({ status: 'pending', completedAt: null, totalImages: 5 });
    const resumed = await jobs.startRun(job.id, { runNumber: 2, workerName: 'w2', now: new Date() });
    expect(resumed).toMatchObject({ status: 'in_progress', startedAt: first, runNumber: 2, workerName: 'w2' });
    const end = new Date();
    const done = await jobs.endRun(
      job.id,
      2,
      { status: 'completed', errorMessage: null, progress: progress({ completedProperties: 2 }), cancelRequestedAt: null },
      end,
    );
    expect(done).toMatchObject({ status: 'completed', completedAt: end, completedProperties: 2, version: 5 });
    expect(await jobs.startRun(job.id, { runNumber: 3, workerName: 'w3', now: new Date() })).toBeNull();
  });

  it('cancels only a pending job', async () => {
    const job = sampleJob(1);
    await jobs.create(job, job.properties);
    const cancelled = await jobs.cancelPending(job.id, new Date(), 'cancelled by user before it started');
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2, errorMessage: 'cancelled by user before it started' });
    expect(cancelled?.completedAt).toBeInstanceOf(Date);
    expect(await jobs.cancelPending(job.id, new Date(), 'again')).toBeNull();
  });

  it('marks a job failed unless it is final', async () => {
    const job = sampleJob(1);
    await jobs.create(job, job.properties);
    expect(await jobs.markFailed(job.id, 'could not be queued', new Date())).toMatchObject({
      status: 'failed',
      errorMessage: 'could not be queued',
    });
    expect(await jobs.markFailed(job.id, 'again', new Date())).toBeNull();
  });

  it('reads several jobs in one query', async () => {
    const [a, b] = [sampleJob(1), sampleJob(1)];
    await jobs.create(a, a.properties);
    await jobs.create(b, b.properties);
    const found = await jobs.getMany([a.id, b.id, 'missing']);
    expect(found.map((j) => j.id).sort()).toEqual([a.id, b.id].sort());
  });
});

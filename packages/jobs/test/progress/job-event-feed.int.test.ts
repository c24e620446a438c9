import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, InvalidInputError, ZERO_COUNTERS } from '@phx/core';
import { JobEventFeed } from '../../src/progress/job-event-feed.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { JobEventRecorder } from '../../src/progress/job-event-recorder.js';
import { decodeJobEventId, encodeJobEventId, statusEventBody, toJobEventCounters } from '../../src/progress/job-event.js';
import type { JobEvent, JobEventBody } from '../../src/progress/job-event.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { CANCELLED_BEFORE_START_MESSAGE } from '../../src/service/job-service.js';
import { startApi, testProperty } from '../support/job-harness.js';
import { collect } from '../support/collect.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';

const counters = (totalImages: number) => toJobEventCounters({ ...ZERO_COUNTERS, totalProperties: 1, totalImages, newImages: totalImages });
const photo = (n: number): JobEventBody => ({
  kind: 'photo-stored',
  status: 'in_progress',
  counters: counters(n),
  propertyId: 'p',
  address: null,
  source: 'zillow',
  photoId: `photo-${n}`,
  sha256: 'a'.repeat(64),
  isNew: true,
  propertyStatus: null,
  missingPhotos: null,
  retryAt: null,
  error: null,
});

describe('job event log and feed', () => {
  let tdb: TestDatabase;
  let jobs: JobRepository;
  let writerLog: JobEventLog;

  beforeAll(async () => {
    tdb = await openTestDatabase('events');
    // Writers use their own client, as a worker process would.
    const writerDb = await tdb.connectAgain();
    jobs = new JobRepository({ db: writerDb });
    writerLog = new JobEventLog({ db: writerDb });
    await writerLog.ensureIndexes();
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('numbers events 1, 2, 3 … without gaps or doubles when several writers append at once', async () => {
    const job = await jobs.create(...withProperties(sampleJob(1)));
    const other = new JobEventLog({ db: await tdb.connectAgain() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? writerLog : other).append(job.id, [photo(i)])));
    const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(events.map((e) => e.photoId)).size).toBe(20);
  });

  it('lets a producer wait until the log has caught up below a bound of unwritten events', async () => {
    const job = await jobs.create(...withProperties(sampleJob(1)));
    const recorder = new JobEventRecorder({
      log: writerLog,
      jobId: job.id,
      onError: (error) => {
        throw error;
      },
    });
    for (let n = 1; n <= 500; n += 1) recorder.record(photo(n));
    expect(recorder.unwritten).toBe(500);
    await recorder.waitBelow(0);
    expect(recorder.unwritten).toBe(0);
    expect((await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }])).length).toBe(500);
    for (let n = 501; n <= 600; n += 1) recorder.record(photo(n));
    await recorder.waitBelow(100);
    expect(recorder.unwritten).toBeLessThanOrEqual(100);
    expect(await recorder.close()).toBe(true);
    await recorder.waitBelow(0); // closed: returns at once
  });

  it('delivers every event once, in order, ends after the final status, and resumes after a given id', async () => {
    const job = await jobs.create(...withProperties(sampleJob(1)));
    const feed = new JobEventFeed({ db: tdb.db, pollIntervalMs: 20 });
    const stream = await feed.open({ jobIds: [job.id] });
    const recorder = new JobEventRecorder({
      log: writerLog,
      jobId: job.id,
      onError: (error) => {
        throw error;
      },
    });
    recorder.record(statusEventBody('in_progress', counters(0), null));
    for (let n = 1; n <= 30; n += 1) recorder.record(photo(n));
    recorder.record(statusEventBody('completed', counters(30), null));
    expect(await recorder.close()).toBe(true);
    const seen = await collect(stream, 10_000);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
    expect(seen.map((e) => e.kind)).toEqual(['status', ...Array<string>(30).fill('photo-stored'), 'status']);
    expect(seen.at(-1)?.status).toBe('completed');
    expect(seen.at(-1)?.counters.totalImages).toBe(30);
    expect(feed.watcherCount).toBe(0);

    // Resume after event 10: exactly 11..32, then the end.
    const tenth = seen[9] as JobEvent;
    expect(decodeJobEventId(tenth.id)).toEqual({ jobId: job.id, seq: 10 });
    const resumed = await collect(await feed.open({ jobIds: [job.id], after: new Map([[job.id, 10]]) }), 10_000);
    expect(resumed.map((e) => e.seq)).toEqual(Array.from({ length: 22 }, (_, i) => i + 11));
    // After the final event: nothing more, and the stream completes.
    expect(await collect(await feed.open({ jobIds: [job.id], after: new Map([[job.id, 32]]) }), 10_000)).toEqual([]);
    // Kind filter: only the stored photos, yet the stream ends at the final status.
    const photos = await collect(await feed.open({ jobIds: [job.id], kinds: ['photo-stored'] }), 10_000);
    expect(photos.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    feed.close();
  });

  it('writes nothing: a job whose log lacks its final event gets none from a reader', async () => {
    const job = await jobs.create(
      ...withProperties(
        sampleJob(1, { status: 'cancelled', completedAt: new Date(Date.now() - 60_000), errorMessage: 'cancelled before start' }),
      ),
    );
    const feed = new JobEventFeed({ db: tdb.db, pollIntervalMs: 20 });
    const controller = new AbortController();
    const following = collect(await feed.open({ jobIds: [job.id] }, controller.signal), 10_000);
    await sleep(1_500);
    controller.abort();
    expect(await following).toEqual([]);
    expect(await writerLog.lastSeq(job.id)).toBe(0);
    feed.close();
  });

  it('ends the stream of a pending job cancelled without a worker, with the cancelled status its canceller wrote', async () => {
    const { service, agenda } = await startApi(tdb.db);
    try {
      const job = (await service.enqueueExtraction({ properties: [testProperty(1)] })) as StoredExtractionJob;
      const feed = new JobEventFeed({ db: tdb.db, pollIntervalMs: 20 });
      const stream = await feed.open({ jobIds: [job.id] });
      expect(await service.cancelJob(job.id)).toMatchObject({ status: 'cancelled' });
      const seen = await collect(stream, 10_000);
      expect(seen.map((e) => [e.seq, e.kind, e.status, e.error?.message])).toEqual([
        [1, 'status', 'cancelled', CANCELLED_BEFORE_START_MESSAGE],
      ]);
      expect(feed.watcherCount).toBe(0);
      feed.close();
    } finally {
      await agenda.stop(false);
    }
  });

  it('refuses unknown jobs, no jobs, and resume ids of other jobs', async () => {
    const feed = new JobEventFeed({ db: tdb.db });
    const job = await jobs.create(...withProperties(sampleJob(1)));
    await expect(feed.open({ jobIds: ['00000000-0000-4000-8000-000000000000'] })).rejects.toBeInstanceOf(NotFoundError);
    await expect(feed.open({ jobIds: [] })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(feed.open({ jobIds: [job.id], after: new Map([['other', 3]]) })).rejects.toBeInstanceOf(InvalidInputError);
    expect(() => decodeJobEventId('not an id')).toThrow(InvalidInputError);
    expect(() => decodeJobEventId(Buffer.from('x:0').toString('base64url'))).toThrow(InvalidInputError);
    expect(decodeJobEventId(encodeJobEventId(job.id, 7))).toEqual({ jobId: job.id, seq: 7 });
    feed.close();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ZERO_COUNTERS } from '@phx/core';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { JobProgress } from '../../src/repository/job-repository.js';
import { collect } from '../support/collect.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';

const progress = (completedProperties: number, totalImages: number): JobProgress => ({
  ...ZERO_COUNTERS,
  totalProperties: 3,
  completedProperties,
  totalImages,
  newImages: totalImages,
  failedPropertiesList: [],
});

describe('JobProgressFeed', () => {
  let tdb: TestDatabase;
  let writer: JobRepository;

  beforeAll(async () => {
    tdb = await openTestDatabase('feed');
    // The worker side writes through its own client, as another process would.
    writer = new JobRepository({ db: await tdb.connectAgain() });
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('yields the current snapshot, then each new version, and ends after the final status', async () => {
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
    const job = await writer.create(...withProperties(sampleJob(3)));
    const seen = collect(feed.watch(job.id), 10_000);
    await sleep(100);
    await writer.startRun(job.id, { runNumber: 1, workerName: 'w', now: new Date() });
    for (let i = 1; i <= 3; i += 1) {
      await sleep(100);
      await writer.saveProgress(job.id, 1, progress(i, i * 4), new Date());
    }
    await sleep(100);
    await writer.endRun(
      job.id,
      1,
      { status: 'completed', errorMessage: null, progress: progress(3, 12), cancelRequestedAt: null },
      new Date(),
    );
    const snapshots = await seen;
    expect(snapshots.map((s) => s.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(snapshots.map((s) => s.status)).toEqual(['pending', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'completed']);
    expect(snapshots.map((s) => s.totalImages)).toEqual([0, 0, 4, 8, 12, 12]);
    expect(feed.watcherCount).toBe(0);
  });

  it('ends at once with the snapshot of a job that is already final', async () => {
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
    const job = await writer.create(
      ...withProperties(sampleJob(1, { status: 'failed', completedAt: new Date(), errorMessage: 'every property failed' })),
    );
    const snapshots = await collect(feed.watch(job.id), 5_000);
    expect(snapshots).toHaveLength(1);
    expect(snapshots[0]).toMatchObject({ id: job.id, status: 'failed', errorMessage: 'every property failed' });
  });

  it('throws NotFoundError for an unknown job', async () => {
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
    await expect(collect(feed.watch('00000000-0000-4000-8000-00000000abcd'), 5_000)).rejects.toBeInstanceOf(NotFoundError);
    expect(feed.watcherCount).toBe(0);
  });

  it('ends when the signal aborts, and when the consumer leaves the loop', async () => {
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 20 });
    const job = await writer.create(...withProperties(sampleJob(1)));
    const controller = new AbortController();
    const seen = collect(feed.watch(job.id, controller.signal), 5_000);
    await sleep(100);
    controller.abort();
    expect((await seen).map((s) => s.version)).toEqual([1]);
    for await (const snapshot of feed.watch(job.id)) {
      expect(snapshot.version).toBe(1);
      break;
    }
    expect(feed.watcherCount).toBe(0);
  });

  it('polls all watched jobs with one query per tick, and stops polling when nobody watches', async () => {
    const client = await MongoClient.connect(tdb.uri, { monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command['find'] === 'extraction_jobs') finds.push(event);
    });
    try {
      const feed = new JobProgressFeed({ db: client.db(tdb.db.databaseName), pollIntervalMs: 50 });
      const jobs = await Promise.all(Array.from({ length: 5 }, () => writer.create(...withProperties(sampleJob(1)))));
      const controller = new AbortController();
      const streams = jobs.map((j) => collect(feed.watch(j.id, controller.signal), 5_000));
      await sleep(600);
      controller.abort();
      await Promise.all(streams);
      const ticks = finds.length;
      expect(ticks).toBeGreaterThanOrEqual(5);
      expect(ticks).toBeLessThanOrEqual(16);
      const ids = (finds.at(-1)?.command['filter'] as { _id: { $in: string[] } })._id.$in;
      expect([...ids].sort()).toEqual(jobs.map((j) => j.id).sort());
      await sleep(200);
      expect(finds.length).toBeLessThanOrEqual(ticks + 1);
      feed.close();
    } finally {
      await client.close();
    }
  });
});

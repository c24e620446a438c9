import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, PropertyExtractor } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { defineExtractImagesJob } from '../../src/worker/extract-images.job.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import type { JobService } from '../../src/service/job-service.js';
import { collect } from '../support/collect.js';
import { FixturePhotoFetcher, FixturePhotoScraper } from '../support/fixture-photos.js';
import { startApi, testProperty, zillowGallery } from '../support/job-harness.js';
import { JobProgressFeed } from '../../src/progress/job-progress-feed.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import type { Agenda } from 'agenda';

describe('enqueue: pending duplicates and interactive-before-scheduled priority', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;

  beforeAll(async () => {
    tdb = await openTestDatabase('dedupe');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
  });
  afterAll(async () => {
    await apiAgenda.stop(false);
    await tdb.close();
  });

  const jobCount = async (): Promise<number> => tdb.db.collection('extraction_jobs').countDocuments();

  it('returns the pending job for the same properties (any order), sources and options; a different request gets its own job', async () => {
    const [a, b] = [1, 2].map(testProperty);
    const first = await service.enqueueExtraction({ properties: [a!, b!], sources: ['zillow', 'redfin'] });
    expect(first.deduplicated).toBe(false);
    const again = await service.enqueueExtraction({ properties: [b!, a!], sources: ['Redfin', 'zillow'] });
    expect(again).toMatchObject({ id: first.id, status: 'pending', deduplicated: true });
    const otherSources = await service.enqueueExtraction({ properties: [a!, b!], sources: ['zillow'] });
    const dryRun = await service.enqueueExtraction({ properties: [a!, b!], dryRun: true });
    const scheduled = await service.enqueueExtraction({ properties: [a!, b!] }, { origin: 'scheduled', scheduleId: 's-1' });
    expect([otherSources, dryRun, scheduled].map((j) => j.deduplicated)).toEqual([false, false, false]);
    expect(new Set([first.id, otherSources.id, dryRun.id, scheduled.id]).size).toBe(4);
    expect(await jobCount()).toBe(4);
    expect(await tdb.db.collection('agendaJobs').countDocuments({ 'data.jobId': first.id })).toBe(1);
  });

  it('creates exactly one job when the same request is enqueued by several clients at once', async () => {
    const before = await jobCount();
    const properties = [testProperty(3)];
    const clients = await Promise.all([1, 2, 3, 4, 5].map(async () => startApi(await tdb.connectAgain())));
    try {
      const results = await Promise.all(clients.map((c) => c.service.enqueueExtraction({ properties })));
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(results.filter((r) => !r.deduplicated)).toHaveLength(1);
      expect(await jobCount()).toBe(before + 1);
    } finally {
      await Promise.all(clients.map((c) => c.agenda.stop(false)));
    }
  });

  it('gives a new job once the pending one has left pending (cancelled here)', async () => {
    const properties = [testProperty(4)];
    const first = await service.enqueueExtraction({ properties });
    await service.cancelJob(first.id);
    const second = await service.enqueueExtraction({ properties });
    expect(second).toMatchObject({ deduplicated: false, status: 'pending' });
    expect(second.id).not.toBe(first.id);
  });

  it('runs an interactive job before scheduled ones queued earlier', async () => {
    const scheduled = [];
    for (const n of [5, 6, 7])
      scheduled.push(
        await service.enqueueExtraction(
          { properties: [testProperty(n)], sources: ['zillow'] },
          { origin: 'scheduled', scheduleId: `s-${n}` },
        ),
      );
    const interactive = await service.enqueueExtraction({ properties: [testProperty(8)], sources: ['zillow'] });
    expect(interactive.origin).toBe('interactive');
    const queued = await tdb.db
      .collection('agendaJobs')
      .find({ 'data.jobId': { $in: [...scheduled, interactive].map((j) => j.id) } })
      .toArray();
    expect(queued.map((q) => q['priority'] as number).sort()).toEqual([0, 0, 0, 10]);

    // One worker running one job at a time, started after everything was queued.
    const imagesDir = await mkdtemp(join(tmpdir(), 'phx-priority-'));
    const photos = new MongoPhotoRepository({ db: tdb.db });
    const agenda = await createAgenda({ db: tdb.db, name: 'w-priority', processEveryMs: 100, maxConcurrency: 1 });
    const extractor = new PropertyExtractor({
      scrapers: { zillow: new FixturePhotoScraper('zillow', { gallery: zillowGallery }) },
      fetcher: new FixturePhotoFetcher(),
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
    });
    defineExtractImagesJob(agenda, { repository: new JobRepository({ db: tdb.db }), extractor, workerName: 'w-priority' });
    const feed = new JobProgressFeed({ db: tdb.db, pollIntervalMs: 50 });
    try {
      await agenda.start();
      const finals = await Promise.all([interactive, ...scheduled].map(async (j) => (await collect(feed.watch(j.id), 60_000)).at(-1)!));
      expect(finals.map((f) => f.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
      const [first, ...rest] = finals;
      for (const later of rest) expect(later.startedAt!.getTime()).toBeGreaterThanOrEqual(first!.completedAt!.getTime());
    } finally {
      feed.close();
      await agenda.stop(false);
      await rm(imagesDir, { recursive: true, force: true });
    }
  });
});

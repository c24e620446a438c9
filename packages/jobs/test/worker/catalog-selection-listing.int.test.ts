import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import type { Property } from '@phx/core';
import { PROPERTIES_COLLECTION, PropertyCatalog } from '../../src/catalog/property-catalog.js';
import { enqueueCatalogSelection } from '../../src/catalog/enqueue-catalog-selection.js';
import { removeUnusedProperty } from '../../src/catalog/remove-property.js';
import { PropertyInUseError } from '../../src/catalog/property-in-use-error.js';
import { JOB_PROPERTIES_COLLECTION, JOB_PROPERTY_CHUNK_SIZE } from '../../src/repository/job-property-store.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { JobRunLeases } from '../../src/repository/job-run-leases.js';
import { JobHistoryService } from '../../src/service/job-history-service.js';
import type { JobService } from '../../src/service/job-service.js';
import { listCatalogSelection } from '../../src/worker/selection-listing.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import { waitFor } from '../support/collect.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** Jobs enqueued for a catalog selection (all, a label): answered at once, listed by the worker that takes them up. */
describe('jobs for a catalog selection', () => {
  let tdb: TestDatabase;
  let api: { readonly service: JobService; readonly agenda: Agenda };
  let catalog: PropertyCatalog;
  let history: JobHistoryService;
  const options = { sources: ['zillow'], dryRun: true } as const;

  beforeAll(async () => {
    tdb = await openTestDatabase('selection');
    api = await startApi(tdb.db);
    catalog = new PropertyCatalog({ db: tdb.db });
    await catalog.ensureIndexes();
    history = new JobHistoryService({ db: tdb.db, jobs: api.service });
  });
  afterAll(async () => {
    await api.agenda.stop(false);
    await tdb.close();
  });

  const chunksOf = (jobId: string): Promise<number> => tdb.db.collection(JOB_PROPERTIES_COLLECTION).countDocuments({ jobId });
  const listOf = async (jobId: string): Promise<string[]> => {
    const ids: string[] = [];
    for await (const { property } of new JobRepository({ db: tdb.db }).properties.properties(jobId)) ids.push(property.id);
    return ids;
  };
  const finalJob = (jobId: string, timeoutMs = 60_000) =>
    waitFor(
      `job ${jobId} to end`,
      async () => {
        const job = await api.service.getJob(jobId);
        return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      timeoutMs,
    );

  it('answers all and a label at once with no list; a worker lists them in id order and runs them', async () => {
    const tagged = [3, 1, 2].map(testProperty);
    await catalog.upsert(tagged, ['street']);
    await catalog.upsert([testProperty(4)], ['other']);
    const byLabel = await enqueueCatalogSelection(catalog, api.service, { label: 'Street' }, options);
    const all = await enqueueCatalogSelection(catalog, api.service, { all: true }, options);
    for (const job of [byLabel, all]) {
      expect(job).toMatchObject({ status: 'pending', totalProperties: 0, propertiesListed: false, deduplicated: false });
      expect(await chunksOf(job.id)).toBe(0);
      expect(await api.service.jobProperties(job.id, { first: 10 })).toEqual({ entries: [], hasNextPage: false });
    }
    expect(byLabel.catalogSelection).toEqual({ label: 'street' });
    expect(all.catalogSelection).toEqual({ all: true });

    // The same selection and options while pending: that job; other options: a new one.
    expect(await enqueueCatalogSelection(catalog, api.service, { label: 'street' }, { dryRun: true, sources: ['ZILLOW'] })).toMatchObject({
      id: byLabel.id,
      deduplicated: true,
    });
    const other = await enqueueCatalogSelection(catalog, api.service, { label: 'street' }, { sources: ['redfin'], dryRun: true });
    expect(other.id).not.toBe(byLabel.id);
    await api.service.cancelJob(other.id);

    // A pending all job uses every property; a label job those with the label.
    const inUse = await removeUnusedProperty(catalog, api.service, testProperty(1).id).catch((e: unknown) => e);
    expect(inUse).toBeInstanceOf(PropertyInUseError);
    expect((inUse as PropertyInUseError).jobIds).toEqual([byLabel.id, all.id]);
    expect(await api.service.activeJobsWithProperty(testProperty(4).id)).toEqual([{ id: all.id, status: 'pending' }]);

    const worker = await startWorker(tdb.db, { name: 'selection-worker' });
    try {
      const [doneLabel, doneAll] = [await finalJob(byLabel.id), await finalJob(all.id)];
      expect(doneLabel).toMatchObject({ status: 'completed', totalProperties: 3, completedProperties: 3, propertiesListed: true });
      expect(doneAll).toMatchObject({ status: 'completed', totalProperties: 4, completedProperties: 4, propertiesListed: true });
      const ids = [1, 2, 3].map((n) => testProperty(n).id).sort();
      expect(await listOf(byLabel.id)).toEqual(ids);
      expect(await listOf(all.id)).toEqual([...ids, testProperty(4).id].sort());
      expect((await api.service.jobProperties(all.id, { first: 10, status: 'completed' })).entries).toHaveLength(4);
    } finally {
      await worker.stop();
    }
    expect(await api.service.activeJobsWithProperty(testProperty(4).id)).toEqual([]);
  });

  it('retries a job cancelled before its list was written with the same selection', async () => {
    await catalog.upsert([testProperty(11)], ['cancelled']);
    const job = await enqueueCatalogSelection(catalog, api.service, { label: 'cancelled' }, options);
    const cancelled = await api.service.cancelJob(job.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', propertiesListed: false, totalProperties: 0 });
    const retry = await history.retryJob(job.id);
    expect(retry).toMatchObject({
      status: 'pending',
      catalogSelection: { label: 'cancelled' },
      propertiesListed: false,
      deduplicated: false,
    });
    expect(retry.id).not.toBe(job.id);
    await api.service.cancelJob(retry.id);
  });

  it('fails a job whose label no property has any more by the time a worker lists it, naming the label', async () => {
    await catalog.upsert([testProperty(21), testProperty(22)], ['fleeting']);
    const job = await enqueueCatalogSelection(catalog, api.service, { label: 'fleeting' }, options);
    await tdb.db.collection(PROPERTIES_COLLECTION).updateMany({ labels: 'fleeting' }, { $pull: { labels: 'fleeting' } } as never);
    const worker = await startWorker(tdb.db, { name: 'empty-label-worker' });
    try {
      const ended = await finalJob(job.id);
      expect(ended).toMatchObject({ status: 'failed', totalProperties: 0, propertiesListed: true });
      expect(ended.errorMessage).toMatch(/label "fleeting"/);
    } finally {
      await worker.stop();
    }
    await expect(enqueueCatalogSelection(catalog, api.service, { label: 'fleeting' }, options)).rejects.toThrow(/fleeting/);
  });

  it('completes the list of a run killed mid-listing in the next run, without duplicates', async () => {
    const many: Property[] = Array.from({ length: JOB_PROPERTY_CHUNK_SIZE * 2 + 10 }, (_, i) => testProperty(1_000 + i));
    await catalog.upsert(many, ['big']);
    const job = await enqueueCatalogSelection(catalog, api.service, { label: 'big' }, options);
    // Run 1 claims the job (its lease long expired: the worker was killed) and writes the first chunk only.
    const longAgo = new Date(Date.now() - 10 * 60_000);
    const repository = new JobRepository({ db: tdb.db });
    expect(await new JobRunLeases({ db: tdb.db }).claim(job.id, 1, 'killed-worker', longAgo)).toBe(true);
    const started = await repository.startRun(job.id, { runNumber: 1, workerName: 'killed-worker', now: longAgo });
    const killed = new AbortController();
    const store = repository.properties;
    const writeChunk = store.writeChunk.bind(store);
    store.writeChunk = async (...args) => {
      await writeChunk(...args);
      killed.abort(new Error('worker killed'));
    };
    await expect(
      listCatalogSelection({ job: started!, repository, signal: killed.signal, clock: { now: () => new Date() } }),
    ).rejects.toThrow('worker killed');
    expect(await chunksOf(job.id)).toBe(1);
    expect(await api.service.getJob(job.id)).toMatchObject({ status: 'in_progress', propertiesListed: false, totalProperties: 0 });
    expect(await api.service.jobProperties(job.id, { first: 5 })).toEqual({ entries: [], hasNextPage: false });
    // Meanwhile a property sorting first joins the label: every chunk of the next run's list shifts by one.
    const first = { id: '0-first-st-phoenix-az-85001', address: '0 First St, Phoenix, AZ 85001', listingUrls: {} } as Property;
    await catalog.upsert([first], ['big']);

    const worker = await startWorker(tdb.db, { name: 'second-worker' });
    try {
      const listed = await waitFor(
        'the second run to list the job',
        async () => {
          const now = await api.service.getJob(job.id);
          return now.propertiesListed ? now : undefined;
        },
        60_000,
      );
      expect(listed).toMatchObject({ runNumber: 2, totalProperties: many.length + 1 });
      await api.service.cancelJob(job.id);
    } finally {
      await worker.stop();
    }
    const ids = await listOf(job.id);
    expect(ids).toEqual([first.id, ...many.map((p) => p.id)].sort());
    expect(new Set(ids).size).toBe(many.length + 1);
    expect(await chunksOf(job.id)).toBe(3);
  });

  // The catalog's first batch comes only once the server has read and sorted the whole selection (on FerretDB 1.x, about
  // 15 s of a 50,000-property label): a cancel then waited for it (5 s unanswered, released after 7.7 s).
  it('stops a listing whose catalog read is still waiting, at the stop', async () => {
    await catalog.upsert([testProperty(90), testProperty(91)], ['stalled']);
    const job = await enqueueCatalogSelection(catalog, api.service, { label: 'stalled' }, options);
    const repository = new JobRepository({ db: tdb.db });
    expect(await new JobRunLeases({ db: tdb.db }).claim(job.id, 1, 'stalled-worker', new Date())).toBe(true);
    const started = await repository.startRun(job.id, { runNumber: 1, workerName: 'stalled-worker', now: new Date() });
    const readSelection = Object.getOwnPropertyDescriptor(PropertyCatalog.prototype, 'readSelection');
    let reading = (): void => undefined;
    const readStarted = new Promise<void>((resolve) => (reading = resolve));
    PropertyCatalog.prototype.readSelection = async function* () {
      reading();
      yield* [];
      await new Promise(() => undefined);
    };
    try {
      const stop = new AbortController();
      const listing = listCatalogSelection({ job: started!, repository, signal: stop.signal, clock: { now: () => new Date() } });
      await readStarted;
      stop.abort(new Error('cancel requested'));
      const outcome = await Promise.race([
        listing.then(
          () => 'listed',
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
        new Promise((resolve) => setTimeout(() => resolve('still reading after 2 s'), 2_000)),
      ]);
      expect(outcome).toBe('cancel requested');
      expect(await chunksOf(job.id)).toBe(0);
    } finally {
      if (readSelection !== undefined) Object.defineProperty(PropertyCatalog.prototype, 'readSelection', readSelection);
      await api.service.cancelJob(job.id).catch(() => undefined);
    }
  });
});

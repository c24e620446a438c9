import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, PropertyExtractor, loadPropertiesCsv, noopLogger } from '@phx/core';
import type { Property, PropertyOutcome } from '@phx/core';
import { BrowserPool, ZillowScraper, createScraperKit } from '@phx/scrapers';
import { REPLAY_POLITENESS_OPTIONS, installReplayRoutes } from '@phx/scrapers/internal';
import type { ScraperKit } from '@phx/scrapers';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { sampleJob, withProperties, sampleOutcome } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));

/** One request for the intercepted page: when it came, and when its answer went out. */
interface Hit {
  readonly at: number;
}

/**
 * Replays the saved pages through Playwright's routing, as the scraper kit does, with the
 * answers of one listing page taken over by `answer` (hit 1, 2, …); every hit is noted.
 */
function interceptedZillow(
  kit: ScraperKit,
  url: string,
  answer: (route: Route, hit: number) => Promise<void>,
): { scraper: ZillowScraper; pool: BrowserPool; hits: Hit[] } {
  const hits: Hit[] = [];
  const archive = kit.archive;
  if (archive === null) throw new Error('the kit is not in replay mode');
  const pool = new BrowserPool({
    setupContext: async (context: BrowserContext) => {
      await installReplayRoutes(context, archive);
      await context.route(url, (route) => {
        hits.push({ at: Date.now() });
        return answer(route, hits.length);
      });
    },
  });
  // The page scraper's own guard does not wait out Retry-After longer than 1 s: the job layer must.
  const scraper = new ZillowScraper({
    pool,
    fetchMode: 'browser', // the 429s are answered by Chromium's routes above
    politeness: { maxBackoffMs: 1_000 },
    politenessDefaults: REPLAY_POLITENESS_OPTIONS,
    settleMs: 500,
  });
  return { scraper, pool, hits };
}

const tooMany = (retryAfterSeconds: number) => (route: Route) =>
  route.fulfill({
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    contentType: 'text/plain',
    body: 'Too many requests',
  });

describe('Retry-After through the job layer (replayed pages answering 429, real photos, MongoDB)', () => {
  let tdb: TestDatabase;
  let imagesDir: string;
  let kit: ScraperKit;
  let repository: JobRepository;
  let photos: MongoPhotoRepository;
  let chicago: Property;
  let garwood: Property;
  const pools: BrowserPool[] = [];

  beforeAll(async () => {
    tdb = await openTestDatabase('retryafter');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-retryafter-'));
    kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: FIXTURES_DIR } });
    photos = new MongoPhotoRepository({ db: tdb.db });
    repository = new JobRepository({ db: tdb.db });
    await Promise.all([photos.ensureIndexes(), repository.ensureIndexes()]);
    const all = await loadPropertiesCsv(SAMPLE_CSV);
    chicago = all.find((p) => p.address.includes('Chicago')) as Property;
    garwood = all.find((p) => p.address.includes('Garwood')) as Property;
  });
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await kit.close();
    await tdb.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  async function run(
    scraper: ZillowScraper,
    settings: { propertyConcurrency: number; propertyMaxDeferMs: number },
    earlier: Partial<StoredExtractionJob> & { readonly outcomes?: readonly PropertyOutcome[] } = {},
  ): Promise<StoredExtractionJob> {
    const extractor = new PropertyExtractor({
      scrapers: { zillow: scraper },
      fetcher: kit.fetcher,
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
      logger: noopLogger,
    });
    const properties = [chicago, garwood];
    const { outcomes = [], ...fields } = earlier;
    const created = await repository.create(
      ...withProperties(sampleJob(2, { properties, sources: ['zillow'], totalProperties: 2, ...fields })),
    );
    // What an earlier run of the job stored: its outcomes, by position.
    await repository.properties.recordOutcomes(
      created.id,
      outcomes.map((outcome) => ({ index: properties.findIndex((p) => p.id === outcome.propertyId), outcome })),
      new Date(),
    );
    // PROPERTY_MAX_ATTEMPTS and the backoff at their defaults (3 attempts, first retry after about 1 s).
    return runExtractionJobNow(created.id, { repository, extractor, cancelPollIntervalMs: 100, progressWriteIntervalMs: 100, ...settings });
  }

  it('defers a page asking for 600 s when the job may wait 10 s: not retried, deferred with retryAt, the job completed', async () => {
    const { scraper, pool, hits } = interceptedZillow(kit, chicago.listingUrls.zillow ?? '', tooMany(600));
    pools.push(pool);
    const job = await run(scraper, { propertyConcurrency: 2, propertyMaxDeferMs: 10_000 });

    const answeredAt = hits[0]?.at ?? 0;
    expect(hits).toHaveLength(1);
    const outcome = (await outcomesOf(tdb.db, job.id)).find((o) => o.propertyId === chicago.id);
    expect(outcome).toMatchObject({ status: 'deferred', photosFound: 0, newImages: 0 });
    expect(outcome?.failures.map((f) => [f.code, f.kind, f.retryAfterMs])).toEqual([['NAVIGATION_FAILED', 'transient', 600_000]]);
    const retryAt = outcome?.retryAt?.getTime() ?? 0;
    expect(retryAt).toBeGreaterThanOrEqual(answeredAt + 600_000);
    expect(retryAt).toBeLessThan(answeredAt + 660_000);
    expect((await outcomesOf(tdb.db, job.id)).find((o) => o.propertyId === garwood.id)?.status).toBe('completed');
    expect(job).toMatchObject({
      status: 'completed',
      errorMessage: null,
      completedProperties: 1,
      deferredProperties: 1,
      failedProperties: 0,
      failedPropertiesList: [],
    });
    const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }]);
    const finished = events.filter((e) => e.kind === 'property-finished').map((e) => [e.address, e.propertyStatus]);
    expect(finished).toEqual(
      expect.arrayContaining([
        [chicago.address, 'deferred'],
        [garwood.address, 'completed'],
      ]),
    );
    expect(events.at(-1)?.counters).toMatchObject({ deferredProperties: 1, completedProperties: 1, failedProperties: 0 });
  }, 180_000);

  it('waits out a page asking for 3 s within the job, the other property going on in the one slot meanwhile, then completes it', async () => {
    const { scraper, pool, hits } = interceptedZillow(kit, chicago.listingUrls.zillow ?? '', (route, hit) =>
      hit === 1 ? tooMany(3)(route) : route.fallback(),
    );
    pools.push(pool);
    // One property at a time: Garwood can only run while Chicago waits if the wait gives up its slot.
    const job = await run(scraper, { propertyConcurrency: 1, propertyMaxDeferMs: 10_000 });

    expect(hits).toHaveLength(2);
    const [first, second] = hits as [Hit, Hit];
    expect(second.at - first.at).toBeGreaterThanOrEqual(3_000);
    const events = await new JobEventLog({ db: tdb.db }).readAfter([{ jobId: job.id, seq: 0 }]);
    const garwoodFinished = events.find((e) => e.kind === 'property-finished' && e.propertyId === garwood.id);
    expect(garwoodFinished?.propertyStatus).toBe('completed');
    expect(garwoodFinished?.at.getTime()).toBeLessThan(second.at);
    expect(garwoodFinished?.at.getTime()).toBeGreaterThan(first.at);
    expect((await outcomesOf(tdb.db, job.id)).find((o) => o.propertyId === chicago.id)).toMatchObject({
      status: 'completed',
      failures: [],
    });
    expect(job).toMatchObject({ status: 'completed', completedProperties: 2, deferredProperties: 0, failedProperties: 0 });
  }, 180_000);

  it('redoes a property an earlier run deferred once its retryAt has passed, and leaves it deferred, unasked, while it has not', async () => {
    const { scraper, pool, hits } = interceptedZillow(kit, chicago.listingUrls.zillow ?? '', (route) => route.fallback());
    pools.push(pool);
    const garwoodDone = { ...sampleOutcome(garwood, 'completed', 5), sourcesRead: ['zillow' as const] };
    const deferredUntil = (retryAt: Date): Partial<StoredExtractionJob> & { outcomes: readonly PropertyOutcome[] } => ({
      outcomes: [garwoodDone, { ...sampleOutcome(chicago, 'failed'), status: 'deferred', retryAt }],
      completedProperties: 1,
      deferredProperties: 1,
    });

    const stillWaiting = new Date(Date.now() + 600_000);
    const kept = await run(scraper, { propertyConcurrency: 2, propertyMaxDeferMs: 10_000 }, deferredUntil(stillWaiting));
    expect(hits).toHaveLength(0);
    expect((await outcomesOf(tdb.db, kept.id)).find((o) => o.propertyId === chicago.id)).toMatchObject({
      status: 'deferred',
      retryAt: stillWaiting,
    });
    expect(kept).toMatchObject({ status: 'completed', completedProperties: 1, deferredProperties: 1, failedProperties: 0 });

    const redone = await run(scraper, { propertyConcurrency: 2, propertyMaxDeferMs: 10_000 }, deferredUntil(new Date(Date.now() - 1_000)));
    expect(hits).toHaveLength(1);
    expect((await outcomesOf(tdb.db, redone.id)).find((o) => o.propertyId === chicago.id)).toMatchObject({
      status: 'completed',
      failures: [],
    });
    expect((await outcomesOf(tdb.db, redone.id)).filter((o) => o.propertyId === chicago.id)).toHaveLength(1);
    expect(redone).toMatchObject({ status: 'completed', completedProperties: 2, deferredProperties: 0, failedProperties: 0 });
  }, 180_000);
});

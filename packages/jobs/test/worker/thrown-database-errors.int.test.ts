import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, MongoInvalidArgumentError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, InvalidInputError, MANIFEST_FILE_NAME, PropertyExtractor, newJobId, noopLogger } from '@phx/core';
import type { ExtractionEvent, LogContext, Logger, Property, RemovedPhotosQuery } from '@phx/core';
import { DEFAULT_PROPERTY_RETRY_SETTINGS, RetryingPropertyExtractor } from '../../src/worker/retrying-property-extractor.js';
import type { PropertyRetrySettings } from '../../src/worker/retrying-property-extractor.js';
import type { DatabaseProbe } from '../../src/worker/database-health.js';
import { JobPhotoCensus } from '../../src/worker/job-photo-census.js';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { FixturePhotoFetcher, FixturePhotoScraper } from '../support/fixture-photos.js';
import { fixturePropertyExtractor, testProperty, zillowGallery } from '../support/job-harness.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';

/** Per property: Zillow 8 photos, Redfin 5 of which 1 is Zillow's again. */
const CLEAN = { newImages: 12, duplicateImages: 1, unchangedImages: 0 };

/** A server nothing listens on (port 1, tcpmux): a client of it meets the driver's real `connect ECONNREFUSED`. */
const DEAD_HOST = '127.0.0.1:1';

/** One logged line, with the bindings of the logger that wrote it. */
interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly context: LogContext;
  readonly message: string;
}

function recordingLogger(lines: LogLine[], bindings: LogContext = {}): Logger {
  const at =
    (level: LogLine['level']) =>
    (context: LogContext, message: string): void =>
      void lines.push({ level, context: { ...bindings, ...context }, message });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

/** The real photo repository, but for `markRemoved` calls that throw what the test queued (then it works again). */
class CutOffRepository extends MongoPhotoRepository {
  markRemovedCalls = 0;
  readonly throwing: (() => Promise<never>)[] = [];

  override async markRemoved(query: RemovedPhotosQuery): Promise<number> {
    this.markRemovedCalls += 1;
    const fail = this.throwing.shift();
    if (fail !== undefined) await fail();
    return super.markRemoved(query);
  }
}

/** A probe that says the database is down until `waitUntilUp`, which answers `back`. */
function outage(back: boolean): DatabaseProbe & { pings: number; waits: number } {
  const probe = {
    pings: 0,
    waits: 0,
    up: false,
    async isUp() {
      probe.pings += 1;
      return probe.up;
    },
    async waitUntilUp() {
      probe.waits += 1;
      probe.up = back;
      return back;
    },
  };
  return probe;
}

const answering = (): DatabaseProbe & { pings: number; waits: number } => {
  const probe = {
    pings: 0,
    waits: 0,
    async isUp() {
      probe.pings += 1;
      return true;
    },
    async waitUntilUp() {
      probe.waits += 1;
      return true;
    },
  };
  return probe;
};

describe('a database error thrown out of a property attempt (not an outcome) on a real MongoDB', () => {
  let tdb: TestDatabase;
  let jobs: JobRepository;
  let photos: CutOffRepository;
  let imagesDir: string;

  beforeAll(async () => {
    tdb = await openTestDatabase('thrown-db-errors');
    jobs = new JobRepository({ db: tdb.db });
    photos = new CutOffRepository({ db: tdb.db });
    await Promise.all([jobs.ensureIndexes(), photos.ensureIndexes()]);
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-thrown-db-'));
  });
  afterAll(async () => {
    await tdb?.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  /** Queues a `markRemoved` that throws the driver's real error of a server that refuses connections. */
  const refusedConnection = (): void =>
    void photos.throwing.push(async () => {
      // A client per call: one whose first connection failed closes its topology.
      const dead = new MongoClient(`mongodb://${DEAD_HOST}/`, { serverSelectionTimeoutMS: 300 });
      try {
        await dead
          .db('phx')
          .collection('photos_0000')
          .updateMany({}, { $set: { removedAt: new Date() } });
      } finally {
        await dead.close();
      }
      throw new Error('unreachable: the dead server answered');
    });

  function extractorOf(health: DatabaseProbe, retry: Partial<PropertyRetrySettings>, logger: Logger) {
    const inner = fixturePropertyExtractor(photos, imagesDir);
    return new RetryingPropertyExtractor({
      inner,
      retry: { ...DEFAULT_PROPERTY_RETRY_SETTINGS, initialBackoffMs: 10, maxBackoffMs: 20, ...retry },
      health,
      census: new JobPhotoCensus({ db: tdb.db }),
      resumed: false,
      announcedPhotos: null,
      logger,
    });
  }

  async function extract(property: Property, retrying: RetryingPropertyExtractor) {
    const events: ExtractionEvent[] = [];
    const onEvent = (event: ExtractionEvent): void => void events.push(event);
    const outcome = await retrying.extractProperty(property, { sources: ['zillow', 'redfin'], dryRun: false, jobId: newJobId(), onEvent });
    return { outcome, finished: events.filter((e) => e.type === 'property-finished') };
  }

  const hasManifest = (property: Property): Promise<boolean> =>
    access(join(imagesDir, property.id, MANIFEST_FILE_NAME)).then(
      () => true,
      () => false,
    );

  it('markRemoved refused while MongoDB is down: waits for it, redoes the property (no attempt counted), ends with its real outcome and manifest', async () => {
    const property = testProperty(11);
    const health = outage(true);
    const lines: LogLine[] = [];
    photos.markRemovedCalls = 0;
    refusedConnection();
    const { outcome, finished } = await extract(property, extractorOf(health, { maxAttempts: 1 }, recordingLogger(lines)));

    expect([health.pings, health.waits, photos.markRemovedCalls]).toEqual([1, 1, 2]);
    const { newImages, duplicateImages, unchangedImages } = CLEAN;
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 13, newImages, duplicateImages, unchangedImages, failures: [] });
    expect(finished).toEqual([{ type: 'property-finished', outcome }]);
    expect(await hasManifest(property)).toBe(true);
    const thrown = lines.find(
      (l) => l.level === 'warn' && l.context['propertyId'] === property.id && /ECONNREFUSED/.test(String(l.context['err'])),
    );
    expect(thrown, JSON.stringify(lines)).toBeDefined();
  });

  it('markRemoved refused while MongoDB stays down past the outage wait: failed with DATABASE_UNAVAILABLE (transient), logged', async () => {
    const property = testProperty(12);
    const health = outage(false);
    const lines: LogLine[] = [];
    refusedConnection();
    const { outcome, finished } = await extract(
      property,
      extractorOf(health, { maxAttempts: 1, databaseOutageWaitMs: 1_234 }, recordingLogger(lines)),
    );

    expect([health.pings, health.waits]).toEqual([1, 1]);
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]).toMatchObject({ source: null, url: null, code: 'DATABASE_UNAVAILABLE', kind: 'transient' });
    expect(outcome.failures[0]?.message).toMatch(/1234 ms/);
    expect(outcome.failures[0]?.message).toContain(`connect ECONNREFUSED ${DEAD_HOST}`);
    expect(finished).toEqual([{ type: 'property-finished', outcome }]);
    const logged = lines.find(
      (l) => l.level === 'error' && l.context['propertyId'] === property.id && l.context['code'] === 'DATABASE_UNAVAILABLE',
    );
    expect(logged, JSON.stringify(lines)).toBeDefined();
  });

  it('a connection error thrown while MongoDB answers again (a blip) is retried as a transient failure, counting an attempt', async () => {
    const property = testProperty(13);
    const health = answering();
    photos.markRemovedCalls = 0;
    refusedConnection();
    const { outcome } = await extract(property, extractorOf(health, { maxAttempts: 2 }, noopLogger));

    expect([health.waits, photos.markRemovedCalls]).toEqual([0, 2]);
    const { newImages, duplicateImages, unchangedImages } = CLEAN;
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 13, newImages, duplicateImages, unchangedImages, failures: [] });
    expect(await hasManifest(property)).toBe(true);
  });

  it('a write refused for its size and invalid input stay permanent: thrown at once, no wait, no retry, even while MongoDB is down', async () => {
    const health = outage(true);
    photos.markRemovedCalls = 0;
    photos.throwing.push(async () => {
      throw new MongoInvalidArgumentError('Document is larger than the maximum size 16777216');
    });
    const retrying = extractorOf(health, { maxAttempts: 3 }, noopLogger);
    await expect(extract(testProperty(14), retrying)).rejects.toThrow(/larger than the maximum size/);
    await expect(extract({ ...testProperty(15), address: '' }, retrying)).rejects.toBeInstanceOf(InvalidInputError);
    expect([health.waits, photos.markRemovedCalls]).toEqual([0, 1]);
  });

  it('a property whose attempt throws is recorded failed by the run and leaves a log line naming it and the error', async () => {
    const property = testProperty(16);
    const lines: LogLine[] = [];
    photos.throwing.push(async () => {
      throw new MongoInvalidArgumentError('Document is larger than the maximum size 16777216');
    });
    const extractor = new PropertyExtractor({
      scrapers: { zillow: new FixturePhotoScraper('zillow', { gallery: zillowGallery }) },
      fetcher: new FixturePhotoFetcher(),
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
    });
    const job = await jobs.create(...withProperties(sampleJob(1, { properties: [property], sources: ['zillow'] })));
    const final = await runExtractionJobNow(job.id, { repository: jobs, extractor, logger: recordingLogger(lines) });

    expect(final.failedProperties).toBe(1);
    const [stored] = await outcomesOf(tdb.db, final.id);
    expect(stored?.failures[0]?.message).toMatch(/larger than the maximum size/);
    const logged = lines.find(
      (l) =>
        (l.level === 'warn' || l.level === 'error') &&
        l.context['propertyId'] === property.id &&
        /larger than the maximum size/.test(String(l.context['error'])),
    );
    expect(logged, JSON.stringify(lines.filter((l) => l.level !== 'debug'))).toBeDefined();
  });
});

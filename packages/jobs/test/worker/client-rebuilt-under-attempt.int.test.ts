import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, newJobId, noopLogger } from '@phx/core';
import type { ExtractionEvent, PhotoObservation, Property, RemovedPhotosQuery } from '@phx/core';
import { DEFAULT_PROPERTY_RETRY_SETTINGS, RetryingPropertyExtractor } from '../../src/worker/retrying-property-extractor.js';
import { DatabaseHealth } from '../../src/worker/database-health.js';
import { JobPhotoCensus } from '../../src/worker/job-photo-census.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { fixturePropertyExtractor, testProperty } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** Per property: Zillow 8 photos, Redfin 5 of which 1 is Zillow's again. */
const CLEAN = { photosFound: 13, newImages: 12, duplicateImages: 1, unchangedImages: 0 };

/**
 * The real photo repository on the "app's" own client, whose chosen call has the client rebuilt under it as the
 * database watchdog rebuilds it (`close(true)`, then `connect()`) while the call is in flight: the call meets the
 * driver's real error of a client closed under it.
 */
class RebuiltUnderRepository extends MongoPhotoRepository {
  rebuildAt: 'recordPhoto' | 'markRemoved' | null = null;
  /** Aborted just before the rebuild (a stopping worker closes its client after aborting its runs). */
  abortFirst: AbortController | null = null;
  rebuilds = 0;
  readonly errors: string[] = [];

  constructor(
    db: Db,
    private readonly rebuild: () => Promise<void>,
  ) {
    super({ db });
  }

  override async recordPhoto(observation: PhotoObservation): Promise<{ readonly created: boolean }> {
    return this.underRebuild('recordPhoto', () => super.recordPhoto(observation));
  }

  override async markRemoved(query: RemovedPhotosQuery): Promise<number> {
    // A property with no photo gone makes no markRemoved call to MongoDB: a read of its records stands in under the rebuild.
    return this.underRebuild('markRemoved', async () => {
      await super.listPhotos(query.propertyId);
      return super.markRemoved(query);
    });
  }

  private async underRebuild<T>(at: 'recordPhoto' | 'markRemoved', call: () => Promise<T>): Promise<T> {
    if (this.rebuildAt !== at) return call();
    this.rebuildAt = null;
    this.abortFirst?.abort();
    const inFlight = call().catch((error: unknown) => {
      this.errors.push(String(error));
      throw error;
    });
    // Handled at once: the call may fail while the rebuild is under way.
    const settled = inFlight.then(
      () => null,
      () => null,
    );
    this.rebuilds += 1;
    await this.rebuild();
    await settled;
    return inFlight;
  }
}

describe('the database client rebuilt under a property attempt (the watchdog after an outage), real MongoDB', () => {
  let tdb: TestDatabase;
  let appDb: Db;
  let photos: RebuiltUnderRepository;
  let imagesDir: string;

  beforeAll(async () => {
    tdb = await openTestDatabase('client-rebuilt');
    appDb = await tdb.connectAgain();
    const client = appDb.client;
    photos = new RebuiltUnderRepository(appDb, async () => {
      await client.close(true);
      await client.connect();
    });
    await Promise.all([new JobRepository({ db: appDb }).ensureIndexes(), photos.ensureIndexes()]);
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-client-rebuilt-'));
  });
  afterAll(async () => {
    await tdb?.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  function retryingExtractor(maxAttempts: number): RetryingPropertyExtractor {
    const inner = fixturePropertyExtractor(photos, imagesDir);
    return new RetryingPropertyExtractor({
      inner,
      retry: { ...DEFAULT_PROPERTY_RETRY_SETTINGS, initialBackoffMs: 10, maxBackoffMs: 20, maxAttempts },
      health: new DatabaseHealth({ db: appDb }),
      census: new JobPhotoCensus({ db: appDb }),
      resumed: false,
      announcedPhotos: null,
      logger: noopLogger,
    });
  }

  async function extract(property: Property, retrying: RetryingPropertyExtractor, signal?: AbortSignal) {
    const events: ExtractionEvent[] = [];
    const onEvent = (event: ExtractionEvent): void => void events.push(event);
    const outcome = await retrying.extractProperty(property, {
      sources: ['zillow', 'redfin'],
      dryRun: false,
      jobId: newJobId(),
      onEvent,
      ...(signal === undefined ? {} : { signal }),
    });
    return { outcome, finished: events.filter((e) => e.type === 'property-finished') };
  }

  it('a photo write failed by the rebuild (a failed outcome) is redone without counting an attempt: completes with 1 attempt allowed', async () => {
    photos.rebuildAt = 'recordPhoto';
    photos.errors.length = 0;
    const { outcome, finished } = await extract(testProperty(16), retryingExtractor(1));

    expect(photos.rebuilds).toBe(1);
    expect(photos.errors.join('\n')).toMatch(/closed|ended|interrupted/i);
    expect(outcome).toMatchObject({ status: 'completed', ...CLEAN, failures: [] });
    expect(finished).toEqual([{ type: 'property-finished', outcome }]);
  });

  it('a database call thrown out of the attempt by the rebuild is redone without counting an attempt', async () => {
    photos.rebuildAt = 'markRemoved';
    photos.errors.length = 0;
    const before = photos.rebuilds;
    const { outcome } = await extract(testProperty(17), retryingExtractor(1));

    expect(photos.rebuilds - before).toBe(1);
    expect(photos.errors.join('\n')).toMatch(/closed|ended|interrupted/i);
    expect(outcome).toMatchObject({ status: 'completed', ...CLEAN, failures: [] });
  });

  it('a client closed under the attempt of a stopping run (signal aborted) is a cancellation, not a redo', async () => {
    photos.rebuildAt = 'recordPhoto';
    const stop = new AbortController();
    photos.abortFirst = stop;
    const attempts: ExtractionEvent[] = [];
    const retrying = retryingExtractor(3);
    try {
      const extraction = retrying.extractProperty(testProperty(18), {
        sources: ['zillow', 'redfin'],
        dryRun: false,
        jobId: newJobId(),
        signal: stop.signal,
        onEvent: (event) => void (event.type === 'property-started' && attempts.push(event)),
      });
      await expect(extraction).rejects.toBeInstanceOf(CancelledError);
    } finally {
      photos.abortFirst = null;
    }
    expect(attempts).toHaveLength(1);
  });
});

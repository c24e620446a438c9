import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { BSON } from 'mongodb';
import {
  CoreError,
  FileImageStore,
  InputTooLongError,
  MAX_ADDRESS_LENGTH,
  MAX_LISTING_URL_LENGTH,
  MAX_PROPERTY_LABELS,
  PropertyExtractor,
  ZERO_OUTCOME_COUNTS,
  pickCounters,
  toPropertyId,
} from '@phx/core';
import type {
  FetchedPhoto,
  ListingPhotos,
  PhotoFetcher,
  PhotoFetchRequest,
  PhotoScraper,
  Property,
  PropertyOutcome,
  ScrapeRequest,
  Source,
} from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { ApiKeyRepository } from '../../src/api-keys/api-key-repository.js';
import { MAX_API_KEY_NAME_LENGTH } from '../../src/api-keys/api-key.js';
import { PropertyCatalog } from '../../src/catalog/property-catalog.js';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { CancelRequests } from '../../src/repository/cancel-requests.js';
import {
  documentBoundOf,
  MAX_DOCUMENT_BYTES,
  MAX_PROPERTY_LIST_DOCUMENT_BYTES,
  MONGODB_MAX_DOCUMENT_BYTES,
} from '../../src/repository/document-bounds.js';
import { JOB_PROPERTY_CHUNK_SIZE } from '../../src/repository/job-property-store.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { MAX_SCHEDULE_PROPERTIES, ScheduleService } from '../../src/schedules/schedule-service.js';
import { ScheduleRepository } from '../../src/schedules/schedule-repository.js';
import type { ScheduleId } from '../../src/schedules/schedule.js';
import { JobService } from '../../src/service/job-service.js';
import { GridFsImageStore } from '../../src/store/gridfs-image-store.js';
import { defineExtractImagesJob } from '../../src/worker/extract-images.job.js';
import { WorkerRegistry } from '../../src/workers/worker-registry.js';
import { HOUSE_PHOTOS_DIR, housePhotos } from '../support/fixture-photos.js';
import { startApi } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';
import type { TestDatabase } from '../support/test-database.js';

/** One UTF-16 unit, three UTF-8 bytes: the most bytes a string of a given length can take in BSON. */
const WIDE = '€';
/** A text far longer than any stored text may be (3 MB; shared, so many of them cost one string). */
const HUGE = WIDE.repeat(1_000_000);
/** A text five times longer than any stored text may be (30 KB). */
const LONG = WIDE.repeat(10_000);

/** The longest accepted address, at 3 bytes a character; its property id is `<n>`. */
function worstAddress(n: number): string {
  const head = `${n} `;
  return `${head}${WIDE.repeat(MAX_ADDRESS_LENGTH - head.length)}`;
}

/** The longest accepted listing URL of a source, at 3 bytes a character but its frame. */
function worstListingUrl(source: Source, n: number): string {
  const [start, end] =
    source === 'zillow' ? ['https://www.zillow.com/homedetails/', `/${n}_zpid/`] : ['https://www.redfin.com/AZ/Phoenix/', `/home/${n}`];
  return `${start}${WIDE.repeat(MAX_LISTING_URL_LENGTH - start.length - end.length)}${end}`;
}

/** The largest property every door accepts. */
function worstProperty(n: number): Property {
  const address = worstAddress(n);
  return {
    id: toPropertyId(address),
    address,
    listingUrls: { zillow: worstListingUrl('zillow', n), redfin: worstListingUrl('redfin', n) },
  };
}

/** Photo URL of a fixture file behind a path far longer than any stored URL. */
const photoUrl = (file: string): string => `https://photos.test/${'p'.repeat(20_000)}/${file}`;
const FAILING_PHOTOS = 120;

/** A site as bad as sites get: every text enormous, 120 photos that all fail with enormous messages, 4 that load. */
class WorstSite implements PhotoScraper {
  constructor(readonly source: Source) {}

  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    if (this.source === 'redfin') throw new CoreError('PHOTO_DATA_MISSING', `No photo data: ${HUGE}`, 'permanent');
    const good = housePhotos(1).map((file, i) => ({ file, i }));
    const bad = Array.from({ length: FAILING_PHOTOS }, (_, i) => ({ file: `missing-${i}.jpg`, i: i + good.length }));
    return {
      source: this.source,
      listingUrl: request.listingUrl ?? 'https://www.zillow.com/',
      photos: [...good, ...bad].map(({ file, i }) => ({
        photoId: `${file}${'i'.repeat(50_000)}`,
        url: photoUrl(file),
        widthPx: null,
        heightPx: null,
        caption: `${i} ${HUGE}`,
        variants: [],
      })),
    };
  }

  async releaseProperty(): Promise<void> {}
}

/** Serves the fixture photos with an enormous ETag; every `missing-*` photo fails with an enormous message. */
class WorstPhotoHost implements PhotoFetcher {
  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    const file = basename(new URL(request.url).pathname);
    if (file.startsWith('missing-')) throw new CoreError('DOWNLOAD_FAILED', `Photo ${request.url} failed: ${HUGE}`, 'permanent');
    const bytes = await readFile(join(HOUSE_PHOTOS_DIR, file));
    return { url: request.url, bytes, contentType: 'image/jpeg', etag: `"${'e'.repeat(100_000)}"`, lastModified: null };
  }
}

/** An outcome as bad as a property can end: hundreds of failures, every text far too long (24 MB of them). */
function worstOutcome(property: Property): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status: 'failed',
    ...ZERO_OUTCOME_COUNTS,
    sourcesRead: [],
    fetchModes: [],
    skippedSources: [
      { source: 'zillow', reason: HUGE },
      { source: 'redfin', reason: HUGE },
    ],
    failures: Array.from({ length: 200 }, () => ({ source: 'zillow' as const, url: LONG, code: LONG, message: LONG })),
  };
}

const rejection = async (work: () => Promise<unknown>): Promise<unknown> =>
  work().then(
    () => null,
    (e: unknown) => e,
  );

describe('no document the project writes exceeds the bound it states, whatever the job (real FerretDB, which would store them)', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;
  let repository: JobRepository;
  let imagesDir: string;
  let bigJobId = '';

  beforeAll(async () => {
    tdb = await openTestDatabase('docbound');
    agenda = await createAgenda({ db: tdb.db, name: 'docbound-worker', processEveryMs: 100 });
    service = new JobService({ db: tdb.db, agenda });
    await service.ensureIndexes();
    repository = new JobRepository({ db: tdb.db });
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-docbound-'));
  });
  afterAll(async () => {
    await agenda.stop(false);
    await rm(imagesDir, { recursive: true, force: true });
    await tdb.close();
  });

  it('a worker run on the worst site the caps allow writes job, outcome, event and photo documents within their bounds', async () => {
    const photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    const extractor = new PropertyExtractor({
      scrapers: { zillow: new WorstSite('zillow'), redfin: new WorstSite('redfin') },
      fetcher: new WorstPhotoHost(),
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
    });
    defineExtractImagesJob(agenda, {
      repository,
      extractor,
      workerName: 'w'.repeat(255),
      cancelPollIntervalMs: 100,
      progressWriteIntervalMs: 50,
      propertyMaxAttempts: 1,
    });
    await agenda.start();
    const job = await service.enqueueExtraction({ properties: [worstProperty(1), worstProperty(2)], sources: ['zillow', 'redfin'] });
    const deadline = Date.now() + 60_000;
    let ended = await service.getJob(job.id);
    while (ended?.status !== 'failed' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ended = await service.getJob(job.id);
    }
    await agenda.stop(false);
    expect(ended).toMatchObject({ status: 'failed', failedProperties: 2, totalImages: 8 });

    const [outcome] = await repository.properties.outcomes(job.id, 1);
    expect(outcome?.outcome.failures).toHaveLength(50);
    expect(outcome?.outcome.failures.at(-1)?.code).toBe('MORE_FAILURES');
    const record = await tdb.db.collection(photoCollectionName(worstProperty(1).id)).findOne({});
    expect(record?.['urls'][0]).toHaveLength(2048);
  }, 120_000);

  it('the job, its property list and its outcomes stay within their bounds at the worst sizes, for a job of any length', async () => {
    const properties = Array.from({ length: 2 * JOB_PROPERTY_CHUNK_SIZE }, (_, i) => worstProperty(i + 1));
    const job = await service.enqueueExtraction({ properties, sources: ['zillow', 'redfin'], dryRun: true });
    bigJobId = job.id;
    // As a worker writes it: every one of 50,000 properties failed, the failed list given in full, the longest message.
    await repository.startRun(job.id, { runNumber: 1, workerName: 'w', now: new Date() });
    const failedPropertiesList = Array.from({ length: 50_000 }, (_, i) => worstAddress(i));
    const counters = { totalProperties: 50_000, completedProperties: 0, failedProperties: 50_000 };
    expect(await repository.saveProgress(job.id, 1, { ...job, ...counters, failedPropertiesList }, new Date())).toBe(true);
    const outcomes = properties.slice(0, 20).map((p, index) => ({ index, outcome: worstOutcome(p) }));
    await repository.properties.recordOutcomes(job.id, outcomes, new Date());
    const end = {
      status: 'failed' as const,
      errorMessage: HUGE,
      progress: { ...job, ...counters, failedPropertiesList },
      cancelRequestedAt: null,
    };
    expect(await repository.endRun(job.id, 1, end, new Date())).toMatchObject({ status: 'failed' });

    const unbounded = { _id: 'x', outcome: worstOutcome(properties[0]!) };
    // Without the caps, one such outcome would be refused by MongoDB (FerretDB stores it).
    expect(BSON.calculateObjectSize(unbounded)).toBeGreaterThan(MONGODB_MAX_DOCUMENT_BYTES);
    const jobDoc = await tdb.db.collection('extraction_jobs').findOne({ _id: job.id as never });
    expect(BSON.calculateObjectSize(jobDoc ?? {})).toBeLessThanOrEqual(128 * 1024);
  }, 120_000);

  it('the event log, catalog, schedules, API keys, cancels, workers and GridFS files stay within their bounds', async () => {
    const jobId = bigJobId;
    await new JobEventLog({ db: tdb.db }).append(jobId, [
      {
        ...{ kind: 'photo-failed', status: 'in_progress', counters: pickCounters(await service.getJob(jobId)) },
        ...{ propertyId: '1', address: HUGE, source: 'zillow', photoId: HUGE, sha256: null, isNew: null },
        ...{ propertyStatus: null, missingPhotos: null, retryAt: null, error: { code: HUGE, message: HUGE, url: HUGE } },
      },
    ]);

    const catalog = new PropertyCatalog({ db: tdb.db });
    await catalog.ensureIndexes();
    const rows = Array.from({ length: 50 }, (_, i) => worstProperty(i + 1)).map(
      (p) => `${p.address},${p.listingUrls.zillow ?? ''},${p.listingUrls.redfin ?? ''}`,
    );
    const report = await catalog.importCsv(`address,zillow_url,redfin_url\n${rows.join('\n')}\n`, { label: 'l'.repeat(64) });
    expect(report).toMatchObject({ added: 50, invalid: [] });
    const labels = Array.from({ length: MAX_PROPERTY_LABELS - 1 }, (_, i) => `${i}${'l'.repeat(60)}`);
    await catalog.upsert([worstProperty(1)], labels);
    expect((await catalog.get('1'))?.labels).toHaveLength(MAX_PROPERTY_LABELS);

    const schedules = new ScheduleService({ db: tdb.db, agenda });
    await schedules.ensureIndexes();
    const scheduleProperties = Array.from({ length: MAX_SCHEDULE_PROPERTIES }, (_, i) => worstProperty(i + 1));
    const schedule = await schedules.createSchedule({
      name: 'n'.repeat(100),
      cron: '0 3 * * *',
      properties: scheduleProperties,
      paused: true,
    });
    const ticks = new ScheduleRepository({ db: tdb.db });
    const tick = {
      scheduleId: schedule.id as ScheduleId,
      tickAt: new Date(),
      outcome: 'failed' as const,
      jobId: null,
      previousJobId: null,
    };
    await ticks.claimTick({ ...tick, reason: HUGE, workerName: 'w', recordedAt: new Date(), claimedElsewhere: [] });
    await ticks.settleTick(tick.scheduleId, tick.tickAt, { outcome: 'failed', jobId: null, reason: HUGE });
    await ticks.addClaimedElsewhere(tick.scheduleId, tick.tickAt, { workerName: 'w2', firedAt: new Date() });

    await new ApiKeyRepository({ db: tdb.db }).create({ name: 'k'.repeat(MAX_API_KEY_NAME_LENGTH), role: 'admin' });
    await new CancelRequests({ db: tdb.db }).request(jobId, new Date());
    const now = new Date();
    await new WorkerRegistry({ db: tdb.db }).save({
      ...{ id: 'w', hostname: 'h'.repeat(255), pid: 1, startedAt: now, lastHeartbeatAt: now, heartbeatIntervalMs: 1000, concurrency: 64 },
      runningJobs: Array.from({ length: 64 }, () => ({ jobId, since: now })),
    });
    const store = new GridFsImageStore({ db: tdb.db });
    await store.ensureIndexes();
    await store.put(toPropertyId(`1 ${'a'.repeat(250)}`), `${'f'.repeat(64)}.jpg`, Buffer.alloc(600_000, 1));
  }, 120_000);

  it('reads every document of every collection back: each within the bound of its collection', async () => {
    const sizes: string[] = [];
    const over: string[] = [];
    const names = (await tdb.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    for (const name of names) {
      let largest = 0;
      for await (const doc of tdb.db.collection(name).find({})) {
        const bytes = BSON.calculateObjectSize(doc);
        largest = Math.max(largest, bytes);
        if (bytes > documentBoundOf(name)) over.push(`${name} ${String(doc['_id'])}: ${bytes} B > ${documentBoundOf(name)} B`);
      }
      sizes.push(`${name} ${largest} B`);
    }
    process.stdout.write(`largest document per collection: ${sizes.join(', ')}\n`);
    expect(over).toEqual([]);
    // Every writer above wrote (a collection missing here would mean a writer was not checked).
    for (const name of ['agendaJobs', 'api_keys', 'extraction_job_cancels', 'extraction_job_dedupe', 'extraction_job_outcomes']) {
      expect(names).toContain(name);
    }
    for (const name of ['extraction_job_properties', 'extraction_job_runs', 'extraction_jobs', 'extraction_schedule_tick_fires']) {
      expect(names).toContain(name);
    }
    for (const name of ['extraction_schedule_ticks', 'extraction_schedules', 'job_events', 'properties', 'workers']) {
      expect(names).toContain(name);
    }
    // The photo records: the partitions of the worker run's two properties, read above like every collection.
    for (const name of [1, 2].map((n) => photoCollectionName(worstProperty(n).id))) expect(names).toContain(name);
    expect(names.filter((n) => n.endsWith('.files') || n.endsWith('.chunks'))).toHaveLength(2);
    expect(MAX_DOCUMENT_BYTES).toBeLessThan(MAX_PROPERTY_LIST_DOCUMENT_BYTES);
    expect(MAX_PROPERTY_LIST_DOCUMENT_BYTES).toBeLessThan(MONGODB_MAX_DOCUMENT_BYTES);
  });
});

describe('inputs over a cap are refused with the field and the limit, before anything is written', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;

  beforeAll(async () => {
    tdb = await openTestDatabase('doccaps');
    ({ service, agenda } = await startApi(tdb.db));
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  it('enqueue: an address or a listing URL one character over', async () => {
    const p = worstProperty(1);
    const error = await rejection(() =>
      service.enqueueExtraction({
        properties: [{ ...p, address: `${p.address}x`, listingUrls: { zillow: `${p.listingUrls.zillow ?? ''}x` } }],
      }),
    );
    expect(error).toBeInstanceOf(InputTooLongError);
    expect((error as InputTooLongError).limits).toEqual([
      { path: 'properties.0.address', limit: MAX_ADDRESS_LENGTH, actual: MAX_ADDRESS_LENGTH + 1, unit: 'characters' },
      { path: 'properties.0.listingUrls.zillow', limit: MAX_LISTING_URL_LENGTH, actual: MAX_LISTING_URL_LENGTH + 1, unit: 'characters' },
    ]);
    expect(await tdb.db.collection('extraction_jobs').countDocuments()).toBe(0);
  });

  it('catalog: a listing URL over the cap, and a property given more than MAX_PROPERTY_LABELS labels', async () => {
    const catalog = new PropertyCatalog({ db: tdb.db });
    const url = `${worstListingUrl('zillow', 7)}x`;
    const byUrl = await rejection(() => catalog.select({ listingUrls: [url] }));
    expect((byUrl as InputTooLongError).limits).toEqual([{ path: 'url', limit: 2048, actual: 2049, unit: 'characters' }]);
    const tooMany = Array.from({ length: MAX_PROPERTY_LABELS + 1 }, (_, i) => `l${i}`);
    const given = await rejection(() => catalog.upsert([worstProperty(1)], tooMany));
    expect((given as InputTooLongError).limits).toEqual([{ path: 'labels', limit: 100, actual: 101, unit: 'items' }]);
    await catalog.upsert([worstProperty(1)], tooMany.slice(0, MAX_PROPERTY_LABELS));
    const added = await rejection(() => catalog.upsert([worstProperty(1)], ['one-more']));
    expect((added as InputTooLongError).limits).toEqual([{ path: '1.labels', limit: 100, actual: 101, unit: 'items' }]);
  });

  it('schedules: more than MAX_SCHEDULE_PROPERTIES named properties; API keys: a name over MAX_API_KEY_NAME_LENGTH', async () => {
    const schedules = new ScheduleService({ db: tdb.db, agenda });
    const properties = Array.from({ length: MAX_SCHEDULE_PROPERTIES + 1 }, (_, i) => worstProperty(i + 1));
    const error = await rejection(() => schedules.createSchedule({ name: 'big', cron: '0 3 * * *', properties }));
    expect((error as InputTooLongError).limits).toEqual([{ path: 'properties', limit: 500, actual: 501, unit: 'items' }]);
    const key = await rejection(() => new ApiKeyRepository({ db: tdb.db }).create({ name: 'k'.repeat(101), role: 'read' }));
    expect((key as InputTooLongError).limits).toEqual([{ path: 'name', limit: 100, actual: 101, unit: 'characters' }]);
    expect(await tdb.db.collection('extraction_schedules').countDocuments()).toBe(0);
    expect(await tdb.db.collection('api_keys').countDocuments()).toBe(0);
  });
});

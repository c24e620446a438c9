import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { FileImageStore, PropertyExtractor } from '@phx/core';
import type { PageFetchMode, PhotoRepository, Property } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { defineExtractImagesJob } from '../../src/worker/extract-images.job.js';
import type { ExtractImagesJobDeps, ExtractImagesJobHandle } from '../../src/worker/extract-images.job.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { JobService } from '../../src/service/job-service.js';
import { FixturePhotoFetcher, FixturePhotoScraper, housePhotos } from './fixture-photos.js';
import { sampleProperty } from './sample-jobs.js';

/** How the test worker's sites behave. */
export interface WorkerHarnessOptions {
  /** Worker name. */
  readonly name: string;
  /** Time to read one listing page, in ms. */
  readonly pageDelayMs?: number;
  /** Time to download one photo, in ms. */
  readonly photoDelayMs?: number;
  /** Photos of one property downloaded at once. */
  readonly photoConcurrency?: number;
  /** Properties whose pages have no photo data, per source. */
  readonly failing?: { readonly zillow?: ReadonlySet<string>; readonly redfin?: ReadonlySet<string> };
  /** Properties whose Zillow page never answers (until the run stops). */
  readonly hanging?: ReadonlySet<string>;
  /** What serves a page read in `auto` (or with no mode named), per source (see `FixturePhotoScraperOptions.autoServedBy`). */
  readonly autoServedBy?: { readonly zillow?: PageFetchMode; readonly redfin?: PageFetchMode };
  /** Overrides of the job settings. */
  readonly job?: Partial<Omit<ExtractImagesJobDeps, 'repository' | 'extractor'>>;
  /** The job repository the worker writes through; default a `JobRepository` on the test database. */
  readonly repository?: JobRepository;
}

/** A worker running in the test process: a real Agenda on the test database, core's extractor, fixture sites. */
export interface WorkerHarness {
  readonly agenda: Agenda;
  readonly handle: ExtractImagesJobHandle;
  readonly zillow: FixturePhotoScraper;
  readonly redfin: FixturePhotoScraper;
  readonly fetcher: FixturePhotoFetcher;
  readonly imagesDir: string;
  /** Stops the queue (lets running jobs go on, see `handBack`) and removes the image folder. */
  stop(): Promise<void>;
}

/**
 * Property `n` of the test: Zillow lists houses n and n+20 (8 photos), Redfin lists
 * house n's frontal photo again (a duplicate of Zillow's) plus house n+40 (5 photos).
 */
export function testProperty(n: number): Property {
  return sampleProperty(n);
}

const houseOf = (p: Property): number => Number(/^(\d+)-/.exec(p.id)?.[1] ?? '101') - 100;

/** Zillow gallery of a test property. */
export const zillowGallery = (p: Property): string[] => [...housePhotos(houseOf(p)), ...housePhotos(houseOf(p) + 20)];
/** Redfin gallery of a test property (its first photo is also on Zillow). */
export const redfinGallery = (p: Property): string[] => [housePhotos(houseOf(p))[2] ?? '', ...housePhotos(houseOf(p) + 40)];

/**
 * Core's real `PropertyExtractor` over the fixture galleries ({@link zillowGallery}, {@link redfinGallery}) and
 * house photos: files under `imagesDir` (no fsync), records in `repository`.
 *
 * @param repository - the photo records (borrowed)
 * @param imagesDir - root of the stored files
 * @returns the extractor of one property attempt
 */
export function fixturePropertyExtractor(repository: PhotoRepository, imagesDir: string): PropertyExtractor {
  return new PropertyExtractor({
    scrapers: {
      zillow: new FixturePhotoScraper('zillow', { gallery: zillowGallery }),
      redfin: new FixturePhotoScraper('redfin', { gallery: redfinGallery }),
    },
    fetcher: new FixturePhotoFetcher(),
    store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
    repository,
  });
}

/**
 * Starts a worker on `db`.
 *
 * @param db - the test database
 * @param options - behaviour of the sites and job settings
 */
export async function startWorker(db: Db, options: WorkerHarnessOptions): Promise<WorkerHarness> {
  const imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-images-'));
  const agenda = await createAgenda({ db, name: options.name, processEveryMs: 100, maxConcurrency: 3 });
  const photos = new MongoPhotoRepository({ db });
  await photos.ensureIndexes();
  const zillow = new FixturePhotoScraper('zillow', {
    gallery: zillowGallery,
    delayMs: options.pageDelayMs ?? 0,
    ...(options.failing?.zillow === undefined ? {} : { failing: options.failing.zillow }),
    ...(options.hanging === undefined ? {} : { hanging: options.hanging }),
    ...(options.autoServedBy?.zillow === undefined ? {} : { autoServedBy: options.autoServedBy.zillow }),
  });
  const redfin = new FixturePhotoScraper('redfin', {
    gallery: redfinGallery,
    delayMs: options.pageDelayMs ?? 0,
    ...(options.failing?.redfin === undefined ? {} : { failing: options.failing.redfin }),
    ...(options.autoServedBy?.redfin === undefined ? {} : { autoServedBy: options.autoServedBy.redfin }),
  });
  const fetcher = new FixturePhotoFetcher(options.photoDelayMs ?? 0);
  const extractor = new PropertyExtractor({
    scrapers: { zillow, redfin },
    fetcher,
    store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
    repository: photos,
    photoConcurrency: options.photoConcurrency ?? 4,
  });
  const handle = defineExtractImagesJob(agenda, {
    repository: options.repository ?? new JobRepository({ db }),
    extractor,
    workerName: options.name,
    cancelPollIntervalMs: 100,
    progressWriteIntervalMs: 100,
    ...options.job,
  });
  await agenda.start();
  return {
    agenda,
    handle,
    zillow,
    redfin,
    fetcher,
    imagesDir,
    async stop() {
      await agenda.stop(false);
      await rm(imagesDir, { recursive: true, force: true });
    },
  };
}

/** A job service on `db` with its own (never started) queue, as the API process has. */
export async function startApi(db: Db): Promise<{ readonly service: JobService; readonly agenda: Agenda }> {
  const agenda = await createAgenda({ db });
  const service = new JobService({ db, agenda, cancelWaitMs: 5_000, cancelPollIntervalMs: 50 });
  await service.ensureIndexes();
  return { service, agenda };
}

/**
 * Runs `body` with a started worker and stops the worker after it, whatever `body` did.
 *
 * @param worker - the worker being started (`startWorker(...)`)
 * @param body - what to do with it
 * @returns what `body` returned
 */
export async function withWorker<T>(worker: Promise<WorkerHarness>, body: (w: WorkerHarness) => Promise<T>): Promise<T> {
  const w = await worker;
  try {
    return await body(w);
  } finally {
    await w.stop();
  }
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadPropertiesCsv } from '@phx/core';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startChildService, type ChildService } from './support/child-service.js';
import { postGraphql } from './support/http-graphql.js';
import { recordSubscription, within } from './support/subscription-recorder.js';
import { openTestDatabase, type TestDatabase } from './support/test-database.js';

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_MAIN = join(WORKSPACE, 'apps/worker/dist/main.js');
const GRAPHQL_MAIN = join(WORKSPACE, 'apps/graphql/dist/main.js');
const APIKEY_MAIN = join(WORKSPACE, 'tools/dist/apikey/main.js');
const SAMPLE_CSV = join(WORKSPACE, 'tools/data/sample-properties.csv');
const EXTRACTION_TIMEOUT_MS = 240_000;

const COUNTERS =
  'id status totalProperties completedProperties partialProperties failedProperties totalImages newImages duplicateImages failedImages';
const ENQUEUE = `mutation { enqueueExtraction(input: { all: true }) { ${COUNTERS} } }`;
const PROGRESS = `subscription($jobId: ID!) { jobProgress(jobId: $jobId) { ${COUNTERS} progressUpdatedAt } }`;
const FINAL_JOB = `query($id: ID!) { job(id: $id) { ${COUNTERS} progressUpdatedAt errorMessage completedAt failedPropertiesList
  propertyOutcomes { propertyId address status photosFound newImages duplicateImages failedImages sourcesRead failures { code message } } } }`;
const PHOTOS = `query($propertyId: ID!) { photos(propertyId: $propertyId) { propertyId sha256 fileName location byteLength sources storedFiles variants { name fileName widthPx heightPx } } }`;
const IMAGES = `query($propertyId: ID!) { images(propertyId: $propertyId) { sha256 original { url contentType byteLength } web { url contentType byteLength } thumbnail { url contentType byteLength } } }`;

interface Counters {
  readonly id: string;
  readonly status: string;
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly partialProperties: number;
  readonly failedProperties: number;
  readonly totalImages: number;
  readonly newImages: number;
  readonly duplicateImages: number;
  readonly failedImages: number;
}
interface FinalJob extends Counters {
  readonly errorMessage: string | null;
  readonly completedAt: string | null;
  readonly failedPropertiesList: string[];
  readonly propertyOutcomes: { propertyId: string; status: string; newImages: number; failures: unknown[] }[];
}
interface ImageFileView {
  readonly url: string;
  readonly contentType: string;
  readonly byteLength: number;
}
interface ImageView {
  readonly sha256: string;
  readonly original: ImageFileView;
  readonly web: ImageFileView | null;
  readonly thumbnail: ImageFileView | null;
}
interface PhotoView {
  readonly propertyId: string;
  readonly sha256: string;
  readonly fileName: string;
  readonly location: string;
  readonly byteLength: number;
  readonly storedFiles: readonly string[];
  readonly variants: readonly { readonly name: string; readonly fileName: string; readonly widthPx: number; readonly heightPx: number }[];
}

describe('end to end: the built worker and GraphQL server as separate processes', () => {
  let database: TestDatabase;
  let imagesDir: string;
  let worker: ChildService | undefined;
  let graphql: ChildService | undefined;
  let client: Client | undefined;
  let url: string;
  let authorization: string;

  beforeAll(async () => {
    for (const script of [WORKER_MAIN, GRAPHQL_MAIN, APIKEY_MAIN]) {
      if (!existsSync(script)) throw new Error(`${script} is missing; build first (nx run-many -t build)`);
    }
    database = await openTestDatabase('e2e');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-e2e-images-'));
    const env = { MONGODB_URI: database.uri, MONGODB_DB: database.name, LOG_LEVEL: 'info' };
    // The key is made the way an operator makes one: with the phx-apikey CLI of tools.
    const created = await promisify(execFile)(process.execPath, [APIKEY_MAIN, 'create', '--name', 'e2e', '--role', 'admin', '--json'], {
      env: { ...process.env, ...env },
    });
    authorization = `Bearer ${(JSON.parse(created.stdout) as { key: string }).key}`;
    worker = await startChildService({
      name: 'worker',
      script: WORKER_MAIN,
      env: { ...env, PHX_SCRAPER_MODE: 'replay', PHX_IMAGES_DIR: imagesDir },
      readyPattern: /worker ready/,
      readyTimeoutMs: 120_000,
    });
    graphql = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: { ...env, PORT: '0', HOST: '127.0.0.1', PROPERTIES_CSV: SAMPLE_CSV, PHX_IMAGES_DIR: imagesDir },
      readyPattern: /graphql ready/,
      readyTimeoutMs: 60_000,
    });
    url = (JSON.parse(graphql.readyLine) as { url: string }).url;
  }, 240_000);

  afterAll(async () => {
    await client?.dispose();
    await graphql?.stop();
    await worker?.stop();
    await database?.drop();
    if (imagesDir !== undefined) await rm(imagesDir, { recursive: true, force: true });
  }, 120_000);

  it(
    'extracts every sample property: enqueued over HTTP, progress over a WebSocket, files on disk match the records',
    async () => {
      const catalog = await loadPropertiesCsv(SAMPLE_CSV);
      expect((await postGraphql(url, ENQUEUE)).status, 'no key, no job').toBe(401);
      const enqueued = await postGraphql<{ enqueueExtraction: Counters }>(url, ENQUEUE, {}, authorization);
      const job = enqueued.body.data?.enqueueExtraction;
      expect(job, JSON.stringify(enqueued.body)).toBeDefined();
      if (job === undefined) return;
      // all: the answer comes before the worker lists the catalog; jobProgress then shows the total.
      expect(job).toMatchObject({ status: 'PENDING', totalProperties: 0 });

      client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization },
      });
      const progress = recordSubscription<{ jobProgress: Counters }>(client, PROGRESS, { jobId: job.id });
      await within(progress.completed, EXTRACTION_TIMEOUT_MS, 'extraction');

      const snapshots = progress.results.map((r) => {
        expect(r.errors).toBeUndefined();
        return r.data?.jobProgress as Counters;
      });
      expect(snapshots.length).toBeGreaterThan(2);
      expect(snapshots.some((s) => s.status === 'IN_PROGRESS')).toBe(true);
      for (const [i, s] of snapshots.entries()) {
        const before = snapshots[i - 1];
        if (before === undefined) continue;
        const done = (c: Counters): number => c.completedProperties + c.partialProperties + c.failedProperties;
        expect(done(s)).toBeGreaterThanOrEqual(done(before));
        expect(s.totalImages).toBeGreaterThanOrEqual(before.totalImages);
      }
      const last = snapshots.at(-1);
      // The saved New York page shows 7 of the 11 photos it declares: that property is partial.
      expect(snapshots.filter((s) => s.totalProperties !== 0 && s.totalProperties !== catalog.length)).toEqual([]);
      expect(last).toMatchObject({
        status: 'COMPLETED',
        totalProperties: catalog.length,
        completedProperties: catalog.length - 1,
        partialProperties: 1,
        failedProperties: 0,
      });

      const final = (await postGraphql<{ job: FinalJob }>(url, FINAL_JOB, { id: job.id }, authorization)).body.data?.job;
      expect(final).toMatchObject({ ...last, errorMessage: null, failedPropertiesList: [] });
      expect(final?.totalImages).toBe((final?.newImages ?? 0) + (final?.duplicateImages ?? 0));
      expect(final?.newImages).toBeGreaterThan(0);
      expect(final?.propertyOutcomes.map((o) => o.propertyId).sort()).toEqual(catalog.map((p) => p.id).sort());

      let stored = 0;
      for (const property of catalog) {
        const photos =
          (await postGraphql<{ photos: PhotoView[] }>(url, PHOTOS, { propertyId: property.id }, authorization)).body.data?.photos ?? [];
        const outcome = final?.propertyOutcomes.find((o) => o.propertyId === property.id);
        expect(photos.length, property.address).toBe(outcome?.newImages);
        const onDisk = (await readdir(join(imagesDir, property.id))).filter((name) => !name.startsWith('.') && name !== 'manifest.json');
        const manifest = JSON.parse(await readFile(join(imagesDir, property.id, 'manifest.json'), 'utf8')) as {
          photos: { sha256: string }[];
        };
        expect(manifest.photos.map((p) => p.sha256).sort(), property.address).toEqual(photos.map((p) => p.sha256).sort());
        // Next to each original: its web variants (and the files of smaller copies it replaced), all named by the record.
        expect(onDisk.sort(), property.address).toEqual(photos.flatMap((p) => p.storedFiles).sort());
        for (const photo of photos) {
          expect(photo.location).toBe(join(imagesDir, property.id, photo.fileName));
          const bytes = await readFile(photo.location);
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(photo.sha256);
          expect(bytes.length).toBe(photo.byteLength);
          expect(photo.fileName.startsWith(`${photo.sha256}.`)).toBe(true);
          expect(photo.variants.map((v) => [v.name, v.fileName])).toEqual([
            ['web', `${photo.sha256}.web.webp`],
            ['thumb', `${photo.sha256}.thumb.webp`],
          ]);
          expect(Math.max(...photo.variants.map((v) => Math.max(v.widthPx, v.heightPx)))).toBeLessThanOrEqual(2048);
        }
        stored += photos.length;
        await expectServedImages(property.id, photos);
      }
      expect(stored).toBe(final?.newImages);
    },
    EXTRACTION_TIMEOUT_MS + 60_000,
  );

  /** Every file the images query names is served over HTTP with the key: the stored bytes, the right type. */
  async function expectServedImages(propertyId: string, photos: readonly PhotoView[]): Promise<void> {
    const images = (await postGraphql<{ images: ImageView[] }>(url, IMAGES, { propertyId }, authorization)).body.data?.images ?? [];
    expect(images.map((i) => i.sha256).sort()).toEqual(photos.map((p) => p.sha256).sort());
    for (const image of images) {
      const photo = photos.find((p) => p.sha256 === image.sha256);
      for (const file of [image.original, image.web, image.thumbnail]) {
        expect(file, image.sha256).not.toBeNull();
        if (file === null) continue;
        const response = await fetch(file.url, { headers: { authorization } });
        expect(response.status, file.url).toBe(200);
        expect(response.headers.get('content-type')).toBe(file.contentType);
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(bytes.length).toBe(file.byteLength);
        if (file === image.original) expect(createHash('sha256').update(bytes).digest('hex')).toBe(photo?.sha256);
      }
    }
  }

  it('both processes stop on SIGTERM with exit code 0', async () => {
    await client?.dispose();
    client = undefined;
    expect(await graphql?.stop()).toBe(0);
    expect(await worker?.stop()).toBe(0);
  }, 60_000);
});

import { readdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { storedFileNames } from '@phx/core';
import { GridFsImageStore, IMAGES_BUCKET } from '@phx/jobs';
import { isFinal, openWorkerSuite, sampleProperties, waitForJob } from './support/worker-suite.js';
import type { WorkerSuite } from './support/worker-suite.js';

describe('worker process with PHX_IMAGE_STORE=gridfs (replay of the saved listings)', () => {
  let suite: WorkerSuite;

  beforeAll(async () => {
    suite = await openWorkerSuite('gridfs');
  });
  afterEach(() => suite.killWorkers());
  afterAll(async () => {
    await suite?.close();
  });

  it('stores every original and variant in GridFS, named as the records say, and nothing on disk', async () => {
    const worker = await suite.startWorker('worker-gridfs', { PHX_IMAGE_STORE: 'gridfs' });
    expect(worker.output()).toContain('"imageStore":"gridfs"');
    const properties = await sampleProperties(/Chicago|New York/);
    expect(properties).toHaveLength(2);
    const job = await suite.service.enqueueExtraction({ properties });
    const final = await waitForJob(suite.service, job.id, isFinal, 90_000);
    expect(final).toMatchObject({
      status: 'completed',
      completedProperties: 1,
      partialProperties: 1,
      failedImages: 0,
      workerName: 'worker-gridfs',
    });
    expect(final.newImages).toBeGreaterThan(0);

    const store = new GridFsImageStore({ db: suite.db });
    for (const property of properties) {
      const records = await suite.service.listPhotos(property.id);
      expect(records.length).toBeGreaterThan(0);
      const stored = await suite.db
        .collection(`${IMAGES_BUCKET}.files`)
        .find({ 'metadata.propertyId': property.id })
        .map((f) => (f['metadata'] as { fileName: string }).fileName)
        .toArray();
      expect(stored.sort()).toEqual(records.flatMap(storedFileNames).sort());
      for (const r of records) {
        expect(r.location).toBe(`gridfs://${IMAGES_BUCKET}/${encodeURIComponent(property.id)}/${r.fileName}`);
        expect((await store.get(property.id, r.fileName))?.length).toBe(r.byteLength);
      }
    }
    expect(await readdir(suite.imagesDir)).toEqual([]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  }, 180_000);
});

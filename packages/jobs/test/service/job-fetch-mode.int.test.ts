import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { InvalidInputError } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { JobService } from '../../src/service/job-service.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleProperty } from '../support/sample-jobs.js';

describe("JobService: a job's fetch mode", () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;

  beforeAll(async () => {
    tdb = await openTestDatabase('fetch_mode');
    agenda = await createAgenda({ db: tdb.db });
    service = new JobService({ db: tdb.db, agenda });
    await service.ensureIndexes();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  it('stores the fetch mode a request names and reads it back; a request naming none stores null', async () => {
    for (const fetchMode of ['auto', 'http', 'browser'] as const) {
      const job = await service.enqueueExtraction({ properties: [sampleProperty(11)], fetchMode });
      expect(job).toMatchObject({ fetchMode, deduplicated: false });
      expect((await service.getJob(job.id)).fetchMode).toBe(fetchMode);
      expect(await tdb.db.collection('extraction_jobs').findOne({ _id: job.id as never })).toMatchObject({ fetchMode });
    }
    const unnamed = await service.enqueueExtraction({ properties: [sampleProperty(12)], fetchMode: null });
    expect((await service.getJob(unnamed.id)).fetchMode).toBeNull();
  });

  it('keeps jobs that differ only by fetch mode apart, and dedupes an equal pending request', async () => {
    const properties = [sampleProperty(13)];
    const http = await service.enqueueExtraction({ properties, fetchMode: 'http' });
    const browser = await service.enqueueExtraction({ properties, fetchMode: 'browser' });
    const none = await service.enqueueExtraction({ properties });
    expect(new Set([http.id, browser.id, none.id]).size).toBe(3);
    const again = await service.enqueueExtraction({ properties, fetchMode: 'http' });
    expect(again).toMatchObject({ id: http.id, deduplicated: true });
  });

  it('reads a job stored before fetch modes existed as null (the worker default)', async () => {
    const job = await service.enqueueExtraction({ properties: [sampleProperty(14)], fetchMode: 'http' });
    await tdb.db.collection('extraction_jobs').updateOne({ _id: job.id as never }, { $unset: { fetchMode: '' } });
    expect((await service.getJob(job.id)).fetchMode).toBeNull();
  });

  it('rejects an unknown fetch mode naming the field, and writes nothing', async () => {
    const before = await tdb.db.collection('extraction_jobs').countDocuments();
    const error = await service
      .enqueueExtraction({ properties: [sampleProperty(15)], fetchMode: 'fast' as 'http' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['fetchMode']);
    expect((error as Error).message).toContain('fetchMode');
    expect(await tdb.db.collection('extraction_jobs').countDocuments()).toBe(before);
  });
});

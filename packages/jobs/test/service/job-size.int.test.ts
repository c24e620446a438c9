import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { BSON } from 'mongodb';
import type { Property } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { JOBS_COLLECTION, JobRepository } from '../../src/repository/job-repository.js';
import { JOB_PROPERTIES_COLLECTION, JOB_PROPERTY_CHUNK_SIZE } from '../../src/repository/job-property-store.js';
import { JobService } from '../../src/service/job-service.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleOutcome, sampleProperty } from '../support/sample-jobs.js';

/** The most bytes a job document may take, whatever its number of properties (a 1-property job takes about 1 KB). */
const JOB_DOCUMENT_BOUND_BYTES = 8 * 1024;

describe('jobs of any size', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: JobService;

  beforeAll(async () => {
    tdb = await openTestDatabase('jobsize');
    agenda = await createAgenda({ db: tdb.db });
    service = new JobService({ db: tdb.db, agenda });
    await service.ensureIndexes();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  const documentBytes = async (jobId: string): Promise<number> => {
    const doc = await tdb.db.collection(JOBS_COLLECTION).findOne({ _id: jobId as never });
    return BSON.calculateObjectSize(doc ?? {});
  };

  it('keeps a 50,000-property job document as small as a 1-property one, its list in chunks read back in order', async () => {
    const properties: Property[] = Array.from({ length: 50_000 }, (_, i) => sampleProperty(i + 1));
    const one = await service.enqueueExtraction({ properties: properties.slice(0, 1), sources: ['zillow'], dryRun: true });
    const started = performance.now();
    const big = await service.enqueueExtraction({ properties, sources: ['zillow'], dryRun: true });
    process.stdout.write(`enqueueExtraction of 50,000 properties answered in ${Math.round(performance.now() - started)} ms\n`);
    expect(big).toMatchObject({ status: 'pending', totalProperties: 50_000, deduplicated: false });

    const [oneBytes, bigBytes] = [await documentBytes(one.id), await documentBytes(big.id)];
    process.stdout.write(`job document: 1 property ${oneBytes} B, 50,000 properties ${bigBytes} B\n`);
    expect(bigBytes).toBeLessThanOrEqual(JOB_DOCUMENT_BOUND_BYTES);
    // Same fields, only the counts' digits differ.
    expect(Math.abs(bigBytes - oneBytes)).toBeLessThan(16);
    expect(await tdb.db.collection(JOB_PROPERTIES_COLLECTION).countDocuments({ jobId: big.id })).toBe(50_000 / JOB_PROPERTY_CHUNK_SIZE);

    let count = 0;
    let inOrder = true;
    for await (const { index, property } of service.jobPropertyList(big.id)) {
      inOrder &&= property.id === properties[index]?.id && index === count;
      count += 1;
    }
    expect([count, inOrder]).toEqual([50_000, true]);
    const page = await service.jobProperties(big.id, { first: 3, after: 49_996 });
    expect(page.entries.map((e) => [e.index, e.property.id, e.outcome])).toEqual([
      [49_997, properties[49_997]!.id, null],
      [49_998, properties[49_998]!.id, null],
      [49_999, properties[49_999]!.id, null],
    ]);
    expect(page.hasNextPage).toBe(false);
  }, 300_000);

  it('pages outcomes by status after a position; a pending filter skips the finished ones', async () => {
    const properties: Property[] = Array.from({ length: 250 }, (_, i) => sampleProperty(i + 1));
    const job = await service.enqueueExtraction({ properties, sources: ['zillow'], dryRun: true });
    const repository = new JobRepository({ db: tdb.db });
    await repository.properties.recordOutcomes(
      job.id,
      properties.map((p, index) => ({ index, outcome: sampleOutcome(p, index % 2 === 0 ? 'failed' : 'completed') })),
      new Date(),
    );
    const failed = await service.jobProperties(job.id, { status: 'failed', first: 10, after: 199 });
    expect(failed.entries.map((e) => e.index)).toEqual([200, 202, 204, 206, 208, 210, 212, 214, 216, 218]);
    expect(failed.hasNextPage).toBe(true);
    const pending = await service.jobProperties(job.id, { status: 'pending', first: 10 });
    expect(pending).toEqual({ entries: [], hasNextPage: false });
    await expect(service.jobProperties(job.id, { first: 0 })).rejects.toThrow(/first: 0 is outside 1\.\.500/);
  });
});

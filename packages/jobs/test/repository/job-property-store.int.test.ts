import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { CommandStartedEvent } from 'mongodb';
import { toJobId } from '@phx/core';
import { JOB_OUTCOMES_COLLECTION, JOB_PROPERTIES_COLLECTION, JobPropertyStore } from '../../src/repository/job-property-store.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleOutcome, sampleProperty } from '../support/sample-jobs.js';

describe('JobPropertyStore.page', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await openTestDatabase('property_store');
  });
  afterAll(async () => {
    await tdb.close();
  });

  // FerretDB 1.x on SQLite pushes down only a plain `_id` equality: any other filter ($in, a range, jobId) reads and
  // decodes every outcome of every job, which made the console's outcome page of a job take 150-300 ms at 500 outcomes.
  it('reads the outcomes of a page by _id equality only', async () => {
    const client = await MongoClient.connect(tdb.uri, { monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command['find'] === JOB_OUTCOMES_COLLECTION) finds.push(event);
    });
    try {
      const store = new JobPropertyStore({ db: client.db(tdb.db.databaseName) });
      const jobId = toJobId(randomUUID());
      const properties = Array.from({ length: 30 }, (_, i) => sampleProperty(i + 1));
      await store.insertProperties(jobId, properties);
      const finished = properties
        .slice(0, 12)
        .map((p, index) => ({ index, outcome: sampleOutcome(p, index % 2 ? 'failed' : 'completed') }));
      await store.recordOutcomes(jobId, finished, new Date());

      const page = await store.page(jobId, { first: 20 });

      expect(page.entries.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(page.entries.map((e) => e.outcome?.status ?? 'pending')).toEqual([
        ...finished.map((f) => f.outcome.status),
        ...Array.from({ length: 8 }, () => 'pending'),
      ]);
      expect(page.hasNextPage).toBe(true);
      expect(finds.length).toBeGreaterThan(0);
      for (const find of finds) expect(typeof (find.command['filter'] as { _id?: unknown })._id).toBe('string');
    } finally {
      await client.close();
    }
  });

  // A chunk is 500 properties: reading it was the largest part of a job(id) with properties(first: 20) (20-70 ms).
  it("reads a listed job's property chunk once for repeated pages", async () => {
    const client = await MongoClient.connect(tdb.uri, { monitorCommands: true });
    const chunkReads: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command['find'] === JOB_PROPERTIES_COLLECTION) chunkReads.push(event);
    });
    try {
      const store = new JobPropertyStore({ db: client.db(tdb.db.databaseName) });
      const [jobA, jobB] = [toJobId(randomUUID()), toJobId(randomUUID())];
      await store.insertProperties(jobA, [sampleProperty(1), sampleProperty(2)]);
      await store.insertProperties(jobB, [sampleProperty(3)]);

      const first = await store.page(jobA, { first: 20 });
      const again = await store.page(jobA, { first: 20 });
      const other = await store.page(jobB, { first: 20 });

      expect(again).toEqual(first);
      expect(first.entries.map((e) => e.property.id)).toEqual([sampleProperty(1).id, sampleProperty(2).id]);
      expect(other.entries.map((e) => e.property.id)).toEqual([sampleProperty(3).id]);
      expect(chunkReads).toHaveLength(2);
    } finally {
      await client.close();
    }
  });
});

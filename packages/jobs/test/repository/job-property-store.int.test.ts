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

  /** Runs `test` with a store on a client of its own, collecting the `find` commands it sends to `collection`. */
  async function withFinds(collection: string, test: (store: JobPropertyStore, finds: CommandStartedEvent[]) => Promise<void>) {
    const client = await MongoClient.connect(tdb.uri, { monitorCommands: true });
    const finds: CommandStartedEvent[] = [];
    client.on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command['find'] === collection) finds.push(event);
    });
    try {
      await test(new JobPropertyStore({ db: client.db(tdb.db.databaseName) }), finds);
    } finally {
      await client.close();
    }
  }

  // FerretDB 1.x on SQLite filters only a plain `_id` equality in SQL: any other filter ($in, a range, jobId) reads and
  // decodes every outcome of every job in FerretDB (822 ms at 5,000 outcomes against 58 ms for 21 point reads).
  it('reads the outcomes of a page by _id equality only', async () => {
    await withFinds(JOB_OUTCOMES_COLLECTION, async (store, finds) => {
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
    });
  });

  // A chunk is 500 properties: reading it was the largest part of a job(id) with properties(first: 20) (20-70 ms).
  it("reads a listed job's property chunk once for repeated pages", async () => {
    await withFinds(JOB_PROPERTIES_COLLECTION, async (store, chunkReads) => {
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
    });
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { isFinalJobStatus } from '@phx/core';
import { JobEventLog } from '../../src/progress/job-event-log.js';
import { JOB_EVENTS_COLLECTION, toJobEventCounters } from '../../src/progress/job-event.js';
import type { JobEventCounters } from '../../src/progress/job-event.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { JobService } from '../../src/service/job-service.js';
import { startApi, startWorker, testProperty } from '../support/job-harness.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** `db` whose `insertMany` into one collection waits `delayMs` before it goes (a slow or loaded database). */
function withSlowInserts(db: Db, name: string, delayMs: number): Db {
  const slow = (collection: Collection): Collection =>
    new Proxy(collection, {
      get(target, key) {
        if (key === 'insertMany')
          return async (...args: Parameters<Collection['insertMany']>) => (await sleep(delayMs), target.insertMany(...args));
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return new Proxy(db, {
    get(target, key) {
      if (key === 'collection')
        return (n: string, options?: object) => (n === name ? slow(target.collection(n, options)) : target.collection(n, options));
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('one progress path: the job document follows the event log', () => {
  let tdb: TestDatabase;
  let service: JobService;
  let apiAgenda: Agenda;

  beforeAll(async () => {
    tdb = await openTestDatabase('one-path');
    ({ service, agenda: apiAgenda } = await startApi(tdb.db));
  });
  afterAll(async () => {
    await apiAgenda.stop(false);
    await tdb.close();
  });

  it('never shows counters in the job document that the log does not hold yet, and each are those of a logged event', async () => {
    // Slow event writes (each batch 150 ms late): a document write that ran ahead of the log would show.
    const worker = await startWorker(withSlowInserts(tdb.db, JOB_EVENTS_COLLECTION, 150), {
      name: 'w-one-path',
      photoDelayMs: 10,
      photoConcurrency: 2,
    });
    try {
      const readerDb = await tdb.connectAgain();
      const jobs = new JobRepository({ db: readerDb });
      const log = new JobEventLog({ db: readerDb });
      const job = await service.enqueueExtraction({ properties: [25, 26, 27].map(testProperty) });
      const samples: { document: JobEventCounters; logAfter: JobEventCounters | null }[] = [];
      for (;;) {
        const current = await jobs.get(job.id);
        if (current === null) throw new Error('job gone');
        // The document first, then the log: what the document shows must already be in the log.
        samples.push({ document: toJobEventCounters(current), logAfter: (await log.lastEvent(job.id))?.counters ?? null });
        if (isFinalJobStatus(current.status)) break;
      }
      const moving = samples.filter((s) => s.document.totalImages > 0);
      expect(moving.length).toBeGreaterThan(3);
      const ahead = moving.filter(
        (s) =>
          s.logAfter === null ||
          (Object.keys(s.document) as (keyof JobEventCounters)[]).some((k) => s.document[k] > (s.logAfter?.[k] ?? 0)),
      );
      expect(ahead).toEqual([]);
      const logged = new Set((await log.readAfter([{ jobId: job.id, seq: 0 }])).map((e) => JSON.stringify(toJobEventCounters(e.counters))));
      const unlogged = moving.filter((s) => !logged.has(JSON.stringify(s.document)));
      expect(unlogged).toEqual([]);
    } finally {
      await worker.stop();
    }
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { KeyedWriteLock } from '../../src/repository/keyed-write-lock.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

let tdb: TestDatabase;
let clients: Db[];

beforeAll(async () => {
  tdb = await openTestDatabase('locks');
  clients = [tdb.db, await tdb.connectAgain(), await tdb.connectAgain()];
});
afterAll(async () => {
  await tdb.close();
});

describe('KeyedWriteLock', () => {
  it('lets one holder at a time read-modify-write, across clients: no increment is lost', async () => {
    const counters = tdb.db.collection<{ _id: string; value: number }>('counters');
    await counters.insertOne({ _id: 'c', value: 0 });
    const locks = clients.map((db) => new KeyedWriteLock({ db }));
    const increments = 30;
    await Promise.all(
      Array.from({ length: increments }, (_, i) =>
        locks[i % locks.length]!.withLock('counter:c', async () => {
          const doc = await clients[i % clients.length]!.collection<{ _id: string; value: number }>('counters').findOne({ _id: 'c' });
          await clients[i % clients.length]!.collection<{ _id: string; value: number }>('counters').updateOne(
            { _id: 'c' },
            { $set: { value: (doc?.value ?? 0) + 1 } },
          );
        }),
      ),
    );
    expect((await counters.findOne({ _id: 'c' }))?.value).toBe(increments);
    expect(await tdb.db.collection('write_locks').countDocuments({})).toBe(0);
  });

  it('releases the lock when the work throws, and passes the error on', async () => {
    const lock = new KeyedWriteLock({ db: tdb.db });
    await expect(lock.withLock('k:throws', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.withLock('k:throws', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('takes over a lock whose holder died once its lease has passed', async () => {
    await tdb.db
      .collection<{ _id: string; holder: string; expiresAt: Date }>('write_locks')
      .insertOne({ _id: 'k:dead', holder: 'a dead process', expiresAt: new Date(Date.now() - 1) });
    const lock = new KeyedWriteLock({ db: tdb.db, maxWaitMs: 5_000 });
    await expect(lock.withLock('k:dead', () => Promise.resolve('ran'))).resolves.toBe('ran');
  });

  it('gives up naming the key when a live holder keeps the lock past the longest wait', async () => {
    await tdb.db
      .collection<{ _id: string; holder: string; expiresAt: Date }>('write_locks')
      .insertOne({ _id: 'k:held', holder: 'a live process', expiresAt: new Date(Date.now() + 60_000) });
    const lock = new KeyedWriteLock({ db: tdb.db, maxWaitMs: 100 });
    await expect(lock.withLock('k:held', () => Promise.resolve('ran'))).rejects.toThrow('write lock "k:held" stayed held for 100 ms');
  });

  it('keeps a lock whose live holder works past the lease (renewed while held): no second holder gets in', async () => {
    const leaseMs = 400;
    const first = new KeyedWriteLock({ db: clients[0]!, leaseMs });
    const second = new KeyedWriteLock({ db: clients[1]!, leaseMs, maxWaitMs: 10_000 });
    const order: string[] = [];
    const long = first.withLock('k:long', async () => {
      order.push('first in');
      await new Promise((resolve) => setTimeout(resolve, 4 * leaseMs));
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = second.withLock('k:long', () => {
      order.push('second in');
      return Promise.resolve();
    });
    await Promise.all([long, next]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
  });
});

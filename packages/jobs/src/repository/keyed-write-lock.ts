import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';

/** Name of the collection of write locks. */
export const WRITE_LOCKS_COLLECTION = 'write_locks';

interface LockDocument {
  readonly _id: string;
  readonly holder: string;
  readonly expiresAt: Date;
}

/** Options of {@link KeyedWriteLock}. */
export interface KeyedWriteLockOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /** Collection name; default {@link WRITE_LOCKS_COLLECTION}. */
  readonly collectionName?: string;
  /** How long a lock stays held after its holder's last renewal (every third of it) when the holder dies without releasing it, in ms; default 30 000. */
  readonly leaseMs?: number;
  /** Longest wait for a lock before giving up, in ms; default 60 000. */
  readonly maxWaitMs?: number;
}

/** First and largest pause between two tries of a held lock, in ms. */
const FIRST_RETRY_DELAY_MS = 2;
const MAX_RETRY_DELAY_MS = 50;

/**
 * A mutual-exclusion lock per key shared by every process using the same
 * database: while one holder runs its work for a key, no other holder of that
 * key, in this process or another, runs its own.
 *
 * Taking the lock is the insert of a document whose `_id` is the key, so of
 * several takers exactly one wins on any MongoDB-compatible server, including
 * FerretDB 1.x on SQLite, which applies concurrent `findOneAndUpdate`, `$min`
 * or `$inc` on one document non-atomically (one of two concurrent updates can
 * be lost). A live holder renews its lease every third of `leaseMs` while
 * its work runs, however long; a holder that dies leaves its lock until
 * `leaseMs` has passed since its last renewal; the next taker then removes it.
 *
 * @example
 * ```ts
 * import type { PropertyId } from '@phx/core';
 * import type { Db } from 'mongodb';
 * declare const db: Db, propertyId: PropertyId;
 * declare function readModifyWrite(): Promise<void>;
 * const locks = new KeyedWriteLock({ db });
 * await locks.withLock(`photos:${propertyId}`, () => readModifyWrite());
 * ```
 */
export class KeyedWriteLock {
  private readonly collection: Collection<LockDocument>;
  private readonly leaseMs: number;
  private readonly maxWaitMs: number;

  /**
   * @param options - database, collection name, lease and longest wait
   */
  constructor(options: KeyedWriteLockOptions) {
    this.collection = options.db.collection<LockDocument>(options.collectionName ?? WRITE_LOCKS_COLLECTION);
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
  }

  /**
   * Runs `work` while holding the lock of `key`, and releases it after.
   *
   * @param key - what is locked (e.g. `photos:<propertyId>`)
   * @param work - the guarded work
   * @returns what `work` returns
   * @throws `Error` naming the key when the lock stayed held longer than `maxWaitMs`;
   *   the driver's error when the database fails; whatever `work` throws
   */
  async withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    await this.acquire(key, holder);
    // Renewed while held: work that outlasts the lease (a long batch on a slow server) keeps the lock; a holder that
    // dies stops renewing, and its lock lapses one lease later.
    const renewal = setInterval(
      () => {
        void this.collection
          .updateOne({ _id: key, holder }, { $set: { expiresAt: new Date(Date.now() + this.leaseMs) } })
          .catch(() => undefined);
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    try {
      return await work();
    } finally {
      clearInterval(renewal);
      // A failed release (database gone) is left to the lease: the work's own outcome is what the caller needs.
      await this.collection.deleteOne({ _id: key, holder }).catch(() => undefined);
    }
  }

  private async acquire(key: string, holder: string): Promise<void> {
    const started = Date.now();
    for (let delayMs = FIRST_RETRY_DELAY_MS; ; delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS)) {
      const now = Date.now();
      try {
        await this.collection.insertOne({ _id: key, holder, expiresAt: new Date(now + this.leaseMs) });
        return;
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
      await this.collection.deleteOne({ _id: key, expiresAt: { $lt: new Date(now) } });
      if (now - started >= this.maxWaitMs) {
        throw new Error(`write lock "${key}" stayed held for ${this.maxWaitMs} ms; gave up waiting`);
      }
      await sleep(delayMs * (0.5 + Math.random()));
    }
  }
}

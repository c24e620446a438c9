import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';

/** A database of its own for one test suite, dropped by `close()`. */
export interface TestDatabase {
  readonly client: MongoClient;
  readonly db: Db;
  readonly uri: string;
  /** Opens one more client on the same database (a second "process"). Closed by `close()`. */
  connectAgain(): Promise<Db>;
  /** Drops the database and closes every client. */
  close(): Promise<void>;
}

/**
 * Opens a uniquely named database on the server of `MONGODB_URI` (set by the
 * vitest global setup).
 *
 * @param suite - short suite name, part of the database name
 */
export async function openTestDatabase(suite: string): Promise<TestDatabase> {
  const uri = process.env['MONGODB_URI'];
  if (uri === undefined || uri === '') throw new Error('MONGODB_URI is not set; run the tests through vitest with the global setup');
  const name = `phx_test_jobs_${suite}_${randomBytes(4).toString('hex')}`;
  const client = await MongoClient.connect(uri);
  const extra: MongoClient[] = [];
  return {
    client,
    db: client.db(name),
    uri,
    async connectAgain() {
      const other = await MongoClient.connect(uri);
      extra.push(other);
      return other.db(name);
    },
    async close() {
      await client.db(name).dropDatabase();
      await Promise.all([client, ...extra].map((c) => c.close()));
    },
  };
}

import { randomBytes } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';

/** A database of its own for one test suite. */
export interface TestDatabase {
  /** The connection string (no database name), from the vitest global setup. */
  readonly uri: string;
  /** The unique database name. */
  readonly name: string;
  /** The open database. */
  readonly db: Db;
  /** The client; closed by `drop`. */
  readonly client: MongoClient;
  /** Drops the database and closes the client. */
  drop(): Promise<void>;
}

/**
 * Opens a fresh, uniquely named database on the test MongoDB (FerretDB by
 * default; `MONGODB_URI` set by the global setup).
 *
 * @param suite - short suite name, part of the database name
 * @param mongodbUri - the server to use; default `MONGODB_URI` of the global setup
 * @returns the database; call `drop()` after the suite
 */
export async function openTestDatabase(suite: string, mongodbUri?: string): Promise<TestDatabase> {
  const uri = mongodbUri ?? process.env['MONGODB_URI'];
  if (uri === undefined || uri === '') throw new Error('MONGODB_URI is not set; run the tests through vitest (global setup)');
  const name = `phx_test_graphql_${suite}_${randomBytes(4).toString('hex')}`;
  const client = await MongoClient.connect(uri);
  const db = client.db(name);
  return {
    uri,
    name,
    db,
    client,
    async drop() {
      try {
        await db.dropDatabase();
      } finally {
        await client.close();
      }
    },
  };
}

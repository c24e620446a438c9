import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { insertTestApiKey, type TestApiKey } from './api-keys.js';
import { startChildService, type ChildService } from './child-service.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const WORKSPACE = fileURLToPath(new URL('../../../../', import.meta.url));
/** The built GraphQL server entry (`nx run graphql:build`). */
export const GRAPHQL_MAIN = join(WORKSPACE, 'apps/graphql/dist/main.js');
/** The sample properties catalog of the workspace. */
export const SAMPLE_CSV = join(WORKSPACE, 'tools/data/sample-properties.csv');

/** The built GraphQL server running as its own process on a test database. */
export interface GraphqlProcess {
  /** The process. */
  readonly service: ChildService;
  /** `http://127.0.0.1:<port>/graphql`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** A read key stored in the database. */
  readonly readKey: TestApiKey;
  /** An admin key stored in the database. */
  readonly adminKey: TestApiKey;
  /** The database (dropped by `close`). */
  readonly database: TestDatabase;
  /** Stops the process (SIGKILL after `stopTimeoutMs`) and drops the database. */
  close(stopTimeoutMs?: number): Promise<void>;
}

/**
 * Starts `apps/graphql/dist/main.js` on a fresh test database with a read
 * key, on a free port of 127.0.0.1, and waits for `graphql ready`.
 *
 * @param suite - suite name for the database
 * @param env - more environment variables (limits, PUBLIC_URL, …)
 * @param mongodbUri - the MongoDB to use; default the test FerretDB
 * @returns the running server
 * @throws Error when the build is missing or the process does not get ready
 */
export async function startGraphqlProcess(
  suite: string,
  env: Readonly<Record<string, string>> = {},
  mongodbUri?: string,
): Promise<GraphqlProcess> {
  if (!existsSync(GRAPHQL_MAIN)) throw new Error(`${GRAPHQL_MAIN} is missing; build first (nx run graphql:build)`);
  const database = await openTestDatabase(suite, mongodbUri);
  const readKey = await insertTestApiKey(database.db, 'read');
  const adminKey = await insertTestApiKey(database.db, 'admin');
  let service: ChildService;
  try {
    service = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: { MONGODB_URI: database.uri, MONGODB_DB: database.name, PORT: '0', HOST: '127.0.0.1', PROPERTIES_CSV: SAMPLE_CSV, ...env },
      readyPattern: /graphql ready/,
      readyTimeoutMs: 60_000,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const url = (JSON.parse(service.readyLine) as { url: string }).url;
  return {
    service,
    url,
    origin: new URL(url).origin,
    readKey,
    adminKey,
    database,
    async close(stopTimeoutMs = 10_000) {
      await service.stop(stopTimeoutMs);
      await database.drop();
    },
  };
}

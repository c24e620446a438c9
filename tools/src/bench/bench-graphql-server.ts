import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { Db, MongoClient } from 'mongodb';
import { ApiKeyRepository } from '@phx/jobs';
import { findWorkspaceRoot } from '../db/workspace-paths.js';
import { freePort, startChildService } from '../process/child-service.js';
import type { ChildService } from '../process/child-service.js';

const GRAPHQL_MAIN = join(findWorkspaceRoot(), 'apps/graphql/dist/main.js');

/** A built GraphQL server a benchmark started on its database, with an admin key of that database. */
export interface BenchGraphqlServer {
  /** The child process. */
  readonly service: ChildService;
  /** `http://127.0.0.1:<port>/graphql`. */
  readonly url: string;
  /** `Bearer <admin key>`. */
  readonly authorization: string;
}

/**
 * Makes an admin key in a benchmark's database and starts the built GraphQL server (`apps/graphql/dist/main.js`) on it,
 * on a free port of 127.0.0.1, logging to `<logDir>/graphql.log`.
 *
 * @param options - MongoDB URI and database name, the log folder, the key's name
 * @returns the server, its URL and the key's `Authorization` value
 * @throws Error when the server is not ready within the child service's wait (its log names why)
 */
export async function startBenchGraphqlServer(options: {
  readonly db: Db;
  readonly uri: string;
  readonly logDir: string;
  readonly keyName: string;
}): Promise<BenchGraphqlServer> {
  const keys = new ApiKeyRepository({ db: options.db });
  await keys.ensureIndexes();
  const { key } = await keys.create({ name: options.keyName, role: 'admin' });
  const port = await freePort();
  const service = await startChildService({
    name: 'graphql',
    script: GRAPHQL_MAIN,
    env: { MONGODB_URI: options.uri, MONGODB_DB: options.db.databaseName, LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port) },
    readyPattern: /graphql ready/,
    logFile: join(options.logDir, 'graphql.log'),
  });
  return { service, url: `http://127.0.0.1:${port}/graphql`, authorization: `Bearer ${key}` };
}

/**
 * Posts one GraphQL operation over HTTP and returns its data.
 *
 * @param url - the endpoint, e.g. `http://127.0.0.1:4000/graphql`
 * @param authorization - the `Authorization` header, e.g. `Bearer <key>`
 * @param query - the operation
 * @param variables - its variables
 * @returns the response's `data`
 * @throws Error with the response's `errors` when it has any or no `data`
 */
export async function postGraphql<T>(url: string, authorization: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: unknown[] };
  if (body.data === undefined || body.data === null || body.errors !== undefined) {
    throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
  }
  return body.data;
}

/**
 * Ends a benchmark that used a database of its own and a GraphQL server: stops the server, drops the database, closes
 * the client, and removes the log folder (kept and named after a failure).
 *
 * @param end - the server (or `null` when it never started), database, client, log folder, whether the run failed
 */
export async function endBenchRun(end: {
  readonly server: BenchGraphqlServer | null;
  readonly db: Db;
  readonly mongo: MongoClient;
  readonly logDir: string;
  readonly failed: boolean;
}): Promise<void> {
  await end.server?.service.stop();
  await end.db.dropDatabase();
  await end.mongo.close();
  if (end.failed) console.log(`GraphQL server log kept: ${end.logDir}`);
  else await rm(end.logDir, { recursive: true, force: true });
}

/**
 * Runs a benchmark's `main`, printing `<name> failed: <message>` and exiting 1 when it throws.
 *
 * @param name - the npm script's name, e.g. `bench:scale`
 * @param main - the benchmark
 */
export function runBench(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

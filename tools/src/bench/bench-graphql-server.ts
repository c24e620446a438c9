import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
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
 * Drops a benchmark's database once its own client is closed with the operations in flight cut (a write landing
 * after the drop would create the database again), through a client of its own.
 *
 * @param client - the benchmark's client (force-closed)
 * @param uri - the connection string
 * @param databaseName - the database to drop
 */
export async function dropAfterClosing(client: MongoClient, uri: string, databaseName: string): Promise<void> {
  await client.close(true);
  const own = await MongoClient.connect(uri);
  try {
    await own.db(databaseName).dropDatabase();
  } finally {
    await own.close();
  }
}

/** Cleanups a benchmark registered for an interrupt (see {@link cleanUpOnInterrupt}). */
const interruptCleanups = new Set<() => Promise<unknown>>();

/**
 * Registers what a benchmark must undo when it is interrupted (Ctrl-C, SIGTERM) before its own `finally` runs, such
 * as dropping its database: {@link runBench} runs every registered cleanup, then exits 130.
 *
 * @param cleanup - the undo; an error is printed and the other cleanups still run
 * @returns a function that unregisters it (call it once the benchmark cleaned up itself)
 */
export function cleanUpOnInterrupt(cleanup: () => Promise<unknown>): () => void {
  interruptCleanups.add(cleanup);
  return () => interruptCleanups.delete(cleanup);
}

/**
 * Runs a benchmark's `main`, printing `<name> failed: <message>` and exiting 1 when it throws. On SIGINT or SIGTERM
 * it runs the cleanups registered with {@link cleanUpOnInterrupt} (at most 15 s) and exits 130.
 *
 * @param name - the npm script's name, e.g. `bench:scale`
 * @param main - the benchmark
 */
export function runBench(name: string, main: () => Promise<void>): void {
  let stopping = false;
  const interrupted = (signal: string): void => {
    stopping = true;
    console.error(`${name} interrupted (${signal}); cleaning up`);
    const cleanups = [...interruptCleanups].map((cleanup) =>
      cleanup().catch((error: unknown) =>
        console.error(`${name}: cleanup failed: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
    const bound = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
    void Promise.race([Promise.all(cleanups), bound]).then(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupted('SIGINT'));
  process.once('SIGTERM', () => interrupted('SIGTERM'));
  main().catch((error: unknown) => {
    if (stopping) return; // its cleanups cut the work short; the interrupt exits 130
    console.error(`${name} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const WORKSPACE = fileURLToPath(new URL('../../../../', import.meta.url));

/** What this helper uses of the workspace's FerretDB helper (`tools/src/db/local-mongo.ts`). */
interface LocalMongoOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly binDir: string;
}
interface LocalMongo {
  startLocalMongo(options: LocalMongoOptions): Promise<{ readonly uri: string }>;
  stopLocalMongo(options: LocalMongoOptions): Promise<boolean>;
}

/** A FerretDB of one test's own, which it may stop and start (an outage) without touching the shared one. */
export interface OwnFerretDb {
  /** Its connection string. */
  readonly uri: string;
  /** Stops it (the outage starts). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  remove(): Promise<void>;
}

/**
 * Starts a FerretDB of its own (own port, own SQLite folder), built like the
 * shared one, as the worker's outage test does.
 *
 * @returns the running server
 */
export async function startOwnFerretDb(): Promise<OwnFerretDb> {
  // Loaded by path at run time, as the vitest global setup loads its sibling: the tools are no dependency of the app.
  const module = pathToFileURL(join(WORKSPACE, 'tools/src/db/local-mongo.ts')).href;
  const { startLocalMongo, stopLocalMongo } = (await import(module)) as LocalMongo;
  const options: LocalMongoOptions = {
    dataDir: await mkdtemp(join(tmpdir(), 'phx-graphql-outage-db-')),
    port: await freePort(),
    binDir: join(process.env['PHX_DATA_DIR'] ?? join(WORKSPACE, '.data'), 'bin'),
  };
  const { uri } = await startLocalMongo(options);
  return {
    uri,
    stop: async () => {
      await stopLocalMongo(options);
    },
    start: async () => {
      await startLocalMongo(options);
    },
    remove: async () => {
      await stopLocalMongo(options);
      await rm(options.dataDir, { recursive: true, force: true });
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

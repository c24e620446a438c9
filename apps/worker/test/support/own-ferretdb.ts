import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WORKSPACE_ROOT } from '../../src/config.js';
import { freePort } from './free-port.js';
import type { WorkerSuite } from './worker-suite.js';

/** What the outage tests use of the workspace's FerretDB helper (`tools/src/db/local-mongo.ts`). */
export interface LocalMongoOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly binDir: string;
}
interface LocalMongo {
  startLocalMongo(options: LocalMongoOptions): Promise<{ readonly uri: string }>;
  stopLocalMongo(options: LocalMongoOptions): Promise<boolean>;
}
// Loaded by path at run time, as the vitest global setup loads its sibling: the tools are no dependency of the worker.
const LOCAL_MONGO_MODULE = pathToFileURL(join(WORKSPACE_ROOT, 'tools/src/db/local-mongo.ts')).href;

/** Starts a FerretDB server (resolves with its URI); idempotent while it runs. */
export const { startLocalMongo, stopLocalMongo } = (await import(LOCAL_MONGO_MODULE)) as LocalMongo;

/**
 * Settings of a FerretDB of a test's own (own port, own SQLite folder), built like the shared one, for tests that stop it.
 *
 * @param name - part of the temporary folder's name
 */
export async function ownFerretDbOptions(name: string): Promise<LocalMongoOptions> {
  return {
    dataDir: await mkdtemp(join(tmpdir(), `phx-${name}-db-`)),
    port: await freePort(),
    binDir: join(process.env['PHX_DATA_DIR'] ?? join(WORKSPACE_ROOT, '.data'), 'bin'),
  };
}

/**
 * Closes a suite opened on a FerretDB of the test's own, then that server: starts it again first (a test may
 * have left it stopped) so the suite can drop its database, stops it, removes its folder.
 *
 * @param server - the server's settings
 * @param suite - the suite on it
 */
export async function closeOnOwnFerretDb(server: LocalMongoOptions, suite: WorkerSuite): Promise<void> {
  await startLocalMongo(server);
  await suite.close();
  await stopLocalMongo(server);
  await rm(server.dataDir, { recursive: true, force: true });
}

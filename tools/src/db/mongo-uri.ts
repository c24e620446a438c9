import { localDataDir } from './workspace-paths.js';
import { startLocalMongo } from './local-mongo.js';

/**
 * The MongoDB connection string phx runs against: `MONGODB_URI` when set,
 * else the local FerretDB (started if needed, reused otherwise).
 *
 * @returns a `mongodb://` connection string (no database name)
 * @throws Error when the local server cannot be started
 */
export async function resolveMongoUri(): Promise<string> {
  const fromEnv = process.env['MONGODB_URI'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return startLocalMongoUri();
}

/**
 * Starts the local FerretDB (data under `PHX_DATA_DIR`, port
 * `PHX_FERRETDB_PORT`) unless it runs, whatever `MONGODB_URI` says: what
 * `phx-db start` does, the counterpart of `phx-db stop`.
 *
 * @returns the local server's `mongodb://` connection string
 * @throws Error when the local server cannot be started
 */
export async function startLocalMongoUri(): Promise<string> {
  const port = process.env['PHX_FERRETDB_PORT'];
  const state = await startLocalMongo({
    dataDir: localDataDir(),
    ...(port === undefined ? {} : { port: Number(port) }),
  });
  return state.uri;
}

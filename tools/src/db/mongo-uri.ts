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
  const port = process.env['PHX_FERRETDB_PORT'];
  const state = await startLocalMongo({
    dataDir: localDataDir(),
    ...(port === undefined ? {} : { port: Number(port) }),
  });
  return state.uri;
}

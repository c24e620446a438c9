import { MongoClient, MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { CoreError, InvalidInputError, intSetting, urlWithoutCredentials } from '@phx/core';
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

/** How long a CLI waits for MongoDB to answer before it gives up, in ms (`MONGODB_CONNECT_TIMEOUT_MS`). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

const connectTimeoutSchema = intSetting(100, 600_000, DEFAULT_CONNECT_TIMEOUT_MS);

/**
 * MongoDB did not answer a CLI within its connect timeout (server down, wrong
 * host or port). Code `DATABASE_UNAVAILABLE`, kind `transient`.
 */
export class DatabaseUnavailableError extends CoreError {
  /**
   * @param uri - the connection string, shown with its password masked
   * @param timeoutMs - how long it was waited, in ms
   * @param cause - the driver's error
   */
  constructor(uri: string, timeoutMs: number, cause: unknown) {
    super(
      'DATABASE_UNAVAILABLE',
      `MongoDB at ${urlWithoutCredentials(uri)} did not answer within ${timeoutMs} ms; start it (npm run db -- start) or set MONGODB_URI to one that runs`,
      'transient',
      { cause },
    );
  }
}

/**
 * Connects to MongoDB for a CLI, waiting at most `MONGODB_CONNECT_TIMEOUT_MS`
 * (default 5 000 ms, 100-600 000) for a server to answer, where the driver
 * alone would wait 30 s.
 *
 * @param uri - the connection string (see {@link resolveMongoUri})
 * @param env - the environment read for `MONGODB_CONNECT_TIMEOUT_MS` (default `process.env`)
 * @returns a connected client; the caller closes it
 * @throws core's `InvalidInputError` when `MONGODB_CONNECT_TIMEOUT_MS` is not a whole number in range
 * @throws {@link DatabaseUnavailableError} when no server answered in time
 */
export async function connectMongo(uri: string, env: NodeJS.ProcessEnv = process.env): Promise<MongoClient> {
  const parsed = connectTimeoutSchema.safeParse(env['MONGODB_CONNECT_TIMEOUT_MS']);
  if (!parsed.success) {
    throw new InvalidInputError('setting', [
      { path: 'MONGODB_CONNECT_TIMEOUT_MS', message: 'must be a whole number of ms from 100 to 600000' },
    ]);
  }
  const timeoutMs = parsed.data;
  try {
    return await MongoClient.connect(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  } catch (error) {
    if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError)
      throw new DatabaseUnavailableError(uri, timeoutMs, error);
    throw error;
  }
}

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

/**
 * How long a CLI waits for the answer to one query of a connected MongoDB
 * before it gives up, in ms (`MONGODB_SOCKET_TIMEOUT_MS`; the driver's
 * `socketTimeoutMS`).
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

const connectTimeoutSchema = intSetting(100, 600_000, DEFAULT_CONNECT_TIMEOUT_MS);
const socketTimeoutSchema = intSetting(100, 3_600_000, DEFAULT_SOCKET_TIMEOUT_MS);

/** A CLI's MongoDB deadlines, in ms. */
export interface CliMongoTimeouts {
  /** `MONGODB_CONNECT_TIMEOUT_MS`: the wait for a server and for a new connection. */
  readonly connectTimeoutMs: number;
  /** `MONGODB_SOCKET_TIMEOUT_MS`: the wait for the answer to one query on a connection. */
  readonly socketTimeoutMs: number;
}

/**
 * MongoDB did not answer a CLI in time: no connection within its connect
 * timeout (server down, wrong host or port), or no answer to a query within
 * its socket timeout on a connection it had (a stalled server). Code
 * `DATABASE_UNAVAILABLE`, kind `transient`.
 */
export class DatabaseUnavailableError extends CoreError {
  /**
   * @param uri - the connection string, shown with its password masked
   * @param timeoutMs - how long it was waited, in ms
   * @param cause - the driver's error
   * @param phase - `connect` (default): no server answered; `query`: a connected server answered no query
   */
  constructor(uri: string, timeoutMs: number, cause: unknown, phase: 'connect' | 'query' = 'connect') {
    const where = `MongoDB at ${urlWithoutCredentials(uri)}`;
    super(
      'DATABASE_UNAVAILABLE',
      phase === 'connect'
        ? `${where} did not answer within ${timeoutMs} ms; start it (npm run db -- start) or set MONGODB_URI to one that runs`
        : `${where} did not answer a query within ${timeoutMs} ms (MONGODB_SOCKET_TIMEOUT_MS): it takes connections but does not work; check the database server`,
      'transient',
      { cause },
    );
  }
}

/**
 * Reads a CLI's MongoDB deadlines from the environment.
 *
 * @param env - the environment read for `MONGODB_CONNECT_TIMEOUT_MS` and `MONGODB_SOCKET_TIMEOUT_MS` (default `process.env`)
 * @returns the deadlines, in ms
 * @throws core's `InvalidInputError` naming each one that is not a whole number in range
 */
export function cliMongoTimeouts(env: NodeJS.ProcessEnv = process.env): CliMongoTimeouts {
  const connect = connectTimeoutSchema.safeParse(env['MONGODB_CONNECT_TIMEOUT_MS']);
  const socket = socketTimeoutSchema.safeParse(env['MONGODB_SOCKET_TIMEOUT_MS']);
  if (!connect.success || !socket.success) {
    throw new InvalidInputError('setting', [
      ...(connect.success ? [] : [{ path: 'MONGODB_CONNECT_TIMEOUT_MS', message: 'must be a whole number of ms from 100 to 600000' }]),
      ...(socket.success ? [] : [{ path: 'MONGODB_SOCKET_TIMEOUT_MS', message: 'must be a whole number of ms from 100 to 3600000' }]),
    ]);
  }
  return { connectTimeoutMs: connect.data, socketTimeoutMs: socket.data };
}

/**
 * What a CLI reports for an error of a database operation after connecting:
 * a driver network error (a query without an answer within
 * `MONGODB_SOCKET_TIMEOUT_MS`, a lost connection) or a failed server
 * selection becomes {@link DatabaseUnavailableError}; any other error is
 * returned as it is.
 *
 * @param error - what the operation threw
 * @param uri - the connection string
 * @param timeouts - the CLI's deadlines (see {@link cliMongoTimeouts})
 * @returns the error to throw
 */
export function databaseErrorOf(error: unknown, uri: string, timeouts: CliMongoTimeouts): unknown {
  if (error instanceof MongoServerSelectionError) return new DatabaseUnavailableError(uri, timeouts.connectTimeoutMs, error);
  if (error instanceof MongoNetworkError) return new DatabaseUnavailableError(uri, timeouts.socketTimeoutMs, error, 'query');
  return error;
}

/**
 * Connects to MongoDB for a CLI, waiting at most `MONGODB_CONNECT_TIMEOUT_MS`
 * (default 5 000 ms, 100-600 000) for a server to answer, where the driver
 * alone would wait 30 s, and at most `MONGODB_SOCKET_TIMEOUT_MS` (default
 * 30 000 ms, 100-3 600 000; the driver's `socketTimeoutMS`) for the answer to
 * each query, where the driver alone would wait for good: a query then fails
 * with the driver's `MongoNetworkTimeoutError` (see {@link databaseErrorOf}).
 *
 * @param uri - the connection string (see {@link resolveMongoUri})
 * @param env - the environment read for the two settings (default `process.env`)
 * @returns a connected client; the caller closes it
 * @throws core's `InvalidInputError` when a setting is not a whole number in range
 * @throws {@link DatabaseUnavailableError} when no server answered in time
 */
export async function connectMongo(uri: string, env: NodeJS.ProcessEnv = process.env): Promise<MongoClient> {
  const timeouts = cliMongoTimeouts(env);
  const t = timeouts.connectTimeoutMs;
  try {
    return await MongoClient.connect(uri, { serverSelectionTimeoutMS: t, connectTimeoutMS: t, socketTimeoutMS: timeouts.socketTimeoutMs });
  } catch (error) {
    if (error instanceof MongoServerSelectionError || error instanceof MongoNetworkError) throw new DatabaseUnavailableError(uri, t, error);
    throw error;
  }
}

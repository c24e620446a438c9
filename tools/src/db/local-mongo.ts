import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { ensureFerretDbBinary } from './ferretdb-binary.js';

/** Where and how the local FerretDB runs. */
export interface LocalMongoOptions {
  /** Folder for the SQLite files, the state file, the log and the built binary (git-ignored `.data`). */
  readonly dataDir: string;
  /** TCP port on 127.0.0.1; default 27027 (not 27017, so a real mongod can coexist). */
  readonly port?: number;
  /** How long to wait for the server to answer after starting, in ms; default 60 000 (a first start builds the binary). */
  readonly startTimeoutMs?: number;
  /** Folder of the built FerretDB binary; default `<dataDir>/bin`. */
  readonly binDir?: string;
}

/** The running local server, as recorded in `<dataDir>/ferretdb/phx-server.json` (FerretDB's own `state.json` sits beside it). */
export interface LocalMongoState {
  /** Process id of FerretDB. */
  readonly pid: number;
  /** Port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** Connection string, e.g. `mongodb://127.0.0.1:27027/`. */
  readonly uri: string;
  /** ISO time it was started. */
  readonly startedAt: string;
}

/** Default port of the local FerretDB. */
export const DEFAULT_LOCAL_MONGO_PORT = 27027;

function paths(options: LocalMongoOptions) {
  const root = join(options.dataDir, 'ferretdb');
  return {
    root,
    sqlite: join(root, 'sqlite'),
    state: join(root, 'phx-server.json'),
    log: join(root, 'ferretdb.log'),
    lock: join(root, 'start.lock'),
    binDir: options.binDir ?? join(options.dataDir, 'bin'),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Tells whether a MongoDB server answers `ping` at `uri`.
 *
 * @param uri - connection string
 * @param timeoutMs - server selection timeout in ms
 * @returns `true` when it answered
 */
export async function pingMongo(uri: string, timeoutMs = 1_000): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * Reads the state of the local server, if one is running and answering.
 *
 * @param options - data folder
 * @returns the state, or `null` when no local server is up
 */
export async function localMongoStatus(options: LocalMongoOptions): Promise<LocalMongoState | null> {
  let state: LocalMongoState;
  try {
    state = JSON.parse(await readFile(paths(options).state, 'utf8')) as LocalMongoState;
  } catch {
    return null;
  }
  if (!isAlive(state.pid)) return null;
  return (await pingMongo(state.uri)) ? state : null;
}

async function withStartLock<T>(lockPath: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockPath}; remove it if no start is running`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/**
 * Starts the local FerretDB v1.24.2 (SQLite backend, 127.0.0.1 only,
 * telemetry disabled) unless it already runs, and returns its state. The
 * server outlives this process: it is started once and reused until
 * {@link stopLocalMongo}. Safe to call from several processes at once.
 *
 * @param options - data folder and port
 * @returns the running server's state
 * @throws Error when the binary cannot be built or the server does not answer in time (the log path is named)
 */
export async function startLocalMongo(options: LocalMongoOptions): Promise<LocalMongoState> {
  const p = paths(options);
  await mkdir(p.sqlite, { recursive: true });
  return withStartLock(p.lock, async () => {
    const running = await localMongoStatus(options);
    if (running) return running;
    const port = options.port ?? DEFAULT_LOCAL_MONGO_PORT;
    const uri = `mongodb://127.0.0.1:${port}/`;
    if (await pingMongo(uri, 500)) {
      throw new Error(
        `Another server already answers on ${uri} (not the one under ${p.root}); ` +
          `stop it, or set PHX_FERRETDB_PORT to another port, or MONGODB_URI to use that server`,
      );
    }
    const binary = await ensureFerretDbBinary({ binDir: p.binDir });
    const log = openSync(p.log, 'a');
    const child = spawn(
      binary,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${p.sqlite}/`,
        `--listen-addr=127.0.0.1:${port}`,
        '--debug-addr=127.0.0.1:0',
        `--state-dir=${p.root}`,
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { detached: true, stdio: ['ignore', log, log], env: { ...process.env, FERRETDB_TELEMETRY: 'disable', DO_NOT_TRACK: '1' } },
    );
    closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`Could not start ${binary}; see ${p.log}`);
    const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
    while (!(await pingMongo(uri, 500))) {
      if (!isAlive(pid) || Date.now() > deadline) {
        throw new Error(`FerretDB did not answer on ${uri}; see ${p.log}`);
      }
      await sleep(200);
    }
    const state: LocalMongoState = { pid, port, uri, startedAt: new Date().toISOString() };
    await writeFile(p.state, JSON.stringify(state, null, 2));
    return state;
  });
}

/**
 * Stops the local FerretDB if it runs: SIGTERM, then SIGKILL after 10 s.
 *
 * @param options - data folder
 * @returns `true` when a server was stopped, `false` when none ran
 */
export async function stopLocalMongo(options: LocalMongoOptions): Promise<boolean> {
  const p = paths(options);
  let state: LocalMongoState;
  try {
    state = JSON.parse(await readFile(p.state, 'utf8')) as LocalMongoState;
  } catch {
    return false;
  }
  await rm(p.state, { force: true });
  if (!isAlive(state.pid)) return false;
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(state.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  return true;
}

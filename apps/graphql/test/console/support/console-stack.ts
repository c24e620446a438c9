import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKeyRepository } from '@phx/jobs';
// Debian's Chromium with the flags of DESIGN.md, as the scrapers and the playground test launch it.
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH } from '@phx/scrapers';
import { MongoClient, type Db } from 'mongodb';
import { chromium, type Browser } from 'playwright-core';
import { startChildService, type ChildService } from '../../support/child-service.js';
import { startOwnFerretDb, type OwnFerretDb } from '../../support/own-ferretdb.js';

/** The monorepo root (`apps/graphql/test/console/support/` is four levels below it). */
export const WORKSPACE = fileURLToPath(new URL('../../../../../', import.meta.url));
/** The built worker entry (`nx run worker:build`). */
export const WORKER_MAIN = join(WORKSPACE, 'apps/worker/dist/main.js');
/** The built GraphQL server entry (`nx run graphql:build`). */
export const GRAPHQL_MAIN = join(WORKSPACE, 'apps/graphql/dist/main.js');
/** The console's Vite build that the server serves at `/` (`CONSOLE_DIR`). */
export const CONSOLE_DIST = join(WORKSPACE, 'apps/console/dist');
/** The Nx command that makes {@link CONSOLE_DIST}. */
export const CONSOLE_BUILD_COMMAND = 'npx nx run console:build';
/** The sample properties catalog the server loads at start (`PROPERTIES_CSV`, 9 properties). */
export const SAMPLE_CSV = join(WORKSPACE, 'tools/data/sample-properties.csv');
/** The saved listings and photos the worker replays (`PHX_FIXTURES_DIR`, else `../shared/fixtures` beside the checkout, as the demo). */
export const FIXTURES_DIR = process.env['PHX_FIXTURES_DIR'] ?? join(WORKSPACE, '..', 'shared', 'fixtures');
/** Name of the database the stack uses on its own FerretDB. */
const DATABASE_NAME = 'phx_console_e2e';

/** An API key made for the run with `ApiKeyRepository`, as `npm run apikey -- create` makes one. */
export interface ConsoleKey {
  /** The secret, as typed into the sign-in form. */
  readonly key: string;
  /** Its id (`Principal.keyId`). */
  readonly id: string;
  /** Its name (`Principal.name`). */
  readonly name: string;
  /** `Bearer <key>`, for calls made by the test itself. */
  readonly authorization: string;
}

/** Everything the console's browser tests run against, all real and all of their own. */
export interface ConsoleStack {
  /** The FerretDB of this stack (own port, own SQLite folder). */
  readonly ferretDb: OwnFerretDb;
  /** The stack's database on it. */
  readonly db: Db;
  /** The folder of stored photos (`PHX_IMAGES_DIR` of worker and server). */
  readonly imagesDir: string;
  /** The worker process (replay mode on {@link FIXTURES_DIR}). */
  readonly worker: ChildService;
  /** The GraphQL server process, serving the console at `/`. */
  readonly server: ChildService;
  /** `http://127.0.0.1:<port>`: the console's origin. */
  readonly origin: string;
  /** `<origin>/graphql`. */
  readonly graphqlUrl: string;
  /** A key of role `read`. */
  readonly readKey: ConsoleKey;
  /** A key of role `admin`. */
  readonly adminKey: ConsoleKey;
  /** Debian's Chromium (headless), launched by playwright-core. */
  readonly browser: Browser;
  /** Closes the browser, stops server and worker (SIGTERM), removes the FerretDB and the photos; safe after a partial start. */
  close(): Promise<void>;
}

/**
 * Checks that every build the stack runs exists.
 *
 * @throws Error naming the missing build and the command that makes it (the console's build first: the tests never skip)
 */
export function assertBuildsExist(): void {
  if (!existsSync(join(CONSOLE_DIST, 'index.html'))) {
    throw new Error(`The console build ${join(CONSOLE_DIST, 'index.html')} is missing: run \`${CONSOLE_BUILD_COMMAND}\` first`);
  }
  for (const [script, project] of [
    [WORKER_MAIN, 'worker'],
    [GRAPHQL_MAIN, 'graphql'],
  ] as const) {
    if (!existsSync(script)) throw new Error(`${script} is missing: run \`npx nx run ${project}:build\` first`);
  }
  if (!existsSync(join(FIXTURES_DIR, 'listings'))) {
    throw new Error(`No saved listings in ${join(FIXTURES_DIR, 'listings')}: set PHX_FIXTURES_DIR to the shared fixtures folder`);
  }
}

/**
 * Brings up the console's world: a FerretDB of its own, a read and an admin
 * key stored with `ApiKeyRepository`, the built worker (replaying the saved
 * Zillow and Redfin pages), the built GraphQL server on a free port of
 * 127.0.0.1 with `CONSOLE_DIR` = the console build and `PROPERTIES_CSV` =
 * the 9 sample properties, and Debian's Chromium. On a failure part way,
 * what was started is stopped before the error is thrown.
 *
 * @returns the running stack; call `close()` after the suite
 * @throws Error when a build is missing ({@link assertBuildsExist}) or a process does not get ready (with its output)
 */
export async function startConsoleStack(): Promise<ConsoleStack> {
  assertBuildsExist();
  const started: { -readonly [K in keyof ConsoleStack]?: ConsoleStack[K] } & { client?: MongoClient } = {};
  const close = async (): Promise<void> => {
    await started.browser?.close();
    await started.server?.stop();
    await started.worker?.stop();
    await started.client?.close();
    await started.ferretDb?.remove();
    if (started.imagesDir !== undefined) await rm(started.imagesDir, { recursive: true, force: true });
  };
  try {
    started.ferretDb = await startOwnFerretDb();
    started.client = await MongoClient.connect(started.ferretDb.uri);
    started.db = started.client.db(DATABASE_NAME);
    started.imagesDir = await mkdtemp(join(tmpdir(), 'phx-console-images-'));
    const keys = new ApiKeyRepository({ db: started.db });
    await keys.ensureIndexes();
    const makeKey = async (role: 'read' | 'admin'): Promise<ConsoleKey> => {
      const name = `console-e2e-${role}`;
      const { key, record } = await keys.create({ name, role });
      return { key, id: record.id, name, authorization: `Bearer ${key}` };
    };
    started.readKey = await makeKey('read');
    started.adminKey = await makeKey('admin');
    const env = {
      MONGODB_URI: started.ferretDb.uri,
      MONGODB_DB: DATABASE_NAME,
      PHX_IMAGES_DIR: started.imagesDir,
      LOG_LEVEL: 'info',
    };
    started.worker = await startChildService({
      name: 'worker',
      script: WORKER_MAIN,
      env: { ...env, PHX_SCRAPER_MODE: 'replay', PHX_FIXTURES_DIR: FIXTURES_DIR, METRICS_PORT: '0' },
      readyPattern: /worker ready/,
      readyTimeoutMs: 120_000,
    });
    started.server = await startChildService({
      name: 'graphql',
      script: GRAPHQL_MAIN,
      env: { ...env, PORT: '0', HOST: '127.0.0.1', PROPERTIES_CSV: SAMPLE_CSV, CONSOLE_DIR: CONSOLE_DIST },
      readyPattern: /graphql ready/,
      readyTimeoutMs: 60_000,
    });
    started.graphqlUrl = (JSON.parse(started.server.readyLine) as { url: string }).url;
    started.origin = new URL(started.graphqlUrl).origin;
    started.browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
  } catch (error) {
    await close();
    throw error;
  }
  return { ...(started as Required<typeof started>), close };
}

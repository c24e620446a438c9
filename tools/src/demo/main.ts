#!/usr/bin/env node
/**
 * The demo: brings up the local database, a worker and the GraphQL server,
 * extracts the photos of the sample properties (replayed saved listings)
 * through the GraphQL API, prints the live progress received over graphql-ws,
 * and ends with a summary checked against the files on disk and the
 * address of the console (with `--keep-console`, kept up until Ctrl-C).
 */
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { InvalidInputError } from '@phx/core/model';
import { ApiKeyRepository } from '@phx/jobs';
import { connectMongo, resolveMongoUri } from '../db/mongo-uri.js';
import { checkFixturesDir, findWorkspaceRoot, fixturesDir, localDataDir } from '../db/workspace-paths.js';
import { PhxGraphqlClient } from '../graphql-client/graphql-client.js';
import { freePort, startChildService, type ChildService } from '../process/child-service.js';
import { demoImagesDir, parseDemoArgs, type DemoOptions } from './demo-options.js';
import { runDemoExtraction } from './run-demo-extraction.js';

/** Exit code of a demo stopped by Ctrl-C (SIGINT) or SIGTERM, as a shell reports a process ended by SIGINT. */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * Exit code of a demo whose stdout closed (its reader went away, as `head` does): it stops as on SIGTERM. 128 + 13,
 * as a shell reports a process ended by SIGPIPE.
 */
const STDOUT_CLOSED_EXIT_CODE = 141;

/** Aborted by the first Ctrl-C (SIGINT) or SIGTERM, or by the end of stdout: the demo cancels its job, stops its services and revokes its key. */
const interrupt = new AbortController();
/** True once the summary is printed and `--keep-console` keeps the services up: Ctrl-C then only stops them. */
let keepingConsole = false;
/** The worker and server the demo started (each in a process group of its own, so a terminal's Ctrl-C reaches only the demo). */
const services: ChildService[] = [];

function onSignal(signal: NodeJS.Signals): void {
  if (interrupt.signal.aborted) {
    console.error(`${signal} again: stopping the worker and server (SIGTERM) and exiting at once; the demo key stays until revoked`);
    for (const service of services) service.child.kill('SIGTERM');
    process.exit(INTERRUPTED_EXIT_CODE);
  }
  console.log(
    keepingConsole
      ? `\n${signal}: stopping the worker and server, revoking the key`
      : `\nInterrupted (${signal}): cancelling the job, stopping the worker and server, revoking the key (${signal} again: exit at once)`,
  );
  interrupt.abort();
}

/** True once a write to stdout failed because nobody reads it (EPIPE): the demo exits {@link STDOUT_CLOSED_EXIT_CODE}. */
let stdoutClosed = false;

/** A failed write to stdout: nobody reads it any more (EPIPE) ends the demo as SIGTERM does; any other error too. */
function onStdoutError(error: NodeJS.ErrnoException): void {
  if (stdoutClosed) return;
  stdoutClosed = true;
  console.error(`stdout closed (${error.code ?? error.message}): cancelling the job, stopping the worker and server, revoking the key`);
  interrupt.abort();
}

async function main(opts: DemoOptions): Promise<number> {
  const started = Date.now();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Without a listener a closed pipe (`npm run demo | head`) killed the demo at once and left its services running.
  process.stdout.on('error', onStdoutError);
  const root = findWorkspaceRoot();
  const dataDir = localDataDir();
  const imagesDir = demoImagesDir(dataDir, opts.db);
  const logsDir = join(dataDir, 'demo', 'logs');
  await mkdir(logsDir, { recursive: true });

  console.log('phx demo: extracting the sample properties through GraphQL -> Agenda -> worker -> Chromium');
  checkFixturesDir(fixturesDir(), 'PHX_FIXTURES_DIR');
  const mongoUri = await resolveMongoUri();
  console.log(`  database   ${mongoUri}${opts.db}`);
  // Before any service starts: a MongoDB that does not answer ends the demo within MONGODB_CONNECT_TIMEOUT_MS.
  await (await connectMongo(mongoUri)).close();
  if (opts.fresh) await dropDemoState(mongoUri, opts.db, imagesDir);
  console.log(`  images     ${imagesDir}`);
  console.log(`  fixtures   ${fixturesDir()} (replayed; the live sites are not contacted)`);
  console.log(`  logs       ${logsDir}`);

  const port = await freePort();
  const env = {
    MONGODB_URI: mongoUri,
    MONGODB_DB: opts.db,
    PHX_IMAGES_DIR: imagesDir,
    PHX_SCRAPER_MODE: 'replay',
    PHX_FIXTURES_DIR: fixturesDir(),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  try {
    services.push(
      await startChildService({
        name: 'worker',
        script: join(root, 'apps/worker/dist/main.js'),
        env,
        readyPattern: /worker ready/,
        logFile: join(logsDir, 'worker.log'),
      }),
    );
    console.log(`  worker     pid ${services[0]?.child.pid} ready`);
    services.push(
      await startChildService({
        name: 'graphql',
        script: join(root, 'apps/graphql/dist/main.js'),
        env,
        readyPattern: /graphql ready/,
        logFile: join(logsDir, 'graphql.log'),
      }),
    );
    const url = `http://127.0.0.1:${port}/graphql`;
    console.log(`  graphql    pid ${services[1]?.child.pid} ready at ${url} (playground ${url.replace(/graphql$/, 'graphiql')})`);
    // The server runs as deployed, keys required: the demo makes an admin key for itself and revokes it at the end.
    const apiKey = await withDemoDatabase(mongoUri, opts.db, (admin) =>
      admin.create({ name: `demo ${new Date().toISOString()}`, role: 'admin' }),
    );
    const consoleUrl = `http://127.0.0.1:${port}/`;
    console.log(`  api key    admin key ${apiKey.record.id} for this run (revoked when the demo ends)`);
    console.log(`  console    ${consoleUrl} (sign in with the key ${apiKey.key})\n`);
    const client = new PhxGraphqlClient(url, { authorization: `Bearer ${apiKey.key}` });
    try {
      const ok = interrupt.signal.aborted
        ? false
        : await runDemoExtraction({ client, imagesDir, sources: opts.sources, signal: interrupt.signal });
      if (interrupt.signal.aborted) {
        console.log(`\nDemo interrupted after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        return INTERRUPTED_EXIT_CODE;
      }
      console.log(`\nDemo ${ok ? 'completed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
      console.log(`Console: ${consoleUrl}${opts.keepConsole ? '' : ' (stopped with the demo; run it with --keep-console to keep it up)'}`);
      if (opts.keepConsole) {
        keepingConsole = true;
        console.log(`Sign in with the key ${apiKey.key}; Ctrl-C stops the worker and server and revokes the key.`);
        await once(interrupt.signal, 'abort');
      }
      return ok ? 0 : 1;
    } finally {
      await client.close();
      await withDemoDatabase(mongoUri, opts.db, (admin) => admin.revoke(apiKey.record.id));
    }
  } finally {
    for (const service of services.reverse()) {
      const code = await service.stop();
      if (code !== 0) console.error(`  ${service.child.spawnfile} exited with code ${code}`);
    }
  }
}

/** Runs `work` with the API key store of the demo database, then closes the connection. */
async function withDemoDatabase<T>(mongoUri: string, dbName: string, work: (admin: ApiKeyRepository) => Promise<T>): Promise<T> {
  const client = await connectMongo(mongoUri);
  try {
    const admin = new ApiKeyRepository({ db: client.db(dbName) });
    await admin.ensureIndexes();
    return await work(admin);
  } finally {
    await client.close();
  }
}

async function dropDemoState(mongoUri: string, dbName: string, imagesDir: string): Promise<void> {
  const client = await connectMongo(mongoUri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
  const { rm } = await import('node:fs/promises');
  await rm(imagesDir, { recursive: true, force: true });
  console.log(`  --fresh    dropped database ${dbName} and ${imagesDir}`);
}

/** Checks the flags before anything starts (bad flags exit 2 naming them, `--help` 0), then runs the demo. */
async function run(argv: readonly string[]): Promise<number> {
  let opts: DemoOptions;
  try {
    opts = parseDemoArgs(argv);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InvalidInputError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  return main(opts);
}

run(process.argv.slice(2)).then(
  (code) => process.exit(stdoutClosed ? STDOUT_CLOSED_EXIT_CODE : code),
  (error: unknown) => {
    console.error(`phx demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

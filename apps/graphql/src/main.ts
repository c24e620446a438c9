#!/usr/bin/env node
/**
 * The GraphQL server process: reads the configuration, connects to MongoDB,
 * builds the services (`createGraphqlServices`: the job service enqueueing
 * through Agenda, never running jobs, the feeds, the properties catalog, ...)
 * and serves HTTP and graphql-ws on one port. Logs `graphql ready` with the URL once listening;
 * SIGTERM or SIGINT stops it gracefully with exit code 0.
 */
// First: tracing starts (when configured) before the modules it instruments load.
import { tracing } from './tracing.js';
import 'reflect-metadata';
import { DatabaseWatchdog } from '@phx/jobs';
import { MongoClient } from 'mongodb';
import { INVALID_CONFIGURATION_EXIT_CODE, InvalidInputError, loadConfigurationOrExit, resolveLogFormat } from '@phx/core';
import { pino, type Logger as PinoLogger } from 'pino';
import { loadGraphqlConfig } from './config.js';
import { createGraphqlServices } from './graphql-services.js';
import { createGraphqlServer } from './server.js';

/** How long the process may take to exit after its resources are closed, in ms, before it is forced. */
const EXIT_GRACE_MS = 3_000;

async function main(): Promise<void> {
  const config = loadConfigurationOrExit('graphql', () => loadGraphqlConfig(), process);
  const pretty = resolveLogFormat(config.logFormat, process.stdout.isTTY) === 'pretty';
  const logger = pino({
    level: config.logLevel,
    base: { service: 'graphql', pid: process.pid },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { destination: 1 } } } : {}),
  });
  // Resources in creation order; closed in reverse. Signals are handled from
  // the start, so a SIGTERM during start-up also ends with a clean exit 0.
  const closers: (() => Promise<void> | void)[] = [];
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, 'graphql forced exit on second signal');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'graphql stopping');
    try {
      for (const close of closers.splice(0).reverse()) await close();
      logger.info({}, 'graphql stopped');
      exitSoon(logger, 0);
    } catch (error) {
      logger.error({ err: error }, 'graphql stop failed');
      exitSoon(logger, 1);
    }
  };
  closers.push(() => tracing.stop()); // closed last: exports the spans of the shutdown too
  process.on('SIGTERM', (signal) => void stop(signal));
  process.on('SIGINT', (signal) => void stop(signal));

  // Short driver timeouts: while the database is down every request fails fast with SERVICE_UNAVAILABLE (503).
  const mongo = new MongoClient(config.mongodbUri, {
    appName: 'phx-graphql',
    serverSelectionTimeoutMS: config.mongoServerSelectionTimeoutMs,
    connectTimeoutMS: config.mongoConnectTimeoutMs,
  });
  closers.push(() => mongo.close());
  await mongo.connect();
  // As in the worker: a client an outage left broken (the database answers new connections, not its own) is rebuilt.
  const watchdog = new DatabaseWatchdog({
    client: mongo,
    mongoUri: config.mongodbUri,
    dbName: config.mongodbDb,
    intervalMs: config.watchdogIntervalMs,
    timeoutMs: config.watchdogTimeoutMs,
    logger: logger.child({ component: 'watchdog' }),
    onFatal: (reason) => {
      logger.error({ reason }, 'database connection past repair; exiting for the supervisor to restart the server');
      process.exit(1);
    },
  });
  watchdog.start();
  closers.push(() => watchdog.stop());
  const services = await createGraphqlServices({
    db: mongo.db(config.mongodbDb),
    propertiesCsv: config.propertiesCsv,
    imageStore: config.imageStore,
    lockLifetimeMs: config.lockLifetimeMs,
    logger,
    watchdog,
  });
  closers.push(() => services.close());
  const catalogProperties = await services.catalog.count();
  if (stopping) return;

  const server = createGraphqlServer({ config, logger, accessLogger: logger, ...services.serverOptions });
  closers.push(() => server.stop());
  const url = await server.start();
  logger.info(
    {
      url,
      playground: url.replace(/\/graphql$/, '/graphiql'),
      console: url.replace(/\/graphql$/, '/'),
      consoleDir: config.consoleDir,
      db: config.mongodbDb,
      catalog: config.propertiesCsv,
      catalogProperties,
      images: config.imageStore === 'gridfs' ? 'gridfs' : config.imagesDir,
      devMode: config.devMode,
      watchdogIntervalMs: config.watchdogIntervalMs,
      watchdogTimeoutMs: config.watchdogTimeoutMs,
    },
    'graphql ready',
  );
}

/** Lets the event loop drain so logs flush, then forces the exit if a stray handle keeps the process alive. */
function exitSoon(logger: PinoLogger, code: number): void {
  process.exitCode = code;
  setTimeout(() => {
    logger.warn({ code }, 'graphql exit forced: handles still open after stop');
    process.exit(code);
  }, EXIT_GRACE_MS).unref();
}

main().catch((error: unknown) => {
  // One JSON line like pino's. Bad settings were reported before the logger existed; bad input found later
  // (e.g. the properties CSV) also exits 2, as the worker's and the CLI's do; anything else 1.
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 60, time: Date.now(), service: 'graphql', msg: 'graphql failed to start', error: message })}\n`,
  );
  process.exit(error instanceof InvalidInputError ? INVALID_CONFIGURATION_EXIT_CODE : 1);
});

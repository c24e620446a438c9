import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noopLogger, type Logger } from '@phx/core';
import type { Logger as PinoLogger } from 'pino';
import {
  JobRepository,
  MongoPhotoRepository,
  type createAgenda,
  type JobEventFeed,
  type JobProgressFeed,
  type JobService,
  type ScheduleService,
} from '@phx/jobs';
import { createGraphqlServices, type GraphqlServices } from '../../src/graphql-services.js';
import type { PropertyCatalog } from '@phx/jobs';
import { createGraphqlServer, type GraphqlServer, type GraphqlServerConfig } from '../../src/server.js';
import { insertTestApiKey, type TestApiKey } from './api-keys.js';
import { SAMPLE_CATALOG_CSV } from './sample-properties.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

/** The configuration tests start servers with: a random port on loopback. */
export const TEST_SERVER_CONFIG: GraphqlServerConfig = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  isProduction: false,
  maxRequestBytes: 16_384,
  maxQueryDepth: 6,
  maxQueryAliases: 5,
  shutdownGraceMs: 1_000,
  maxQueryCost: 5_000,
  devMode: false,
  keyRecheckIntervalMs: 200,
  imagesDir: join(tmpdir(), 'phx-graphql-no-images'),
  consoleDir: join(tmpdir(), 'phx-graphql-no-console'),
  maxSubscriptionsPerSocket: 100,
  maxSocketsPerApiKey: 200,
  publicUrl: null,
  trustedProxies: [],
  sessionTtlMs: 3_600_000,
  corsOrigins: [],
});

/** Real services on a database of their own, and a GraphQL server over them. */
export interface GraphqlHarness {
  readonly database: TestDatabase;
  readonly agenda: Awaited<ReturnType<typeof createAgenda>>;
  readonly jobService: JobService;
  readonly scheduleService: ScheduleService;
  readonly progressFeed: JobProgressFeed;
  /** The job event feed (fast polling). */
  readonly eventFeed: JobEventFeed;
  /** Plays the worker: moves jobs along in MongoDB. */
  readonly repository: JobRepository;
  /** Records photos as a worker would. */
  readonly photos: MongoPhotoRepository;
  readonly catalog: PropertyCatalog;
  readonly server: GraphqlServer;
  /** The services `server` was made with (`createGraphqlServices`' `serverOptions`), for another server on the same database. */
  readonly serverOptions: GraphqlServices['serverOptions'];
  /** An admin key stored in the test database. */
  readonly adminKey: TestApiKey;
  /** A read key stored in the test database. */
  readonly readKey: TestApiKey;
  /** Stops the server, the feed and Agenda; drops the database; removes the catalog file. */
  close(): Promise<void>;
}

/** Options of {@link openGraphqlHarness}. */
export interface GraphqlHarnessOptions {
  /** Server settings over {@link TEST_SERVER_CONFIG}. */
  readonly config?: Partial<GraphqlServerConfig>;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** The access log's pino logger; default none (no access log). */
  readonly accessLogger?: PinoLogger;
  /** Readiness check; default pings the test database. */
  readonly checkReadiness?: () => Promise<void>;
  /** Where photos are served from, as `PHX_IMAGE_STORE`; default `file` (under `config.imagesDir`). */
  readonly imageStore?: 'file' | 'gridfs';
}

/**
 * Builds the server's services on a fresh database with the wiring of
 * `main.ts` (`createGraphqlServices`; fast polling, short cancel waits, a CSV
 * catalog of the sample properties), and a GraphQL server over them (not started).
 *
 * @param suite - suite name for the database
 * @param options - server settings, logger
 * @returns the harness; `close()` it after the suite
 */
export async function openGraphqlHarness(suite: string, options: GraphqlHarnessOptions = {}): Promise<GraphqlHarness> {
  const database = await openTestDatabase(suite);
  const { db } = database;
  const catalogDir = await mkdtemp(join(tmpdir(), 'phx-graphql-catalog-'));
  const csvPath = join(catalogDir, 'properties.csv');
  await writeFile(csvPath, SAMPLE_CATALOG_CSV);
  const services = await createGraphqlServices({
    db,
    propertiesCsv: csvPath,
    cancelWaitMs: 2_000,
    cancelPollIntervalMs: 20,
    feedPollIntervalMs: 20,
    ...(options.imageStore === undefined ? {} : { imageStore: options.imageStore }),
  });
  const { agenda, jobService, scheduleService, progressFeed, eventFeed, catalog } = services;
  const photos = new MongoPhotoRepository({ db });
  await photos.ensureIndexes();
  const adminKey = await insertTestApiKey(db, 'admin');
  const readKey = await insertTestApiKey(db, 'read');
  const server = createGraphqlServer({
    config: { ...TEST_SERVER_CONFIG, ...options.config },
    logger: options.logger ?? noopLogger,
    ...services.serverOptions,
    ...(options.checkReadiness === undefined ? {} : { checkReadiness: options.checkReadiness }),
    ...(options.accessLogger === undefined ? {} : { accessLogger: options.accessLogger }),
  });
  return {
    database,
    agenda,
    jobService,
    scheduleService,
    progressFeed,
    eventFeed,
    repository: new JobRepository({ db }),
    photos,
    catalog,
    server,
    serverOptions: services.serverOptions,
    adminKey,
    readKey,
    async close() {
      await server.stop();
      await services.close();
      await database.drop();
      await rm(catalogDir, { recursive: true, force: true });
    },
  };
}

import { noopLogger, type Logger } from '@phx/core';
import {
  createAgenda,
  type DatabaseWatchdog,
  GridFsImageStore,
  JobEventFeed,
  JobHistoryService,
  JobProgressFeed,
  JobService,
  PropertyCatalog,
  READINESS_TIMEOUT_MS,
  ScheduleService,
  probeDatabase,
  WorkerRegistry,
} from '@phx/jobs';
import type { Db } from 'mongodb';
import { MongoApiKeyVerifier } from './auth/api-key-verifier.js';
import { MongoSessionStore } from './auth/session-store.js';
import type { GraphqlConfig } from './config.js';
import type { GraphqlServerOptions } from './server.js';

/** Options of {@link createGraphqlServices}. */
export interface GraphqlServicesOptions {
  /** The database of jobs, schedules, event logs, API keys and (with `imageStore: 'gridfs'`) photos. Borrowed: never closed here. */
  readonly db: Db;
  /** Absolute path of the properties CSV that seeds an empty catalog (label `sample`); the configuration's `propertiesCsv`. */
  readonly propertiesCsv: string;
  /** Where photos are served from: `'gridfs'` adds a `GridFsImageStore` on `db`; `'file'` (default) reads the server's `imagesDir`. */
  readonly imageStore?: GraphqlConfig['imageStore'];
  /** How long a job's lock lives without a heartbeat, in ms (the configuration's `lockLifetimeMs`). Default `JobService`'s. */
  readonly lockLifetimeMs?: number;
  /** How long `cancelJob` waits for the worker, in ms. Default `JobService`'s. */
  readonly cancelWaitMs?: number;
  /** How often `cancelJob` looks while it waits, in ms. Default `JobService`'s. */
  readonly cancelPollIntervalMs?: number;
  /** How often the progress and event feeds read MongoDB, in ms. Default the feeds'. */
  readonly feedPollIntervalMs?: number;
  /** Logger for the services. Default no-op. */
  readonly logger?: Logger;
  /**
   * The watchdog of the client `db` comes from (started by the caller): a
   * failed readiness read asks it to probe now (and rebuild a broken client)
   * instead of at its next interval, and the failure names its last findings.
   * Default none.
   */
  readonly watchdog?: Pick<DatabaseWatchdog, 'checkSoon' | 'state'>;
}

/** The services the GraphQL server runs on, built by {@link createGraphqlServices}. */
export interface GraphqlServices {
  /** The Agenda queue jobs are enqueued on; never started here (the API runs no jobs). */
  readonly agenda: Awaited<ReturnType<typeof createAgenda>>;
  /** Enqueue, get, list and cancel jobs. */
  readonly jobService: JobService;
  /** Recurring extractions. */
  readonly scheduleService: ScheduleService;
  /** Live job progress. */
  readonly progressFeed: JobProgressFeed;
  /** Job event logs. */
  readonly eventFeed: JobEventFeed;
  /** The properties catalog (collection `properties`, seeded from `propertiesCsv` when empty). */
  readonly catalog: PropertyCatalog;
  /** Everything {@link GraphqlServerOptions} takes but `config` and `logger`: the services above (the queue for Agendash) plus job history, API keys, GridFS photos and the readiness check (a read of the database within `READINESS_TIMEOUT_MS`). */
  readonly serverOptions: Omit<GraphqlServerOptions, 'config' | 'logger'>;
  /** Stops the feeds and Agenda, in reverse order of creation. The database stays open. */
  close(): Promise<void>;
}

/**
 * Builds the GraphQL server's services on a connected database: the Agenda
 * queue (enqueue only), the job and schedule services, the progress and
 * event feeds, job history, the API key verifier, the browser session store, the CSV property catalog
 * and, with `imageStore: 'gridfs'`, the GridFS photo reader; creates their
 * indexes. The server process (`main.ts`) and the tests use this one wiring.
 *
 * @param options - database, catalog path, image store, timings, logger
 * @returns the services; `close()` them before closing the database
 * @throws the driver's `MongoError` when the database cannot be reached or an index cannot be made; what was built is closed first
 * @example
 * ```ts
 * import { loadGraphqlConfig } from './config.js';
 * import { createGraphqlServer } from './server.js';
 * import { MongoClient } from 'mongodb';
 * import { pino } from 'pino';
 * const config = loadGraphqlConfig();
 * const logger = pino();
 * const mongo = await new MongoClient(config.mongodbUri).connect();
 * const { propertiesCsv, imageStore, lockLifetimeMs } = config;
 * const services = await createGraphqlServices({ db: mongo.db(config.mongodbDb), propertiesCsv, imageStore, lockLifetimeMs, logger });
 * const server = createGraphqlServer({ config, logger, ...services.serverOptions });
 * ```
 */
export async function createGraphqlServices(options: GraphqlServicesOptions): Promise<GraphqlServices> {
  const { db } = options;
  const logger = options.logger ?? noopLogger;
  const closers: (() => Promise<void> | void)[] = [];
  const close = async (): Promise<void> => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  try {
    const agenda = await createAgenda({ db, logger });
    closers.push(() => agenda.stop());
    const jobService = new JobService({ db, agenda, logger, ...pick(options, 'lockLifetimeMs', 'cancelWaitMs', 'cancelPollIntervalMs') });
    await jobService.ensureIndexes();
    const scheduleService = new ScheduleService({ db, agenda, logger });
    await scheduleService.ensureIndexes();
    const pollIntervalMs = options.feedPollIntervalMs === undefined ? {} : { pollIntervalMs: options.feedPollIntervalMs };
    const progressFeed = new JobProgressFeed({ db, logger, ...pollIntervalMs });
    closers.push(() => progressFeed.close());
    const eventFeed = new JobEventFeed({ db, logger, ...pollIntervalMs });
    closers.push(() => eventFeed.close());
    await eventFeed.ensureIndexes();
    const sessions = new MongoSessionStore({ db });
    await sessions.ensureIndexes();
    const catalog = new PropertyCatalog({ db });
    await catalog.ensureIndexes();
    // A seed CSV that cannot be read does not stop the server (the catalog can be filled by importProperties): it is
    // logged, and the next start tries again (no seed marker is written).
    const seeded = await catalog.seedIfEmpty(options.propertiesCsv).catch((error: unknown) => {
      logger.warn({ csv: options.propertiesCsv, err: error }, 'could not seed the empty property catalog from PROPERTIES_CSV');
      return null;
    });
    if (seeded !== null)
      logger.info({ csv: options.propertiesCsv, added: seeded.added, invalid: seeded.invalid.length }, 'seeded the empty property catalog');
    const serverOptions: GraphqlServices['serverOptions'] = {
      agenda,
      jobService,
      progressFeed,
      eventFeed,
      jobHistory: new JobHistoryService({ db, jobs: jobService }),
      catalog,
      scheduleService,
      workerRegistry: new WorkerRegistry({ db }),
      apiKeys: new MongoApiKeyVerifier({ db }),
      sessions,
      ...(options.imageStore === 'gridfs' ? { gridFsImages: new GridFsImageStore({ db }) } : {}),
      checkReadiness: async () => {
        try {
          // A read, not a ping: a database stuck below its wire layer still answers ping and handshakes.
          await probeDatabase(db, READINESS_TIMEOUT_MS);
        } catch (error) {
          const { watchdog } = options;
          if (watchdog === undefined) throw error;
          watchdog.checkSoon();
          const { lastOkAt, rebuilds } = watchdog.state;
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`${message} (watchdog: last answer ${lastOkAt?.toISOString() ?? 'never'}, ${rebuilds} rebuilds)`, {
            cause: error,
          });
        }
      },
    };
    return { agenda, jobService, scheduleService, progressFeed, eventFeed, catalog, serverOptions, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The given optional fields of `options` that are set (so absent ones keep the callee's defaults under `exactOptionalPropertyTypes`). */
function pick<K extends keyof GraphqlServicesOptions>(
  options: GraphqlServicesOptions,
  ...keys: K[]
): Partial<Pick<GraphqlServicesOptions, K>> {
  return Object.fromEntries(keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]])) as Partial<
    Pick<GraphqlServicesOptions, K>
  >;
}

#!/usr/bin/env node
// First: tracing starts (when configured) before the modules it instruments load.
import { tracing } from './tracing.js';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { FileImageStore, PixelBudget, configureSharp, loadConfigurationOrExit, resolveLogFormat } from '@phx/core';
import type { Logger } from '@phx/core';
import {
  DatabaseWatchdog,
  JobRepository,
  MongoPhotoRepository,
  JobRunLeases,
  ScheduleRepository,
  WorkerPresence,
  createAgenda,
  describeError,
  probeDatabase,
  withDeadline,
} from '@phx/jobs';
import { ExtractorFactory, defineExtractImagesJob, defineRunScheduleJob } from '@phx/jobs/worker';
import { GridFsImageStore } from '@phx/jobs';
import { loadWorkerConfig, loggableSettings } from './config.js';
import type { WorkerConfig } from './config.js';
import { createWorkerMetrics } from './metrics.js';
import { startWorkerMaintenance } from './worker-maintenance.js';
import { createWorkerHealth } from './worker-health.js';

/**
 * Deadline of each step of a stop but the jobs' grace period, in ms: the
 * queue's stop, the hand-back after the grace period, the closing. A step
 * past it (a database that does not answer) is logged and skipped, and the
 * worker exits 1.
 */
const SHUTDOWN_STEP_TIMEOUT_MS = 5_000;
/**
 * How long after `SHUTDOWN_GRACE_PERIOD` the worker is gone at the latest,
 * in ms: the three steps' deadlines plus 5 s for the rest (traces, logs).
 * Past it the process exits 1 whatever a step does.
 */
const SHUTDOWN_MARGIN_MS = 3 * SHUTDOWN_STEP_TIMEOUT_MS + 5_000;

async function main(): Promise<void> {
  const config: Readonly<WorkerConfig> = loadConfigurationOrExit('worker', () => loadWorkerConfig(process.env), process);
  const pretty = resolveLogFormat(config.logFormat, process.stdout.isTTY) === 'pretty';
  const logger: Logger = pino({
    level: config.logLevel,
    base: { worker: config.workerName },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { destination: 1 } } } : {}),
  });
  const sharpSettings = configureSharp();
  const client = await MongoClient.connect(config.mongoUri);
  const db = client.db(config.mongoDb);
  const repository = new JobRepository({ db });
  const photos = new MongoPhotoRepository({ db, logger });
  await Promise.all([
    repository.ensureIndexes(),
    photos.ensureIndexes(),
    new JobRunLeases({ db }).ensureIndexes(),
    new ScheduleRepository({ db }).ensureIndexes(),
  ]);
  // Watchdog and health checks: the worker rebuilds a connection an outage left broken, or exits for its supervisor.
  let lastQueuePollAt: Date | null = null;
  let runningJobs = (): number => 0;
  const watchdog = new DatabaseWatchdog({
    client,
    mongoUri: config.mongoUri,
    dbName: config.mongoDb,
    intervalMs: config.watchdogIntervalMs,
    timeoutMs: config.watchdogTimeoutMs,
    logger: logger.child({ component: 'watchdog' }),
    onFatal: (reason) => {
      logger.error({ reason }, 'database connection past repair; exiting for the supervisor to restart the worker');
      process.exit(1);
    },
  });
  const health = createWorkerHealth({
    watchdog: () => watchdog.state,
    readDatabase: (timeoutMs) => probeDatabase(db, timeoutMs),
    lastQueuePollAt: () => lastQueuePollAt,
    runningJobs: () => runningJobs(),
    maxConcurrentJobs: config.maxConcurrentJobs,
    watchdogIntervalMs: config.watchdogIntervalMs,
    watchdogTimeoutMs: config.watchdogTimeoutMs,
  });
  const agenda = await createAgenda({
    onQueuePoll: () => {
      lastQueuePollAt = new Date();
    },
    db,
    name: config.workerName,
    maxConcurrency: config.maxConcurrentJobs,
    defaultLockLifetimeMs: config.lockLifetimeMs,
    logger,
    notifications: config.queueNotifyPollMs === 0 ? false : { pollIntervalMs: config.queueNotifyPollMs },
  });
  const gridFs = config.imageStore === 'gridfs' ? new GridFsImageStore({ db }) : null;
  await gridFs?.ensureIndexes();
  const store = new FileImageStore({ rootDir: config.imagesDir, logger });
  const extractors = new ExtractorFactory({
    mode: config.scraperMode === 'replay' ? { kind: 'replay', fixturesDir: config.fixturesDir } : { kind: 'live' },
    store: gridFs ?? store,
    repository: photos,
    logger,
    revalidateKnownPhotos: config.revalidateKnownPhotos,
    decodeBudget: new PixelBudget({ maxPixels: config.maxDecodePixels }),
    retireContextAfterPages: config.retireContextAfterPages,
    fetchMode: config.fetchMode,
    proxies: config.proxies,
  });
  const metrics = await createWorkerMetrics({ config, db, agenda, repository, extractors, logger, health });
  const jobs = defineExtractImagesJob(agenda, {
    repository,
    extractor: (job) => extractors.forJob(job),
    observe: (extractor) => metrics.observe(extractor),
    logger,
    workerName: config.workerName,
    propertyConcurrency: config.propertyConcurrency,
    jobTimeoutMs: config.jobTimeoutMs,
    lockLifetimeMs: config.lockLifetimeMs,
    propertyMaxAttempts: config.propertyMaxAttempts,
    propertyRetryInitialBackoffMs: config.propertyRetryInitialBackoffMs,
    propertyRetryMaxBackoffMs: config.propertyRetryMaxBackoffMs,
    propertyMaxDeferMs: config.propertyMaxDeferMs,
  });
  runningJobs = () => jobs.runningJobIds.length;
  const ticker = defineRunScheduleJob(agenda, { db, logger, workerName: config.workerName });
  // This process in the `workers` collection, with the jobs it runs (what the console's workers page shows).
  const presence = new WorkerPresence({
    db,
    heartbeatIntervalMs: config.workerHeartbeatMs,
    concurrency: config.maxConcurrentJobs,
    runningJobs: () => jobs.runningJobs,
    logger,
  });

  // Every sweep (at start, then every interval) deletes expired jobs and the temporary photo files at least
  // JOB_LOCK_LIFETIME old: a younger one, even a killed worker's, may be a live writer's and waits for a later sweep.
  const maintenance = startWorkerMaintenance({
    db,
    store,
    jobResultTtlMs: config.jobResultTtlMs,
    tempFileMaxAgeMs: config.lockLifetimeMs,
    intervalMs: Math.min(Math.max(Math.min(config.lockLifetimeMs, config.jobResultTtlMs / 2), 1_000), 3_600_000),
    logger,
  });
  await maintenance.firstSweep;

  let stopping: Promise<boolean> | null = null;
  /** Runs one step of the stop within `timeoutMs`; `false` (logged) when it failed or did not end in time. */
  const stopStep = async (
    reason: string,
    what: string,
    step: () => Promise<unknown>,
    timeoutMs = SHUTDOWN_STEP_TIMEOUT_MS,
  ): Promise<boolean> => {
    try {
      await withDeadline(step(), timeoutMs, what);
      return true;
    } catch (error) {
      logger.error({ reason, err: describeError(error) }, `worker stop: ${what} failed`);
      return false;
    }
  };
  /** Stops the worker; resolves `true` when every step ended in time (the jobs were handed back), `false` otherwise. */
  const shutdown = (reason: string): Promise<boolean> => {
    stopping ??= (async () => {
      logger.info({ reason, running: jobs.runningJobIds }, 'worker stopping');
      setTimeout(() => {
        // The last resort: each step below has its own deadline, so this fires only when one ignores it.
        logger.error({ reason, notHandedBack: jobs.runningJobIds }, 'worker did not stop in time; exiting');
        process.exit(1);
      }, config.shutdownGracePeriodMs + SHUTDOWN_MARGIN_MS).unref();
      metrics.setActive(false);
      // No new job from here; running ones may finish within the grace period, then the rest is handed back.
      let clean = await stopStep(reason, 'stopping the queue', async () => {
        await agenda.stop(false);
        await ticker.drain();
      });
      let handedBack: string[] = [];
      const handed = await stopStep(
        reason,
        'handing back the running jobs',
        async () => {
          handedBack = await jobs.drain(reason, config.shutdownGracePeriodMs);
        },
        config.shutdownGracePeriodMs + SHUTDOWN_STEP_TIMEOUT_MS,
      );
      if (handed) {
        logger.info({ reason, handedBack }, handedBack.length === 0 ? 'running jobs finished' : 'running jobs handed back');
      } else {
        clean = false;
        logger.error(
          { reason, notHandedBack: jobs.runningJobIds, lockLifetimeMs: config.lockLifetimeMs },
          'running jobs could not be handed back (the database did not take them in time); another worker resumes them once their run lease lapses (JOB_LOCK_LIFETIME)',
        );
      }
      clean =
        (await stopStep(reason, 'closing', async () => {
          await presence.stop();
          await maintenance.stop();
          await watchdog.stop();
          await extractors.close();
          await metrics.close();
          await client.close();
        })) && clean;
      if (!clean) void client.close(true).catch(() => undefined);
      await tracing.stop();
      logger.info({ reason, clean }, 'worker stopped');
      return clean;
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        (clean) => process.exit(clean ? 0 : 1),
        (error: unknown) => {
          logger.error({ err: describeError(error) }, 'worker shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await presence.start();
  await agenda.start();
  watchdog.start();
  metrics.setActive(true);
  // Every setting it runs with, but the connection string and credentials (proxies, the traces endpoint).
  logger.info({ ...loggableSettings(config), workerId: presence.id, sharp: sharpSettings }, 'worker ready');
}

main().catch((error: unknown) => {
  console.error(`worker failed to start: ${describeError(error)}`);
  process.exit(1);
});

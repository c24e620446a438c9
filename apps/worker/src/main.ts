#!/usr/bin/env node
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { FileImageStore, configureSharp } from '@phx/core';
import type { Logger } from '@phx/core';
import { JobRepository, MongoPhotoRepository, JobRunLeases, ScheduleRepository, createAgenda, describeError } from '@phx/jobs';
import { ExtractorFactory, defineExtractImagesJob, defineRunScheduleJob } from '@phx/jobs/worker';
import { loadWorkerConfig } from './config.js';
import type { WorkerConfig } from './config.js';
import { createWorkerMetrics } from './metrics.js';


/** Longest a shutdown may take before the process exits anyway, in ms. */
const SHUTDOWN_DEADLINE_MS = 15_000;

function readConfig(): Readonly<WorkerConfig> {
  try {
    return loadWorkerConfig(process.env);
  } catch (error) {
    console.error(describeError(error));
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger: Logger = pino({ level: config.logLevel, base: { worker: config.workerName } });
  const sharpSettings = configureSharp();
  const client = await MongoClient.connect(config.mongoUri);
  const db = client.db(config.mongoDb);
  const repository = new JobRepository({ db });
  const photos = new MongoPhotoRepository({ db });
  await Promise.all([
    repository.ensureIndexes(),
    photos.ensureIndexes(),
    new JobRunLeases({ db }).ensureIndexes(),
    new ScheduleRepository({ db }).ensureIndexes(),
  ]);
  const agenda = await createAgenda({
    db,
    name: config.workerName,
    maxConcurrency: config.maxConcurrentJobs,
    logger,
    notifications: config.queueNotifyPollMs === 0 ? false : { pollIntervalMs: config.queueNotifyPollMs },
  });
  const extractors = new ExtractorFactory({
    mode: config.scraperMode === 'replay' ? { kind: 'replay', fixturesDir: config.fixturesDir } : { kind: 'live' },
    store: new FileImageStore({ rootDir: config.imagesDir, logger }),
    repository: photos,
    logger,
  });
  const metrics = await createWorkerMetrics({ config, db, agenda, repository, extractors, logger });
  const jobs = defineExtractImagesJob(agenda, {
    repository,
    extractor: async (job) => metrics.observe(await extractors.forJob(job)),
    logger,
    workerName: config.workerName,
    propertyConcurrency: config.propertyConcurrency,
    jobTimeoutMs: config.jobTimeoutMs,
  });
  defineRunScheduleJob(agenda, { db, logger, workerName: config.workerName });

  let stopping: Promise<void> | null = null;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ reason, running: jobs.runningJobIds }, 'worker stopping');
      setTimeout(() => {
        logger.error({ reason }, 'worker did not stop in time; exiting');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      metrics.setActive(false);
      await agenda.stop(false);
      await jobs.handBack(reason);
      await extractors.close();
      await metrics.close();
      await client.close();
      logger.info({ reason }, 'worker stopped');
    })();
    return stopping;
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: describeError(error) }, 'worker shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await agenda.start();
  metrics.setActive(true);
  logger.info(
    {
      db: config.mongoDb,
      scraperMode: config.scraperMode,
      imagesDir: config.imagesDir,
      maxConcurrentJobs: config.maxConcurrentJobs,
      propertyConcurrency: config.propertyConcurrency,
      sharp: sharpSettings,
    },
    'worker ready',
  );
}

main().catch((error: unknown) => {
  console.error(`worker failed to start: ${describeError(error)}`);
  process.exit(1);
});

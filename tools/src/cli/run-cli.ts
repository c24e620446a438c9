import { FileImageStore } from '@phx/core';
import { checkFixturesDir } from '../db/workspace-paths.js';
import type { ExtractionJob, Logger } from '@phx/core';
import { JobProgressFeed, JobPropertyStore, JobService, MongoPhotoRepository, JobRepository } from '@phx/jobs';
import { ExtractorFactory, runExtractionJobNow } from '@phx/jobs/worker';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import type { CliConfig } from './cli-config.js';
import type { CliRequest } from './cli-options.js';
import { openCatalog, selectFromCatalog } from './catalog-selection.js';
import { followJob } from './follow-job.js';
import { REPORT_OUTCOME_ROWS, formatJobReport, formatOutcomes } from './job-report.js';

/**
 * Exit code of an in-process run stopped by Ctrl-C (SIGINT): the job was
 * cancelled and its report printed. 128 + 2, as shells report a command
 * ended by SIGINT.
 */
export const INTERRUPTED_EXIT_CODE = 130;

/** What a CLI run works with; all borrowed. */
export interface CliContext {
  readonly db: Db;
  readonly agenda: Agenda;
  readonly config: Readonly<CliConfig>;
  readonly logger: Logger;
  /** Where output lines go. */
  readonly write: (line: string) => void;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
}

/**
 * Carries out a parsed CLI request.
 *
 * @param request - what was asked
 * @param ctx - database, queue, settings, output
 * @returns the process exit code: 0 only when the job (or the status asked for) is `completed`,
 *   when an `--async` job was enqueued and not waited for, or when `--cancel` ended the job `cancelled`;
 *   {@link INTERRUPTED_EXIT_CODE} when `ctx.signal` (Ctrl-C) cancelled an in-process run
 * @throws core's `NotFoundError` (unknown job or address) and `InvalidInputError` (bad request);
 *   `JobAlreadyFinishedError` (code `JOB_ALREADY_FINISHED`) for `--cancel` of a finished job
 */
export async function runCli(request: CliRequest, ctx: CliContext): Promise<number> {
  const service = new JobService({ db: ctx.db, agenda: ctx.agenda, logger: ctx.logger });
  await service.ensureIndexes();
  const feed = new JobProgressFeed({ db: ctx.db, logger: ctx.logger });
  try {
    if (request.kind === 'status') {
      let job: ExtractionJob = await service.getJob(request.jobId);
      if (request.wait) job = (await followJob(feed, job.id, ctx.write, ctx.signal)) ?? job;
      ctx.write(formatJobReport(job));
      return job.status === 'completed' ? 0 : 1;
    }
    if (request.kind === 'cancel') {
      const job = await service.cancelJob(request.jobId);
      ctx.write(formatJobReport(job));
      return job.status === 'cancelled' ? 0 : 1;
    }
    const catalog = await openCatalog(ctx.db, ctx.config.csvPath);
    const properties = await selectFromCatalog(catalog, request.selection, ctx.write);
    const input = {
      properties,
      sources: request.sources,
      isolationMode: request.isolationMode,
      fetchMode: request.fetchMode,
      dryRun: request.dryRun,
    };
    if (request.mode === 'async') {
      const job = await service.enqueueExtraction(input);
      ctx.write(
        job.deduplicated
          ? `Job already pending for the same request: ${job.id} (${job.totalProperties} properties)`
          : `Job enqueued: ${job.id} (${job.totalProperties} properties)`,
      );
      ctx.write(`Check status: npm run extract -- --job-id ${job.id}`);
      if (!request.wait) return 0;
      const last = (await followJob(feed, job.id, ctx.write, ctx.signal)) ?? job;
      ctx.write(formatJobReport(last));
      return last.status === 'completed' ? 0 : 1;
    }
    return await runInProcess(service, feed, input, request, ctx);
  } finally {
    feed.close();
  }
}

async function runInProcess(
  service: JobService,
  feed: JobProgressFeed,
  input: Parameters<JobService['createExtraction']>[0],
  request: Extract<CliRequest, { kind: 'extract' }>,
  ctx: CliContext,
): Promise<number> {
  if (request.replayFixturesDir !== null) checkFixturesDir(request.replayFixturesDir, '--fixtures');
  const job = await service.createExtraction(input);
  ctx.write(`Job ${job.id}: extracting ${job.totalProperties} properties in this process`);
  const onInterrupt = (): void => {
    ctx.write('Cancelling...');
    void service.cancelJob(job.id).catch(() => undefined);
  };
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  if (ctx.signal.aborted) onInterrupt(); // Ctrl-C came while the job was being written
  const extractors = new ExtractorFactory({
    mode: request.replayFixturesDir === null ? { kind: 'live' } : { kind: 'replay', fixturesDir: request.replayFixturesDir },
    store: new FileImageStore({ rootDir: ctx.config.imagesDir, logger: ctx.logger }),
    repository: new MongoPhotoRepository({ db: ctx.db }),
    logger: ctx.logger,
    retireContextAfterPages: request.retireContextAfterPages,
  });
  try {
    const following = followJob(feed, job.id, ctx.write);
    const final = await runExtractionJobNow(job.id, {
      repository: new JobRepository({ db: ctx.db }),
      extractor: (j) => extractors.forJob(j),
      logger: ctx.logger,
    });
    await following;
    ctx.write(formatJobReport(final));
    const page = await new JobPropertyStore({ db: ctx.db }).page(final.id, { first: REPORT_OUTCOME_ROWS });
    const outcomes = page.entries.flatMap((e) => (e.outcome === null ? [] : [e.outcome]));
    if (outcomes.length > 0) ctx.write(formatOutcomes(outcomes, final.totalProperties));
    if (!final.dryRun) ctx.write(`Images stored under ${ctx.config.imagesDir}/<property id>/`);
    if (ctx.signal.aborted && final.status === 'cancelled') return INTERRUPTED_EXIT_CODE;
    return final.status === 'completed' ? 0 : 1;
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
    await extractors.close();
  }
}

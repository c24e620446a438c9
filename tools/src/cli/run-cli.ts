import { DEFAULT_FETCH_MODE, FileImageStore, finishedProperties, photosSeen, pickCounters } from '@phx/core';
import { checkFixturesDir } from '../db/workspace-paths.js';
import type { ExtractionJob, Logger, PropertyOutcome } from '@phx/core';
import { JobPropertyStore, JobService, MongoPhotoRepository, JobRepository } from '@phx/jobs';
import { ExtractorFactory, runExtractionJobNow } from '@phx/jobs/worker';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import type { CliConfig } from './cli-config.js';
import type { CliRequest } from './cli-options.js';
import { catalogSelectionOf, openCatalog, selectFromCatalog } from './catalog-selection.js';
import { followJob } from './follow-job.js';
import { REPORT_OUTCOME_ROWS, formatJobReport, formatOutcomes, selectionText } from './job-report.js';
import { chooseProgressMode, createProgressDisplay, failureJson } from './progress-display.js';
import { countOf } from '../report/counter-text.js';

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
  /** Where result lines go (stdout): reports, and with `--json` the JSON events. */
  readonly write: (line: string) => void;
  /** Where notes go that would spoil `--json` output on stdout (stderr). */
  readonly writeErr: (line: string) => void;
  /** Where progress is drawn (stderr); a terminal gets the updating display. Borrowed. */
  readonly progressStream: NodeJS.WriteStream;
  /** Aborted on Ctrl-C. */
  readonly signal: AbortSignal;
  /**
   * How long following a job (an in-process run, `--wait`) keeps reading
   * while its reads fail, in ms, before it gives up with the last error
   * (`MONGODB_SOCKET_TIMEOUT_MS`); default: it keeps trying.
   */
  readonly giveUpAfterMs?: number;
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
  const out = new CliOutput(request.json, ctx);
  if (request.kind === 'status') {
    let job: ExtractionJob = await service.getJob(request.jobId);
    if (request.wait) {
      await out.follow(job, false);
      job = await service.getJob(job.id);
    }
    return out.report(job, job.status === 'completed' ? 0 : 1);
  }
  if (request.kind === 'cancel') {
    const job = await service.cancelJob(request.jobId);
    return out.report(job, job.status === 'cancelled' ? 0 : 1);
  }
  const catalog = await openCatalog(ctx.db, ctx.config.csvPath);
  const options = {
    sources: request.sources,
    isolationMode: request.isolationMode,
    fetchMode: request.fetchMode,
    dryRun: request.dryRun,
    timeoutMs: request.timeoutMs,
  };
  if (request.mode === 'async') {
    const selection = await catalogSelectionOf(catalog, request.selection);
    const job =
      selection === null
        ? await service.enqueueExtraction({ ...options, properties: await selectFromCatalog(catalog, request.selection, out.say) })
        : await service.enqueueSelection({ ...options, selection });
    const size = selection === null ? countOf(job.totalProperties, 'property', 'properties') : selectionText(selection);
    out.event({
      type: 'job',
      jobId: job.id,
      mode: 'async',
      totalProperties: job.totalProperties,
      deduplicated: job.deduplicated,
      ...(selection === null ? {} : { selection }),
    });
    out.say(job.deduplicated ? `Job already pending for the same request: ${job.id} (${size})` : `Job enqueued: ${job.id} (${size})`);
    out.say(`Check status: npm run extract -- --job-id ${job.id}`);
    if (!request.wait) return 0;
    await out.follow(job, true);
    const last = await service.getJob(job.id);
    return out.report(last, last.status === 'completed' ? 0 : 1);
  }
  // The mode this process runs with, on the job: its report names it, and a worker taking it over keeps it.
  const fetchMode = request.fetchMode ?? DEFAULT_FETCH_MODE;
  const input = { ...options, fetchMode, properties: await selectFromCatalog(catalog, request.selection, out.say) };
  return await runInProcess(service, out, input, request, ctx);
}

/**
 * The CLI's output in one of its forms: text on stdout with progress on
 * stderr (an updating display on a terminal, plain lines elsewhere), or with
 * `--json` NDJSON on stdout and notes on stderr.
 */
class CliOutput {
  /** A note for a person: stdout in text mode, stderr with `--json`. */
  readonly say: (line: string) => void;

  constructor(
    private readonly json: boolean,
    private readonly ctx: CliContext,
  ) {
    this.say = json ? ctx.writeErr : ctx.write;
  }

  /** With `--json`: writes one event line on stdout. */
  event(event: Readonly<Record<string, unknown>>): void {
    if (this.json) this.ctx.write(JSON.stringify(event));
  }

  /** Shows a job's progress until it ends (the display picked by the flags and the terminal). */
  async follow(job: ExtractionJob, fromStart: boolean, signal: AbortSignal | undefined = this.ctx.signal): Promise<void> {
    const mode = chooseProgressMode({
      json: this.json,
      isTty: this.ctx.progressStream.isTTY === true,
      plainTerminal: this.ctx.config.plainTerminal,
    });
    const display = createProgressDisplay({
      mode,
      stream: this.ctx.progressStream,
      writeOut: this.ctx.write,
      intervalMs: this.ctx.config.progressIntervalMs,
    });
    await followJob({
      db: this.ctx.db,
      job,
      display,
      fromStart,
      logger: this.ctx.logger,
      ...(signal === undefined ? {} : { signal }),
      ...(this.ctx.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: this.ctx.giveUpAfterMs }),
    });
  }

  /**
   * Prints a job's report (text) or its `summary` event (`--json`), naming each failed property's reasons.
   *
   * @returns `exitCode`
   */
  async report(job: Parameters<typeof formatJobReport>[0], exitCode: number, failureTable = false): Promise<number> {
    const failed = await failedOutcomes(this.ctx.db, job);
    if (this.json) this.event(summaryEvent(job, failed, exitCode));
    // A run that prints its outcome table names the reasons there.
    else this.ctx.write(formatJobReport(job, failureTable ? [] : failed));
    return exitCode;
  }
}

/** The first page of a job's failed properties (see {@link REPORT_OUTCOME_ROWS}), with their reasons. */
async function failedOutcomes(db: Db, job: ExtractionJob): Promise<PropertyOutcome[]> {
  if (job.failedProperties === 0) return [];
  const page = await new JobPropertyStore({ db }).page(job.id, { status: 'failed', first: REPORT_OUTCOME_ROWS });
  return page.entries.flatMap((e) => (e.outcome === null ? [] : [e.outcome]));
}

/**
 * The last line of `--json` output: the job's end, counters and failed properties with their reasons
 * (shape in the README's CLI section).
 *
 * @param job - the job as it ended (or stands)
 * @param failed - its failed properties, a first page
 * @param exitCode - the exit code the CLI returns
 * @returns the event object
 */
export function summaryEvent(job: ExtractionJob, failed: readonly PropertyOutcome[], exitCode: number): Readonly<Record<string, unknown>> {
  return {
    type: 'summary',
    jobId: job.id,
    status: job.status,
    exitCode,
    propertiesDone: finishedProperties(job),
    photos: photosSeen(job),
    counters: pickCounters(job),
    sources: job.sources,
    isolationMode: job.isolationMode,
    fetchMode: job.fetchMode,
    dryRun: job.dryRun,
    timeoutMs: job.timeoutMs,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    completedAt: job.completedAt,
    errorMessage: job.errorMessage,
    failedProperties: failed.map((o) => ({ propertyId: o.propertyId, address: o.address, failures: o.failures.map(failureJson) })),
  };
}

async function runInProcess(
  service: JobService,
  out: CliOutput,
  input: Parameters<JobService['createExtraction']>[0],
  request: Extract<CliRequest, { kind: 'extract' }>,
  ctx: CliContext,
): Promise<number> {
  if (request.replayFixturesDir !== null) checkFixturesDir(request.replayFixturesDir, '--fixtures');
  const job = await service.createExtraction(input, { scraperMode: request.replayFixturesDir === null ? 'live' : 'replay' });
  out.event({ type: 'job', jobId: job.id, mode: 'in-process', totalProperties: job.totalProperties, deduplicated: false });
  out.say(`Job ${job.id}: extracting ${countOf(job.totalProperties, 'property', 'properties')} in this process`);
  const onInterrupt = (): void => {
    ctx.writeErr('Cancelling...');
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
    // Followed to the end without the Ctrl-C signal: the cancelled job's last events and report still show.
    const following = out.follow(job, true, undefined);
    const running = runExtractionJobNow(job.id, {
      repository: new JobRepository({ db: ctx.db }),
      extractor: (j) => extractors.forJob(j),
      logger: ctx.logger,
    });
    // Awaited together: a follower that gave up on a database gone for ctx.giveUpAfterMs ends the run at once (the
    // caller reports DATABASE_UNAVAILABLE) instead of rejecting unheard while the extraction waits for MongoDB.
    const [, final] = await Promise.all([following, running]);
    const exitCode = ctx.signal.aborted && final.status === 'cancelled' ? INTERRUPTED_EXIT_CODE : final.status === 'completed' ? 0 : 1;
    await out.report(final, exitCode, true);
    if (request.json) return exitCode;
    const page = await new JobPropertyStore({ db: ctx.db }).page(final.id, { first: REPORT_OUTCOME_ROWS });
    const outcomes = page.entries.flatMap((e) => (e.outcome === null ? [] : [e.outcome]));
    if (outcomes.length > 0) ctx.write(formatOutcomes(outcomes, final.totalProperties));
    if (!final.dryRun) ctx.write(`Images stored under ${ctx.config.imagesDir}/<property id>/`);
    return exitCode;
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
    await extractors.close();
  }
}

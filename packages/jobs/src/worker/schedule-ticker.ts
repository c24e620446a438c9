import type { Clock, Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import type { JobService } from '../service/job-service.js';
import type { ExtractionSchedule, ScheduleId } from '../schedules/schedule.js';
import type { ScheduleRepository } from '../schedules/schedule-repository.js';

/**
 * What one call of {@link ScheduleTicker.tick} did: `started` a job, `skipped`
 * the tick (a run still going), `failed` to enqueue, or nothing because the
 * tick was `claimed-elsewhere` (another worker has it; this fire is added to
 * its record), the schedule is `paused` (recorded as skipped, reason
 * `schedule is paused`), or it is `gone` (removed: nothing to record on).
 */
export type TickResult =
  | { readonly outcome: 'started'; readonly jobId: string }
  | { readonly outcome: 'skipped'; readonly previousJobId: string }
  | { readonly outcome: 'failed'; readonly reason: string }
  | { readonly outcome: 'claimed-elsewhere' | 'paused' | 'gone' };

/** Settings of {@link ScheduleTicker}; resources borrowed. */
export interface ScheduleTickerOptions {
  /** Schedules and tick records. */
  readonly repository: ScheduleRepository;
  /** Enqueues each run as an ordinary job (origin `scheduled`). */
  readonly jobs: JobService;
  /** Name of this worker, recorded on each tick. */
  readonly workerName: string;
  /** Time of the tick records (`recordedAt`) and of the enqueued jobs. */
  readonly clock: Clock;
  /** Logger of the ticks (`scheduleId`, `tickAt`, `jobId`). */
  readonly logger: Logger;
  /** How long tick records are kept, in ms (like finished jobs, `JOB_RESULT_TTL`); older ones of a schedule go at its next tick. */
  readonly tickRetentionMs: number;
}

/**
 * Handles the ticks of schedules: claims each tick once across workers (by
 * inserting its record), skips it while an earlier run of the schedule is
 * still pending or running or the schedule is paused (recording the skip and
 * why), and else enqueues the run. Every fire is recorded: a fire that finds
 * its tick claimed is added to that tick's record (`claimedElsewhere`).
 */
export class ScheduleTicker {
  private readonly o: ScheduleTickerOptions;
  private readonly inFlight = new Set<Promise<TickResult>>();

  /**
   * @param options - repository, job service, worker name, clock, logger
   */
  constructor(options: ScheduleTickerOptions) {
    this.o = options;
  }

  /**
   * Handles one tick of one schedule. Safe to call from several workers for
   * the same tick: one of them acts, the others get `claimed-elsewhere`.
   *
   * @param scheduleId - the schedule
   * @param tickAt - the cron occurrence (the claim key with the schedule id)
   * @returns what the tick did
   * @throws the driver's error when MongoDB fails before the tick was claimed
   */
  tick(scheduleId: ScheduleId, tickAt: Date): Promise<TickResult> {
    const running = this.handleTick(scheduleId, tickAt);
    this.inFlight.add(running);
    void running.catch(() => undefined).finally(() => this.inFlight.delete(running));
    return running;
  }

  /**
   * Waits for the ticks being handled to end (their run enqueued and the tick
   * record settled, or failed), so that a stopping worker does not close its
   * database connection between claiming a tick and starting its run, which
   * would leave a `started` tick without a job.
   *
   * @returns when no tick is in flight; never rejects
   */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async handleTick(scheduleId: ScheduleId, tickAt: Date): Promise<TickResult> {
    const schedule = await this.o.repository.get(scheduleId);
    if (schedule === null) return { outcome: 'gone' };
    const logger = this.o.logger.child({ scheduleId, tickAt: tickAt.toISOString() });
    const base = { scheduleId, tickAt, workerName: this.o.workerName, recordedAt: this.o.clock.now(), claimedElsewhere: [] };
    if (schedule.paused) {
      // A fire can still come after a pause removed the queue entry (it was already locked): record it, start nothing.
      const claimed = await this.o.repository.claimTick({
        ...base,
        outcome: 'skipped',
        jobId: null,
        previousJobId: null,
        reason: 'schedule is paused',
      });
      return claimed ? { outcome: 'paused' } : this.claimedElsewhere(scheduleId, tickAt, logger);
    }
    const previous = await this.o.repository.findUnfinishedRun(scheduleId);
    if (previous !== null) {
      const reason = `previous run ${previous.jobId} is still ${previous.status}`;
      const claimed = await this.o.repository.claimTick({
        ...base,
        outcome: 'skipped',
        jobId: null,
        previousJobId: previous.jobId,
        reason,
      });
      if (!claimed) return this.claimedElsewhere(scheduleId, tickAt, logger);
      logger.info({ previousJobId: previous.jobId }, 'schedule tick skipped: previous run still going');
      return { outcome: 'skipped', previousJobId: previous.jobId };
    }
    const claimed = await this.o.repository.claimTick({ ...base, outcome: 'started', jobId: null, previousJobId: null, reason: null });
    if (!claimed) return this.claimedElsewhere(scheduleId, tickAt, logger);
    return this.start(schedule, tickAt, logger);
  }

  /** Adds this fire to the record of a tick another worker claimed; a failure to do so is logged, not thrown. */
  private async claimedElsewhere(scheduleId: ScheduleId, tickAt: Date, logger: Logger): Promise<TickResult> {
    const fire = { workerName: this.o.workerName, firedAt: this.o.clock.now() };
    const added = await this.o.repository.addClaimedElsewhere(scheduleId, tickAt, fire).catch((error: unknown) => {
      logger.warn({ err: describeError(error) }, 'fire of a tick claimed elsewhere could not be recorded');
      return true;
    });
    if (!added) logger.info({ workerName: fire.workerName }, 'fire of a tick claimed elsewhere: its record is gone (schedule removed)');
    logger.debug({ workerName: fire.workerName }, 'schedule tick claimed by another worker');
    return { outcome: 'claimed-elsewhere' };
  }

  private async start(schedule: ExtractionSchedule, tickAt: Date, logger: Logger): Promise<TickResult> {
    await this.o.repository.removeTicksBefore(schedule.id, new Date(tickAt.getTime() - this.o.tickRetentionMs)).catch((error: unknown) => {
      logger.warn({ err: describeError(error) }, 'old tick records could not be removed; next tick tries again');
    });
    try {
      const options = {
        sources: schedule.sources,
        isolationMode: schedule.isolationMode,
        fetchMode: schedule.fetchMode,
        dryRun: schedule.dryRun,
        timeoutMs: schedule.timeoutMs,
      };
      const origin = { origin: 'scheduled', scheduleId: schedule.id } as const;
      // A schedule of a catalog selection takes the worker-listed path: its tick answers at once whatever the selection's size.
      const job =
        schedule.catalogSelection === null
          ? await this.o.jobs.enqueueExtraction({ properties: schedule.properties, ...options }, origin)
          : await this.o.jobs.enqueueSelection({ selection: schedule.catalogSelection, ...options }, origin);
      await this.o.repository.settleTick(schedule.id, tickAt, { outcome: 'started', jobId: job.id, reason: null });
      logger.info({ jobId: job.id }, 'schedule tick started a run');
      return { outcome: 'started', jobId: job.id };
    } catch (error) {
      const reason = `run could not be enqueued: ${describeError(error)}`;
      logger.error({ err: describeError(error) }, 'schedule tick failed');
      await this.o.repository.settleTick(schedule.id, tickAt, { outcome: 'failed', jobId: null, reason }).catch((settleError: unknown) => {
        // The tick record stays `started` without a job; say so rather than lose it.
        logger.error({ err: describeError(settleError) }, 'failed tick could not be recorded; its record still says started');
      });
      return { outcome: 'failed', reason };
    }
  }
}

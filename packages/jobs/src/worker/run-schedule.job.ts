import { hostname } from 'node:os';
import type { Agenda, Job } from 'agenda';
import type { Db } from 'mongodb';
import { noopLogger, systemClock } from '@phx/core';
import type { Clock, Logger } from '@phx/core';
import { DEFAULT_QUEUE_SETTINGS } from '../agenda/queue-settings.js';
import { JobService } from '../service/job-service.js';
import { tickAtOrBefore } from '../schedules/cron-schedule.js';
import { RUN_SCHEDULE_JOB, runSchedulePayloadSchema } from '../agenda/job-payloads.js';
import type { RunSchedulePayload } from '../agenda/job-payloads.js';
import { toScheduleId } from '../schedules/schedule.js';
import { ScheduleRepository } from '../schedules/schedule-repository.js';
import { ScheduleTicker } from './schedule-ticker.js';
import type { TickResult } from './schedule-ticker.js';

/** Dependencies of {@link defineRunScheduleJob}. Borrowed, never closed here. */
export interface RunScheduleJobDeps {
  /** Database of the schedules and jobs. */
  readonly db: Db;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
  /** Name of this worker on tick records; default `<hostname>:<pid>`. */
  readonly workerName?: string;
  /** How long tick records are kept, in ms; default `JOB_RESULT_TTL` (7 days). */
  readonly tickRetentionMs?: number;
  /** Called after each tick with what it did (metrics, tests); must not throw. Default none. */
  readonly onTick?: (scheduleId: string, tickAt: Date, result: TickResult) => void;
}

/**
 * Registers the `run-extraction-schedule` job on a worker's queue: each run
 * is one tick of one schedule, handed to a {@link ScheduleTicker} with the
 * cron occurrence it belongs to. A tick of a removed schedule removes its
 * queue entry. Call before `agenda.start()`; the repeating jobs themselves
 * are created only by `ScheduleService`.
 *
 * @param agenda - the worker's queue
 * @param deps - database, logger, clock, worker name
 * @returns the ticker (also usable directly)
 * @example
 * ```ts
 * import type { Logger } from '@phx/core';
 * import type { Agenda } from 'agenda';
 * import type { Db } from 'mongodb';
 * declare const agenda: Agenda, db: Db, logger: Logger;
 * defineRunScheduleJob(agenda, { db, logger, workerName: 'worker-1' });
 * await agenda.start();
 * ```
 */
export function defineRunScheduleJob(agenda: Agenda, deps: RunScheduleJobDeps): ScheduleTicker {
  const logger = (deps.logger ?? noopLogger).child({ component: RUN_SCHEDULE_JOB });
  const clock = deps.clock ?? systemClock;
  const repository = new ScheduleRepository({ db: deps.db });
  const ticker = new ScheduleTicker({
    repository,
    jobs: new JobService({ db: deps.db, agenda, logger, clock }),
    workerName: deps.workerName ?? `${hostname()}:${process.pid}`,
    clock,
    logger,
    tickRetentionMs: deps.tickRetentionMs ?? DEFAULT_QUEUE_SETTINGS.jobResultTtlMs,
  });
  agenda.define<RunSchedulePayload>(RUN_SCHEDULE_JOB, async (job: Job<RunSchedulePayload>) => {
    const payload = runSchedulePayloadSchema.safeParse(job.attrs.data);
    if (!payload.success) {
      logger.error({ agendaJobId: String(job.attrs._id) }, 'bad run-extraction-schedule payload; dropped');
      return;
    }
    const scheduleId = toScheduleId(payload.data.scheduleId);
    const schedule = await repository.get(scheduleId);
    if (schedule === null) {
      logger.info({ scheduleId }, 'tick of a removed schedule; its queue entry is removed');
      await agenda.cancel({ name: RUN_SCHEDULE_JOB, data: { scheduleId } });
      return;
    }
    const tickAt = tickAtOrBefore(schedule.cron, schedule.timeZone, job.attrs.lastRunAt ?? clock.now());
    const result = await ticker.tick(scheduleId, tickAt);
    deps.onTick?.(scheduleId, tickAt, result);
  });
  return ticker;
}

import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, assertWithinLimits, limitIssue, noopLogger, parseInput, systemClock } from '@phx/core';
import type { Clock, Logger } from '@phx/core';
import { JobError } from '../errors/index.js';
import { resolveEnqueueExtractionInput, resolveExtractionOptions } from '../service/enqueue-extraction-input.js';
import type { EnqueueExtractionInput, ExtractionOptionsInput } from '../service/enqueue-extraction-input.js';
import type { CatalogSelection } from '../repository/job-document.js';
import { toPropertyLabel } from '../catalog/property-label.js';
import { assertValidCronSchedule, nextTickAfter, nextTicksAfter } from './cron-schedule.js';
import { RUN_SCHEDULE_JOB } from '../agenda/job-payloads.js';
import type { RunSchedulePayload } from '../agenda/job-payloads.js';
import { DEFAULT_SCHEDULE_TIME_ZONE, newScheduleId, toScheduleId } from './schedule.js';
import type { ExtractionSchedule, ScheduleId, ScheduleTick } from './schedule.js';
import { ScheduleNameTakenError } from './schedule-errors.js';
import { ScheduleRepository } from './schedule-repository.js';
import { MAX_PROPERTIES_PER_DOCUMENT } from '../repository/document-bounds.js';

/** When a schedule runs and what it is called (see {@link CreateScheduleInput}). */
export interface ScheduleTiming {
  /** Unique name, 1-100 characters (trimmed). */
  readonly name: string;
  /** Cron expression: 5 fields (minute first) or 6 (seconds first), e.g. `0 3 * * *`. */
  readonly cron: string;
  /** IANA time zone the expression is read in; default `America/Phoenix`. */
  readonly timeZone?: string;
  /** Create it paused; default `false`. */
  readonly paused?: boolean;
}

/**
 * What a client asks to schedule: a name, when, and an extraction request: named properties, or a catalog selection
 * (`all`, a label) that each run's worker lists (see `JobService.enqueueSelection`).
 */
export type CreateScheduleInput = ScheduleTiming &
  (EnqueueExtractionInput | (ExtractionOptionsInput & { readonly selection: CatalogSelection }));

/** A schedule with its next tick, as the service shows it. */
export interface ScheduleView extends ExtractionSchedule {
  /** The next tick that will start a run, or `null` while paused. */
  readonly nextRunAt: Date | null;
}

/** Options of {@link ScheduleService}. */
export interface ScheduleServiceOptions {
  /** Database of the schedules and jobs. Borrowed. */
  readonly db: Db;
  /** Queue the schedules' tick jobs go on (from `createAgenda`); need not be started. Borrowed. */
  readonly agenda: Agenda;
  /** Logger; default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
  /** Makes schedule ids; default random UUIDs. */
  readonly newId?: () => ScheduleId;
}

/** Most occurrences {@link ScheduleService.nextRuns} computes. */
export const MAX_NEXT_RUNS = 20;

/**
 * Most properties a schedule names (its document holds them: see
 * `MAX_PROPERTY_LIST_DOCUMENT_BYTES`); schedule more by catalog label or `all`.
 */
export const MAX_SCHEDULE_PROPERTIES = MAX_PROPERTIES_PER_DOCUMENT;

const nameSchema = z.string().trim().min(1, 'name must not be empty').max(100, 'name is at most 100 characters');

/**
 * Recurring extractions: create, list, pause, resume and remove schedules.
 * Each schedule has one repeating Agenda job (`run-extraction-schedule`,
 * cron and time zone, unique on the schedule id) while it is not paused; only
 * this service creates it, never a worker's start-up, so restarting workers
 * cannot multiply a schedule. Workers run the ticks (`defineRunScheduleJob`).
 *
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * import type { Agenda } from 'agenda';
 * import type { Db } from 'mongodb';
 * declare const db: Db, agenda: Agenda, properties: Property[];
 * const schedules = new ScheduleService({ db, agenda });
 * await schedules.ensureIndexes();
 * const nightly = await schedules.createSchedule({ name: 'nightly', cron: '0 3 * * *', properties });
 * await schedules.pauseSchedule(nightly.id);
 * ```
 */
export class ScheduleService {
  private readonly repository: ScheduleRepository;
  private readonly agenda: Agenda;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly newId: () => ScheduleId;

  /**
   * @param options - database, queue, logger, clock, id maker
   */
  constructor(options: ScheduleServiceOptions) {
    this.repository = new ScheduleRepository({ db: options.db });
    this.agenda = options.agenda;
    this.logger = (options.logger ?? noopLogger).child({ component: 'schedule-service' });
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? newScheduleId;
  }

  /** Creates the indexes of schedules and ticks. Idempotent; call once at start-up. */
  async ensureIndexes(): Promise<void> {
    await this.repository.ensureIndexes();
  }

  /**
   * Validates and stores a schedule, and queues its repeating tick job
   * (first tick: the next cron occurrence; none while paused).
   *
   * @param input - name, cron, time zone, and the extraction request
   * @returns the schedule with its next tick
   * @throws {@link InvalidScheduleError} for a bad cron expression or time zone (both named)
   * @throws core's `InvalidInputError` for a bad name, empty property list or unknown source
   * @throws core's `InputTooLongError` (`BAD_USER_INPUT`) for more than {@link MAX_SCHEDULE_PROPERTIES} properties, or an address or listing URL over its limit
   * @throws {@link ScheduleNameTakenError} (code `SCHEDULE_NAME_TAKEN`) when the name is in use
   * @throws {@link JobError} code `SCHEDULE_QUEUE_FAILED` when the tick job could not be queued (nothing is kept)
   */
  async createSchedule(input: CreateScheduleInput): Promise<ScheduleView> {
    const name = parseInput(nameSchema, input.name, 'schedule name');
    const catalogSelection = 'selection' in input ? selectionOf(input.selection) : null;
    const request = 'selection' in input ? { ...resolveExtractionOptions(input), properties: [] } : resolveEnqueueExtractionInput(input);
    assertWithinLimits('schedule', [limitIssue('properties', request.properties, MAX_SCHEDULE_PROPERTIES)]);
    const timeZone = input.timeZone ?? DEFAULT_SCHEDULE_TIME_ZONE;
    assertValidCronSchedule(input.cron, timeZone);
    const now = this.clock.now();
    const schedule: ExtractionSchedule = {
      id: this.newId(),
      name,
      properties: request.properties,
      catalogSelection,
      sources: request.sources,
      isolationMode: request.isolationMode,
      fetchMode: request.fetchMode,
      dryRun: request.dryRun,
      timeoutMs: request.timeoutMs,
      cron: input.cron.trim(),
      timeZone,
      paused: input.paused ?? false,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await this.repository.insert(schedule))) throw new ScheduleNameTakenError(name);
    if (!schedule.paused) {
      try {
        await this.queueTicks(schedule);
      } catch (error) {
        await this.repository.remove(schedule.id);
        throw new JobError('SCHEDULE_QUEUE_FAILED', `Schedule "${name}" could not be queued; create it again`, null, 'transient', {
          cause: error,
        });
      }
    }
    this.logger.info({ scheduleId: schedule.id, name, cron: schedule.cron, timeZone }, 'schedule created');
    return this.view(schedule);
  }

  /**
   * Reads a schedule.
   *
   * @param id - the schedule id
   * @returns the schedule with its next tick
   * @throws core's `NotFoundError` for an unknown id; `InvalidInputError` for one that is not a UUID
   */
  async getSchedule(id: string): Promise<ScheduleView> {
    return this.view(await this.mustGet(toScheduleId(id)));
  }

  /**
   * Lists every schedule, by name.
   *
   * @returns the schedules with their next ticks
   */
  async listSchedules(): Promise<ScheduleView[]> {
    return (await this.repository.list()).map((s) => this.view(s));
  }

  /**
   * Pauses a schedule: removes its tick job, so no tick starts a run (a run
   * going on goes on). Idempotent.
   *
   * @param id - the schedule id
   * @returns the schedule, paused
   * @throws core's `NotFoundError` for an unknown id
   */
  async pauseSchedule(id: string): Promise<ScheduleView> {
    const scheduleId = toScheduleId(id);
    const paused = await this.repository.setPaused(scheduleId, true, this.clock.now());
    if (paused === null) throw new NotFoundError('schedule', id);
    await this.agenda.cancel({ name: RUN_SCHEDULE_JOB, data: payloadOf(scheduleId) });
    this.logger.info({ scheduleId }, 'schedule paused');
    return this.view(paused);
  }

  /**
   * Resumes a paused schedule from its next cron occurrence (ticks missed
   * while paused are not made up). Idempotent.
   *
   * @param id - the schedule id
   * @returns the schedule, running
   * @throws core's `NotFoundError` for an unknown id
   */
  async resumeSchedule(id: string): Promise<ScheduleView> {
    const scheduleId = toScheduleId(id);
    const resumed = await this.repository.setPaused(scheduleId, false, this.clock.now());
    if (resumed === null) throw new NotFoundError('schedule', id);
    await this.queueTicks(resumed);
    this.logger.info({ scheduleId }, 'schedule resumed');
    return this.view(resumed);
  }

  /**
   * Removes a schedule, its tick job and its tick records. Jobs it started stay.
   *
   * @param id - the schedule id
   * @returns the schedule as it was
   * @throws core's `NotFoundError` for an unknown id
   */
  async removeSchedule(id: string): Promise<ScheduleView> {
    const schedule = await this.mustGet(toScheduleId(id));
    await this.agenda.cancel({ name: RUN_SCHEDULE_JOB, data: payloadOf(schedule.id) });
    await this.repository.remove(schedule.id);
    this.logger.info({ scheduleId: schedule.id }, 'schedule removed');
    return { ...schedule, nextRunAt: null };
  }

  /**
   * Lists what the schedule's ticks did, newest first.
   *
   * @param id - the schedule id
   * @param limit - most records, 1-1000; default 100
   * @returns the tick records
   * @throws core's `NotFoundError` for an unknown id
   */
  async listTicks(id: string, limit = 100): Promise<ScheduleTick[]> {
    const schedule = await this.mustGet(toScheduleId(id));
    return this.repository.listTicks(schedule.id, limit);
  }

  /**
   * The next times a schedule's cron expression fires, read in its time zone,
   * from now on. A paused schedule answers too: the runs it would start once resumed.
   *
   * @param schedule - the schedule's `cron` and `timeZone` (e.g. a {@link ScheduleView})
   * @param count - how many, 1..{@link MAX_NEXT_RUNS}
   * @returns `count` instants, ascending
   * @throws core's `InvalidInputError` naming `count` outside 1..20
   */
  nextRuns(schedule: Pick<ExtractionSchedule, 'cron' | 'timeZone'>, count: number): Date[] {
    if (!Number.isInteger(count) || count < 1 || count > MAX_NEXT_RUNS) {
      throw new InvalidInputError('next runs arguments', [{ path: 'count', message: `${count} is outside 1..${MAX_NEXT_RUNS}` }]);
    }
    return nextTicksAfter(schedule.cron, schedule.timeZone, this.clock.now(), count);
  }

  private async mustGet(id: ScheduleId): Promise<ExtractionSchedule> {
    const schedule = await this.repository.get(id);
    if (schedule === null) throw new NotFoundError('schedule', id);
    return schedule;
  }

  /** Queues the repeating tick job; `unique` + insert-only keeps one per schedule when called again. */
  private async queueTicks(schedule: ExtractionSchedule): Promise<void> {
    await this.agenda
      .create<RunSchedulePayload>(RUN_SCHEDULE_JOB, payloadOf(schedule.id))
      .repeatEvery(schedule.cron, { timezone: schedule.timeZone, skipImmediate: true })
      .unique({ 'data.scheduleId': schedule.id }, { insertOnly: true })
      .save();
  }

  private view(schedule: ExtractionSchedule): ScheduleView {
    return { ...schedule, nextRunAt: schedule.paused ? null : nextTickAfter(schedule.cron, schedule.timeZone, this.clock.now()) };
  }
}

function payloadOf(scheduleId: ScheduleId): RunSchedulePayload {
  return { scheduleId };
}

/** A catalog selection with its label checked and stored as the catalog stores it. */
function selectionOf(selection: CatalogSelection): CatalogSelection {
  return 'label' in selection ? { label: toPropertyLabel(selection.label) } : { all: true };
}

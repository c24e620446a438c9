import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@phx/core';
import type { CatalogSelection } from '../repository/job-document.js';
import type { Brand, FetchMode, IsolationMode, Property, Source } from '@phx/core';

/** Id of an extraction schedule: a UUID string. */
export type ScheduleId = Brand<string, 'ScheduleId'>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks and brands a schedule id.
 *
 * @param value - the id as given (any case)
 * @returns the id, lower case, branded
 * @throws core's `InvalidInputError` when `value` is not a UUID
 */
export function toScheduleId(value: string): ScheduleId {
  if (!UUID_RE.test(value)) {
    throw new InvalidInputError('schedule id', [{ path: 'id', message: `"${value}" is not a schedule id (a UUID)` }]);
  }
  return value.toLowerCase() as ScheduleId;
}

/**
 * Makes a fresh random schedule id.
 *
 * @returns a new UUID v4, branded
 */
export function newScheduleId(): ScheduleId {
  return randomUUID() as ScheduleId;
}

/** The default time zone of schedules: Phoenix, which keeps no daylight saving time. */
export const DEFAULT_SCHEDULE_TIME_ZONE = 'America/Phoenix';

/**
 * A recurring extraction: what to extract (like an enqueue request) and when
 * (a cron expression read in an IANA time zone). Each tick makes an ordinary
 * extraction job with origin `scheduled` and this schedule's id.
 */
export interface ExtractionSchedule {
  /** Schedule id (UUID). */
  readonly id: ScheduleId;
  /** Unique name chosen by the user, e.g. `nightly-glendale`. */
  readonly name: string;
  /** Properties each run extracts, in order (at least one); empty for a schedule of a {@link ExtractionSchedule.catalogSelection}. */
  readonly properties: readonly Property[];
  /**
   * The catalog selection each run extracts (`all`, or a label), listed by the worker that takes the run up, as for a
   * job `JobService.enqueueSelection` enqueued; `null` for a schedule of named properties (and one stored before).
   */
  readonly catalogSelection: CatalogSelection | null;
  /** Sources each run reads. */
  readonly sources: readonly Source[];
  /** Browser isolation of each run. */
  readonly isolationMode: IsolationMode;
  /** How each run fetches listing pages, or `null` for the worker's `FETCH_MODE` (a schedule stored before fetch modes existed reads `null`). */
  readonly fetchMode: FetchMode | null;
  /** `true`: runs list photos without downloading them. */
  readonly dryRun: boolean;
  /**
   * Each run's own wall-time limit, in ms (see the job's `timeoutMs`), or `null` for none (a schedule stored before
   * limits existed reads `null`).
   */
  readonly timeoutMs: number | null;
  /** Cron expression, 5 fields (minute first) or 6 (second first), e.g. `0 3 * * *`. */
  readonly cron: string;
  /** IANA time zone the cron expression is read in, e.g. `America/Phoenix`. */
  readonly timeZone: string;
  /** `true` while paused: ticks start nothing. */
  readonly paused: boolean;
  /** When the schedule was created. */
  readonly createdAt: Date;
  /** When it was last changed (created, paused, resumed). */
  readonly updatedAt: Date;
}

/** What a tick of a schedule did. */
export type ScheduleTickOutcome = 'started' | 'skipped' | 'failed';

/** A fire of a tick on a worker that found the tick already claimed by another (it did nothing). */
export interface ClaimedElsewhereFire {
  /** The worker whose fire found the tick claimed. */
  readonly workerName: string;
  /** When that fire came. */
  readonly firedAt: Date;
}

/**
 * The record of one tick of one schedule, written by the worker that claimed
 * the tick (one per schedule and tick time, whatever the number of workers);
 * fires of the same tick on other workers are added to it.
 */
export interface ScheduleTick {
  /** The schedule. */
  readonly scheduleId: ScheduleId;
  /** The cron occurrence this tick is for. */
  readonly tickAt: Date;
  /** `started` a job; `skipped` because a run was still going or the schedule is paused; `failed` to enqueue. */
  readonly outcome: ScheduleTickOutcome;
  /** The job started (`started`), else `null`. */
  readonly jobId: string | null;
  /** The run still going (`skipped`), else `null`. */
  readonly previousJobId: string | null;
  /** Why it was skipped or failed, else `null`. */
  readonly reason: string | null;
  /** The worker that handled the tick. */
  readonly workerName: string;
  /** When the tick was handled. */
  readonly recordedAt: Date;
  /** Fires of this tick on other workers, which found it claimed and did nothing; empty when none. */
  readonly claimedElsewhere: readonly ClaimedElsewhereFire[];
}

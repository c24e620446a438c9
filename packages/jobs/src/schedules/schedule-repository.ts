import { randomUUID } from 'node:crypto';
import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { truncateStoredText } from '@phx/core';
import { JOBS_COLLECTION } from '../repository/job-repository.js';
import type { ExtractionJobDocument } from '../repository/job-document.js';
import type { ClaimedElsewhereFire, ExtractionSchedule, ScheduleId, ScheduleTick } from './schedule.js';

/** Name of the collection of schedules. */
export const SCHEDULES_COLLECTION = 'extraction_schedules';
/** Name of the collection of tick records (one per schedule and tick time). */
export const SCHEDULE_TICKS_COLLECTION = 'extraction_schedule_ticks';
/** Name of the collection of fires that found their tick claimed (one document per fire, listed with the tick). */
export const SCHEDULE_TICK_FIRES_COLLECTION = 'extraction_schedule_tick_fires';

/** The document of a schedule: {@link ExtractionSchedule} with `_id` in place of `id`. */
export type ScheduleDocument = Omit<ExtractionSchedule, 'id' | 'timeoutMs'> & {
  readonly _id: ScheduleId;
  /** Absent on schedules stored before runs had a time limit of their own: none. */
  readonly timeoutMs?: number | null;
};

/** The document of a tick: `_id` `<scheduleId>#<tickAt ISO>` makes the claim unique. */
export type ScheduleTickDocument = ScheduleTick & { readonly _id: string };

/** The document of a fire that found its tick claimed: its own document, so that no two workers update one record. */
export type ScheduleTickFireDocument = ClaimedElsewhereFire & {
  readonly _id: string;
  readonly scheduleId: ScheduleId;
  readonly tickAt: Date;
};

/** Options of {@link ScheduleRepository}. */
export interface ScheduleRepositoryOptions {
  /** Database holding the collections. Borrowed: never closed here. */
  readonly db: Db;
}

/**
 * Stores schedules (`extraction_schedules`, unique `name`) and their tick
 * records (`extraction_schedule_ticks`). A tick is claimed by inserting its
 * record, whose `_id` is the schedule id and the tick time: inserts are atomic
 * on MongoDB and on FerretDB, so one worker only handles each tick even when
 * Agenda's lock gives the tick's job to several (FerretDB 1.x updates are not
 * atomic). For the same reason each writer has documents of its own: a tick
 * record is written only by its claimer, and each fire of another worker that
 * found the tick claimed is a document of its own
 * (`extraction_schedule_tick_fires`), inserted, never pushed into the record
 * (two updates of one document at once lose one on FerretDB). A schedule
 * document has one writer at a time (the service).
 */
export class ScheduleRepository {
  private readonly schedules: Collection<ScheduleDocument>;
  private readonly ticks: Collection<ScheduleTickDocument>;
  private readonly fires: Collection<ScheduleTickFireDocument>;
  private readonly jobs: Collection<ExtractionJobDocument>;

  /**
   * @param options - the database
   */
  constructor(options: ScheduleRepositoryOptions) {
    this.schedules = options.db.collection<ScheduleDocument>(SCHEDULES_COLLECTION);
    this.ticks = options.db.collection<ScheduleTickDocument>(SCHEDULE_TICKS_COLLECTION);
    this.fires = options.db.collection<ScheduleTickFireDocument>(SCHEDULE_TICK_FIRES_COLLECTION);
    this.jobs = options.db.collection<ExtractionJobDocument>(JOBS_COLLECTION);
  }

  /** Creates the unique name index, the tick and fire indexes and the jobs' schedule index. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.schedules.createIndex({ name: 1 }, { name: 'name_unique', unique: true });
    await this.ticks.createIndex({ scheduleId: 1, tickAt: -1 }, { name: 'scheduleId_tickAt_desc' });
    await this.fires.createIndex({ scheduleId: 1, tickAt: -1 }, { name: 'scheduleId_tickAt_desc' });
    await this.jobs.createIndex({ scheduleId: 1, status: 1 }, { name: 'scheduleId_status' });
  }

  /**
   * Finds a run of the schedule that has not ended (`pending` or `in_progress`).
   *
   * @param id - the schedule
   * @returns the id and status of such a job, or `null` when every run has ended
   */
  async findUnfinishedRun(id: ScheduleId): Promise<{ readonly jobId: string; readonly status: string } | null> {
    const doc = await this.jobs.findOne(
      { scheduleId: id, status: { $in: ['pending', 'in_progress'] } },
      { projection: { _id: 1, status: 1 } },
    );
    return doc === null ? null : { jobId: doc._id, status: doc.status };
  }

  /**
   * Inserts a schedule.
   *
   * @param schedule - the new schedule
   * @returns `true` when inserted, `false` when its name is taken
   * @throws the driver's error for anything but a duplicate name
   */
  async insert(schedule: ExtractionSchedule): Promise<boolean> {
    const { id, ...rest } = schedule;
    try {
      await this.schedules.insertOne({ _id: id, ...rest });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /**
   * Reads a schedule.
   *
   * @param id - the schedule id
   * @returns the schedule, or `null` when none has this id
   */
  async get(id: ScheduleId): Promise<ExtractionSchedule | null> {
    const doc = await this.schedules.findOne({ _id: id });
    return doc === null ? null : fromDocument(doc);
  }

  /**
   * Lists every schedule by name.
   *
   * @returns the schedules, sorted by name
   */
  async list(): Promise<ExtractionSchedule[]> {
    const docs = await this.schedules.find({}).sort({ name: 1 }).toArray();
    return docs.map(fromDocument);
  }

  /**
   * Sets `paused` (and `updatedAt`).
   *
   * @param id - the schedule
   * @param paused - the new value
   * @param now - the `updatedAt`
   * @returns the schedule as it is now, or `null` when it does not exist
   */
  async setPaused(id: ScheduleId, paused: boolean, now: Date): Promise<ExtractionSchedule | null> {
    const doc = await this.schedules.findOneAndUpdate({ _id: id }, { $set: { paused, updatedAt: now } }, { returnDocument: 'after' });
    return doc === null ? null : fromDocument(doc);
  }

  /**
   * Deletes a schedule and its tick records (its jobs stay).
   *
   * @param id - the schedule
   * @returns `true` when it existed
   */
  async remove(id: ScheduleId): Promise<boolean> {
    const deleted = await this.schedules.deleteOne({ _id: id });
    await this.ticks.deleteMany({ scheduleId: id });
    await this.fires.deleteMany({ scheduleId: id });
    return deleted.deletedCount === 1;
  }

  /**
   * Claims a tick by inserting its record.
   *
   * @param tick - the record
   * @returns `true` when this caller claimed the tick, `false` when another had
   * @throws the driver's error for anything but a duplicate tick
   */
  async claimTick(tick: ScheduleTick): Promise<boolean> {
    try {
      await this.ticks.insertOne({ _id: tickKey(tick.scheduleId, tick.tickAt), ...tick, reason: boundReason(tick.reason) });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /**
   * Records a fire that found the tick claimed, listed with the tick's record
   * (`claimedElsewhere`), so every fire of a schedule is recorded. Inserts a
   * document of its own: the claimer may be settling the record at the same time.
   *
   * @param scheduleId - the schedule
   * @param tickAt - the tick
   * @param fire - the worker and time of the fire
   * @returns `true` when the tick's record was found (it may have been removed with its schedule; then nothing is written)
   */
  async addClaimedElsewhere(scheduleId: ScheduleId, tickAt: Date, fire: ClaimedElsewhereFire): Promise<boolean> {
    const key = tickKey(scheduleId, tickAt);
    if ((await this.ticks.countDocuments({ _id: key }, { limit: 1 })) === 0) return false;
    await this.fires.insertOne({ _id: `${key}@${fire.workerName}#${randomUUID()}`, scheduleId, tickAt, ...fire });
    return true;
  }

  /**
   * Completes a claimed tick's record (only its claimer calls this).
   *
   * @param scheduleId - the schedule
   * @param tickAt - the tick
   * @param change - the job started, or the failure
   */
  async settleTick(scheduleId: ScheduleId, tickAt: Date, change: Pick<ScheduleTick, 'outcome' | 'jobId' | 'reason'>): Promise<void> {
    await this.ticks.updateOne({ _id: tickKey(scheduleId, tickAt) }, { $set: { ...change, reason: boundReason(change.reason) } });
  }

  /**
   * Deletes a schedule's tick records older than a time.
   *
   * @param id - the schedule
   * @param before - records of ticks before this go
   * @returns how many were deleted
   */
  async removeTicksBefore(id: ScheduleId, before: Date): Promise<number> {
    await this.fires.deleteMany({ scheduleId: id, tickAt: { $lt: before } });
    return (await this.ticks.deleteMany({ scheduleId: id, tickAt: { $lt: before } })).deletedCount;
  }

  /**
   * Lists a schedule's tick records, newest first.
   *
   * @param id - the schedule
   * @param limit - most records returned, 1-1000; default 100
   * @returns the records
   */
  async listTicks(id: ScheduleId, limit = 100): Promise<ScheduleTick[]> {
    const docs = await this.ticks
      .find({ scheduleId: id })
      .sort({ tickAt: -1 })
      .limit(Math.min(Math.max(limit, 1), 1000))
      .toArray();
    const oldest = docs.at(-1)?.tickAt;
    const fires =
      oldest === undefined
        ? []
        : await this.fires
            .find({ scheduleId: id, tickAt: { $gte: oldest } })
            .sort({ firedAt: 1 })
            .toArray();
    const byTick = new Map<string, ClaimedElsewhereFire[]>();
    for (const { workerName, firedAt, tickAt } of fires) {
      const key = tickKey(id, tickAt);
      byTick.set(key, [...(byTick.get(key) ?? []), { workerName, firedAt }]);
    }
    // Records written before fires had documents of their own hold them in `claimedElsewhere`; older ones have no list.
    return docs.map(({ _id, ...tick }) => ({ ...tick, claimedElsewhere: [...(tick.claimedElsewhere ?? []), ...(byTick.get(_id) ?? [])] }));
  }
}

function tickKey(scheduleId: ScheduleId, tickAt: Date): string {
  return `${scheduleId}#${tickAt.toISOString()}`;
}

function fromDocument(doc: ScheduleDocument): ExtractionSchedule {
  const { _id, ...rest } = doc;
  // A schedule stored before fetch modes (time limits) existed has none: its runs take the worker's default (no limit).
  return {
    id: _id,
    ...rest,
    fetchMode: rest.fetchMode ?? null,
    timeoutMs: rest.timeoutMs ?? null,
    catalogSelection: rest.catalogSelection ?? null,
  };
}

/** A tick's reason (an error's message: any length) cut at core's `MAX_STORED_TEXT_LENGTH`. */
function boundReason(reason: string | null): string | null {
  return reason === null ? null : truncateStoredText(reason);
}

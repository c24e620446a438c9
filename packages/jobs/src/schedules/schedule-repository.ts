import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { JOBS_COLLECTION } from '../repository/job-repository.js';
import type { ExtractionJobDocument } from '../repository/job-document.js';
import type { ClaimedElsewhereFire, ExtractionSchedule, ScheduleId, ScheduleTick } from './schedule.js';

/** Name of the collection of schedules. */
export const SCHEDULES_COLLECTION = 'extraction_schedules';
/** Name of the collection of tick records (one per schedule and tick time). */
export const SCHEDULE_TICKS_COLLECTION = 'extraction_schedule_ticks';

/** The document of a schedule: {@link ExtractionSchedule} with `_id` in place of `id`. */
export type ScheduleDocument = Omit<ExtractionSchedule, 'id'> & { readonly _id: ScheduleId };

/** The document of a tick: `_id` `<scheduleId>#<tickAt ISO>` makes the claim unique. */
export type ScheduleTickDocument = ScheduleTick & { readonly _id: string };

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
 * atomic). A schedule document has one writer at a time (the service).
 */
export class ScheduleRepository {
  private readonly schedules: Collection<ScheduleDocument>;
  private readonly ticks: Collection<ScheduleTickDocument>;
  private readonly jobs: Collection<ExtractionJobDocument>;

  /**
   * @param options - the database
   */
  constructor(options: ScheduleRepositoryOptions) {
    this.schedules = options.db.collection<ScheduleDocument>(SCHEDULES_COLLECTION);
    this.ticks = options.db.collection<ScheduleTickDocument>(SCHEDULE_TICKS_COLLECTION);
    this.jobs = options.db.collection<ExtractionJobDocument>(JOBS_COLLECTION);
  }

  /** Creates the unique name index, the tick index and the jobs' schedule index. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.schedules.createIndex({ name: 1 }, { name: 'name_unique', unique: true });
    await this.ticks.createIndex({ scheduleId: 1, tickAt: -1 }, { name: 'scheduleId_tickAt_desc' });
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
      await this.ticks.insertOne({ _id: tickKey(tick.scheduleId, tick.tickAt), ...tick });
      return true;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return false;
      throw error;
    }
  }

  /**
   * Adds a fire that found the tick claimed to the tick's record, so every
   * fire of a schedule is recorded.
   *
   * @param scheduleId - the schedule
   * @param tickAt - the tick
   * @param fire - the worker and time of the fire
   * @returns `true` when the record was found (it may have been removed with its schedule)
   */
  async addClaimedElsewhere(scheduleId: ScheduleId, tickAt: Date, fire: ClaimedElsewhereFire): Promise<boolean> {
    const result = await this.ticks.updateOne({ _id: tickKey(scheduleId, tickAt) }, { $push: { claimedElsewhere: fire } });
    return result.matchedCount === 1;
  }

  /**
   * Completes a claimed tick's record (only its claimer calls this).
   *
   * @param scheduleId - the schedule
   * @param tickAt - the tick
   * @param change - the job started, or the failure
   */
  async settleTick(
    scheduleId: ScheduleId,
    tickAt: Date,
    change: Pick<ScheduleTick, 'outcome' | 'jobId' | 'reason'>,
  ): Promise<void> {
    await this.ticks.updateOne({ _id: tickKey(scheduleId, tickAt) }, { $set: change });
  }

  /**
   * Deletes a schedule's tick records older than a time.
   *
   * @param id - the schedule
   * @param before - records of ticks before this go
   * @returns how many were deleted
   */
  async removeTicksBefore(id: ScheduleId, before: Date): Promise<number> {
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
    // Records written before fires elsewhere were kept have no list.
    return docs.map(({ _id, ...tick }) => ({ ...tick, claimedElsewhere: tick.claimedElsewhere ?? [] }));
  }
}

function tickKey(scheduleId: ScheduleId, tickAt: Date): string {
  return `${scheduleId}#${tickAt.toISOString()}`;
}

function fromDocument(doc: ScheduleDocument): ExtractionSchedule {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

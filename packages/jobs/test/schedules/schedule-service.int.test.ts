import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { InvalidInputError, NotFoundError, noopLogger, systemClock } from '@phx/core';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { JobService } from '../../src/service/job-service.js';
import { InvalidScheduleError, ScheduleNameTakenError } from '../../src/schedules/schedule-errors.js';
import { ScheduleRepository } from '../../src/schedules/schedule-repository.js';
import { ScheduleService } from '../../src/schedules/schedule-service.js';
import { ScheduleTicker } from '../../src/worker/schedule-ticker.js';
import { toScheduleId } from '../../src/schedules/schedule.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleProperty } from '../support/sample-jobs.js';

const fixedNow = new Date('2026-03-01T12:00:00.000Z');
const clock = { now: () => fixedNow };

describe('ScheduleService', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: ScheduleService;
  let n = 0;
  const uniqueName = (): string => `schedule-${++n}`;
  const tickJobsOf = (scheduleId: string) =>
    tdb.db.collection('agendaJobs').find({ name: 'run-extraction-schedule', 'data.scheduleId': scheduleId }).toArray();

  beforeAll(async () => {
    tdb = await openTestDatabase('schedules');
    agenda = await createAgenda({ db: tdb.db });
    service = new ScheduleService({ db: tdb.db, agenda, clock });
    await service.ensureIndexes();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  it('creates a schedule in America/Phoenix by default, with one repeating tick job', async () => {
    const properties = [sampleProperty(1)];
    const created = await service.createSchedule({ name: ' nightly ', cron: '0 3 * * *', properties, sources: ['Zillow'] });
    expect(created).toMatchObject({
      name: 'nightly',
      cron: '0 3 * * *',
      timeZone: 'America/Phoenix',
      paused: false,
      sources: ['zillow'],
      isolationMode: 'virtual',
      fetchMode: null,
      dryRun: false,
      timeoutMs: null,
      createdAt: fixedNow,
      // 03:00 in Phoenix (UTC-7, no daylight saving) is 10:00 UTC.
      nextRunAt: new Date('2026-03-02T10:00:00.000Z'),
    });
    expect(created.properties).toEqual(properties);
    const queued = await tickJobsOf(created.id);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ repeatInterval: '0 3 * * *', repeatTimezone: 'America/Phoenix', data: { scheduleId: created.id } });
    expect(await service.getSchedule(created.id)).toEqual(created);
  });

  it('keeps the fetch mode of its runs; a schedule stored before fetch modes existed reads null (the worker default)', async () => {
    const created = await service.createSchedule({
      name: uniqueName(),
      cron: '0 3 * * *',
      properties: [sampleProperty(1)],
      fetchMode: 'browser',
    });
    expect(created.fetchMode).toBe('browser');
    expect((await service.getSchedule(created.id)).fetchMode).toBe('browser');
    await tdb.db.collection('extraction_schedules').updateOne({ _id: created.id as never }, { $unset: { fetchMode: '' } });
    expect((await service.getSchedule(created.id)).fetchMode).toBeNull();
  });

  it('keeps the time limit of its runs, checked as an enqueue; a schedule stored before limits existed reads null', async () => {
    const base = { name: uniqueName(), cron: '0 3 * * *', properties: [sampleProperty(1)] };
    await expect(service.createSchedule({ ...base, timeoutMs: 500 })).rejects.toThrow(/timeoutMs/);
    const created = await service.createSchedule({ ...base, timeoutMs: 7_200_000 });
    expect(created.timeoutMs).toBe(7_200_000);
    expect((await service.getSchedule(created.id)).timeoutMs).toBe(7_200_000);
    await tdb.db.collection('extraction_schedules').updateOne({ _id: created.id as never }, { $unset: { timeoutMs: '' } });
    expect((await service.getSchedule(created.id)).timeoutMs).toBeNull();
  });

  it('reads a six-field cron expression in the time zone given', async () => {
    const created = await service.createSchedule({
      name: uniqueName(),
      cron: '30 0 9 * * 1',
      timeZone: 'Europe/Paris',
      properties: [sampleProperty(1)],
    });
    // Monday 2 March 2026, 09:00:30 in Paris (UTC+1).
    expect(created.nextRunAt).toEqual(new Date('2026-03-02T08:00:30.000Z'));
  });

  it('rejects a bad cron expression and a bad time zone together with InvalidScheduleError, storing nothing', async () => {
    const before = await tdb.db.collection('extraction_schedules').countDocuments();
    const error = await service
      .createSchedule({ name: uniqueName(), cron: '61 * * * *', timeZone: 'Mars/Olympus', properties: [sampleProperty(1)] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect(error).toBeInstanceOf(InvalidInputError);
    const e = error as InvalidScheduleError;
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.issues.map((i) => i.path)).toEqual(['timeZone', 'cron']);
    expect(e.message).toContain('"Mars/Olympus" is not an IANA time zone');
    expect(e.message).toContain('"61 * * * *" is not a valid cron expression');
    expect(await tdb.db.collection('extraction_schedules').countDocuments()).toBe(before);
  });

  it('rejects a cron expression with the wrong number of fields, naming the count', async () => {
    const error = (await service
      .createSchedule({ name: uniqueName(), cron: 'every day', properties: [sampleProperty(1)] })
      .catch((e: unknown) => e)) as InvalidScheduleError;
    expect(error).toBeInstanceOf(InvalidScheduleError);
    expect(error.issues).toEqual([{ path: 'cron', message: expect.stringContaining('"every day" has 2 fields') }]);
  });

  it('rejects an empty property list and a taken name', async () => {
    await expect(service.createSchedule({ name: uniqueName(), cron: '0 3 * * *', properties: [] })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    const name = uniqueName();
    await service.createSchedule({ name, cron: '0 3 * * *', properties: [sampleProperty(1)] });
    const error = await service.createSchedule({ name, cron: '0 4 * * *', properties: [sampleProperty(2)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleNameTakenError);
    expect((error as ScheduleNameTakenError).code).toBe('SCHEDULE_NAME_TAKEN');
    expect(await tdb.db.collection('extraction_schedules').countDocuments({ name })).toBe(1);
  });

  it('pauses (no tick job) and resumes (one tick job), idempotently', async () => {
    const created = await service.createSchedule({ name: uniqueName(), cron: '*/5 * * * *', properties: [sampleProperty(1)] });
    const paused = await service.pauseSchedule(created.id);
    expect(paused).toMatchObject({ paused: true, nextRunAt: null });
    expect(await service.pauseSchedule(created.id)).toMatchObject({ paused: true });
    expect(await tickJobsOf(created.id)).toHaveLength(0);
    const resumed = await service.resumeSchedule(created.id);
    expect(resumed).toMatchObject({ paused: false, nextRunAt: new Date('2026-03-01T12:05:00.000Z') });
    await service.resumeSchedule(created.id);
    expect(await tickJobsOf(created.id)).toHaveLength(1);
    expect((await service.listSchedules()).filter((s) => s.id === created.id)).toEqual([resumed]);
  });

  it('removes a schedule and its tick job; unknown and malformed ids are errors', async () => {
    const created = await service.createSchedule({ name: uniqueName(), cron: '0 3 * * *', properties: [sampleProperty(1)], paused: true });
    expect(await tickJobsOf(created.id)).toHaveLength(0);
    await service.resumeSchedule(created.id);
    expect((await service.removeSchedule(created.id)).id).toBe(created.id);
    expect(await tickJobsOf(created.id)).toHaveLength(0);
    await expect(service.getSchedule(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.removeSchedule(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.pauseSchedule('not-a-uuid')).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('ScheduleTicker', () => {
  let tdb: TestDatabase;
  let agenda: Agenda;
  let service: ScheduleService;
  let jobs: JobService;

  const tickerOn = (db: Db, workerName: string): ScheduleTicker =>
    new ScheduleTicker({
      repository: new ScheduleRepository({ db }),
      jobs: new JobService({ db, agenda }),
      workerName,
      clock: systemClock,
      logger: noopLogger,
      tickRetentionMs: 60 * 60_000,
    });

  beforeAll(async () => {
    tdb = await openTestDatabase('ticks');
    agenda = await createAgenda({ db: tdb.db });
    service = new ScheduleService({ db: tdb.db, agenda });
    await service.ensureIndexes();
    jobs = new JobService({ db: tdb.db, agenda });
    await jobs.ensureIndexes();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await tdb.close();
  });

  it('starts a run per tick, never while the previous run is unfinished (skip recorded), once per tick across workers', async () => {
    const schedule = await service.createSchedule({
      name: 'ticks',
      cron: '* * * * *',
      properties: [sampleProperty(1), sampleProperty(2)],
      dryRun: true,
    });
    const [a, b] = [tickerOn(tdb.db, 'worker-a'), tickerOn(await tdb.connectAgain(), 'worker-b')];
    const t1 = new Date('2026-03-01T12:01:00.000Z');
    const t2 = new Date('2026-03-01T12:02:00.000Z');
    const t3 = new Date('2026-03-01T12:03:00.000Z');

    const first = await Promise.all([a.tick(schedule.id, t1), b.tick(schedule.id, t1)]);
    const started = first.find((r) => r.outcome === 'started');
    expect(first.map((r) => r.outcome).sort()).toEqual(['claimed-elsewhere', 'started']);
    if (started?.outcome !== 'started') throw new Error('no run started');
    // The losing fire is recorded on the tick it found claimed.
    const loser = first[0]?.outcome === 'started' ? 'worker-b' : 'worker-a';
    const [t1Record] = await service.listTicks(schedule.id);
    expect(t1Record?.claimedElsewhere.map((f) => f.workerName)).toEqual([loser]);
    const run = await jobs.getJob(started.jobId);
    expect(run).toMatchObject({ origin: 'scheduled', scheduleId: schedule.id, status: 'pending', dryRun: true, totalProperties: 2 });

    expect(await b.tick(schedule.id, t2)).toEqual({ outcome: 'skipped', previousJobId: run.id });
    await new JobRepository({ db: tdb.db }).markFailed(run.id, 'test: ended', new Date());
    const third = await a.tick(schedule.id, t3);
    expect(third.outcome).toBe('started');

    const ticks = await service.listTicks(schedule.id);
    expect(ticks.map((t) => [t.tickAt.toISOString(), t.outcome, t.jobId, t.previousJobId])).toEqual([
      [t3.toISOString(), 'started', third.outcome === 'started' ? third.jobId : null, null],
      [t2.toISOString(), 'skipped', null, run.id],
      [t1.toISOString(), 'started', run.id, null],
    ]);
    expect(ticks[1]?.reason).toBe(`previous run ${run.id} is still pending`);
    expect(await tdb.db.collection('extraction_jobs').countDocuments({ scheduleId: schedule.id })).toBe(2);
  });

  it('removes tick records older than the retention when a tick starts a run', async () => {
    const schedule = await service.createSchedule({ name: 'retention', cron: '0 * * * *', properties: [sampleProperty(3)] });
    const ticker = tickerOn(tdb.db, 'worker-a');
    const old = new Date('2026-03-01T10:00:00.000Z');
    expect((await ticker.tick(schedule.id, old)).outcome).toBe('started');
    await tdb.db.collection('extraction_jobs').updateMany({ scheduleId: schedule.id }, { $set: { status: 'completed' } });
    // Retention one hour: the 12:00 tick removes the 10:00 record and keeps the 11:00 one.
    expect((await ticker.tick(schedule.id, new Date('2026-03-01T11:00:00.000Z'))).outcome).toBe('started');
    await tdb.db.collection('extraction_jobs').updateMany({ scheduleId: schedule.id }, { $set: { status: 'completed' } });
    expect((await service.listTicks(schedule.id)).length).toBe(2);
    expect((await ticker.tick(schedule.id, new Date('2026-03-01T12:00:00.000Z'))).outcome).toBe('started');
    expect((await service.listTicks(schedule.id)).map((t) => t.tickAt.toISOString())).toEqual([
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T11:00:00.000Z',
    ]);
  });

  it('drain() waits for a tick in flight to start its run and settle its record (a stopping worker closes its connection after)', async () => {
    const schedule = await service.createSchedule({ name: 'drain', cron: '* * * * *', properties: [sampleProperty(2)], dryRun: true });
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    class GatedJobService extends JobService {
      override async enqueueExtraction(...args: Parameters<JobService['enqueueExtraction']>): ReturnType<JobService['enqueueExtraction']> {
        await gate;
        return super.enqueueExtraction(...args);
      }
    }
    const ticker = new ScheduleTicker({
      repository: new ScheduleRepository({ db: tdb.db }),
      jobs: new GatedJobService({ db: tdb.db, agenda }),
      workerName: 'worker-stopping',
      clock: systemClock,
      logger: noopLogger,
      tickRetentionMs: 60 * 60_000,
    });
    const tick = ticker.tick(schedule.id, new Date('2026-03-01T12:05:00.000Z'));
    while ((await service.listTicks(schedule.id)).length === 0) await new Promise((r) => setImmediate(r));
    let drained = false;
    const draining = ticker.drain().then(() => (drained = true));
    for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    open();
    await draining;
    const result = await tick;
    expect(result.outcome).toBe('started');
    const [record] = await service.listTicks(schedule.id);
    expect(record).toMatchObject({ outcome: 'started', jobId: result.outcome === 'started' ? result.jobId : 'none' });
  });

  it('records a fire of a paused schedule as skipped (starts nothing), and does nothing for a removed one', async () => {
    const schedule = await service.createSchedule({ name: 'paused', cron: '* * * * *', properties: [sampleProperty(1)], paused: true });
    const ticker = tickerOn(tdb.db, 'worker-a');
    expect(await ticker.tick(schedule.id, new Date('2026-03-01T12:01:00.000Z'))).toEqual({ outcome: 'paused' });
    expect(await service.listTicks(schedule.id)).toMatchObject([
      {
        tickAt: new Date('2026-03-01T12:01:00.000Z'),
        outcome: 'skipped',
        jobId: null,
        reason: 'schedule is paused',
        workerName: 'worker-a',
      },
    ]);
    await service.removeSchedule(schedule.id);
    expect(await ticker.tick(toScheduleId(schedule.id), new Date('2026-03-01T12:02:00.000Z'))).toEqual({ outcome: 'gone' });
    expect(await tdb.db.collection('extraction_jobs').countDocuments({ scheduleId: schedule.id })).toBe(0);
  });
});

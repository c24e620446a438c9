import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Agenda } from 'agenda';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { defineRunScheduleJob } from '../../src/worker/run-schedule.job.js';
import { ScheduleService } from '../../src/schedules/schedule-service.js';
import type { ScheduleTick } from '../../src/schedules/schedule.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleProperty } from '../support/sample-jobs.js';

/**
 * A real queue on FerretDB with only `Date` faked (timers stay real and the
 * fake clock runs at real speed), so Agenda computes and fires the cron
 * occurrences of days we choose: 2026-03-08 is the spring-forward day in
 * New York, when 02:00 EST jumps to 03:00 EDT and 02:30 does not exist.
 */
describe('a daily 02:30 New York schedule across the spring-forward day, on a started queue', () => {
  let tdb: TestDatabase;
  let api: Agenda;
  let worker: Agenda;
  let service: ScheduleService;

  beforeAll(async () => {
    tdb = await openTestDatabase('schedule_dst');
    api = await createAgenda({ db: tdb.db });
    service = new ScheduleService({ db: tdb.db, agenda: api });
    await service.ensureIndexes();
    worker = await createAgenda({ db: await tdb.connectAgain(), name: 'worker-dst', processEveryMs: 100 });
    defineRunScheduleJob(worker, { db: tdb.db, workerName: 'worker-dst' });
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await worker.stop(false);
    await api.stop(false);
    await tdb.close();
  });

  async function ticksWhen(scheduleId: string, count: number, timeoutMs: number): Promise<ScheduleTick[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const ticks = await service.listTicks(scheduleId);
      // A started tick is claimed first and gets its job id once the run is enqueued.
      const settled = ticks.every((t) => t.outcome !== 'started' || t.jobId !== null);
      if (ticks.length >= count && settled) return ticks.reverse();
      if (performance.now() > deadline)
        throw new Error(`${count} tick records not written within ${timeoutMs} ms: ${JSON.stringify(ticks)}`);
      await sleep(100);
    }
  }

  async function endRuns(scheduleId: string): Promise<void> {
    await tdb.db.collection('extraction_jobs').updateMany({ scheduleId }, { $set: { status: 'completed' } });
  }

  it('runs once on the spring-forward day (02:30 does not exist: at 03:30 EDT, as cron-parser places it) and records it; the days around it run at 02:30', async () => {
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2026-03-07T07:29:58.000Z')); // 02:29:58 EST, the day before
    const schedule = await service.createSchedule({
      name: 'dst-nightly',
      cron: '30 2 * * *',
      timeZone: 'America/New_York',
      properties: [sampleProperty(1)],
    });
    expect(schedule.nextRunAt?.toISOString()).toBe('2026-03-07T07:30:00.000Z');
    await worker.start();

    const [before] = await ticksWhen(schedule.id, 1, 20_000);
    expect(before).toMatchObject({ tickAt: new Date('2026-03-07T07:30:00.000Z'), outcome: 'started' });
    await endRuns(schedule.id);

    vi.setSystemTime(new Date('2026-03-08T07:29:58.000Z')); // 03:29:58 EDT on the spring-forward day
    const [, onTheDay] = await ticksWhen(schedule.id, 2, 20_000);
    expect(onTheDay).toMatchObject({ tickAt: new Date('2026-03-08T07:30:00.000Z'), outcome: 'started', previousJobId: null });
    expect(onTheDay?.jobId).not.toBe(before?.jobId);
    await endRuns(schedule.id);

    vi.setSystemTime(new Date('2026-03-09T06:29:58.000Z')); // 02:29:58 EDT the day after
    const ticks = await ticksWhen(schedule.id, 3, 20_000);
    await service.pauseSchedule(schedule.id);
    expect(ticks.map((t) => [t.tickAt.toISOString(), t.outcome])).toEqual([
      ['2026-03-07T07:30:00.000Z', 'started'],
      ['2026-03-08T07:30:00.000Z', 'started'],
      ['2026-03-09T06:30:00.000Z', 'started'],
    ]);
    const runs = await tdb.db.collection('extraction_jobs').find({ scheduleId: schedule.id }).toArray();
    expect(runs.map((r) => r['_id']).sort()).toEqual(ticks.map((t) => t.jobId).sort());
  }, 90_000);
});

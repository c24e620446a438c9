import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { createAgenda } from '../../src/agenda/create-agenda.js';
import { defineRunScheduleJob } from '../../src/worker/run-schedule.job.js';
import { ScheduleService } from '../../src/schedules/schedule-service.js';
import type { ScheduleTick } from '../../src/schedules/schedule.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleProperty } from '../support/sample-jobs.js';

describe('run-extraction-schedule job on a started queue', () => {
  let tdb: TestDatabase;
  let api: Agenda;
  let worker: Agenda;
  let service: ScheduleService;

  beforeAll(async () => {
    tdb = await openTestDatabase('schedule_job');
    api = await createAgenda({ db: tdb.db });
    service = new ScheduleService({ db: tdb.db, agenda: api });
    await service.ensureIndexes();
    worker = await createAgenda({ db: await tdb.connectAgain(), name: 'worker-1', processEveryMs: 100 });
    defineRunScheduleJob(worker, { db: tdb.db, workerName: 'worker-1' });
    await worker.start();
  });
  afterAll(async () => {
    await worker.stop(false);
    await api.stop(false);
    await tdb.close();
  });

  async function ticksWhen(scheduleId: string, enough: (ticks: ScheduleTick[]) => boolean, timeoutMs: number): Promise<ScheduleTick[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ticks = await service.listTicks(scheduleId);
      if (enough(ticks)) return ticks;
      if (Date.now() > deadline) throw new Error(`ticks not reached within ${timeoutMs} ms: ${JSON.stringify(ticks)}`);
      await sleep(100);
    }
  }

  it('ticks every second; while its run is pending (no extraction worker here) each later tick is skipped and recorded', async () => {
    const schedule = await service.createSchedule({
      name: 'every-second',
      cron: '* * * * * *',
      properties: [sampleProperty(1)],
      timeZone: 'UTC',
      fetchMode: 'http',
      timeoutMs: 86_400_000,
    });
    const ticks = (await ticksWhen(schedule.id, (t) => t.length >= 3, 20_000)).reverse();
    await service.pauseSchedule(schedule.id);
    const [first, ...later] = ticks;
    expect(first).toMatchObject({ outcome: 'started', workerName: 'worker-1', previousJobId: null });
    const runs = await tdb.db.collection('extraction_jobs').find({ scheduleId: schedule.id }).toArray();
    expect(runs.map((r) => [r['_id'], r['origin'], r['status'], r['fetchMode'], r['timeoutMs']])).toEqual([
      [first?.jobId, 'scheduled', 'pending', 'http', 86_400_000],
    ]);
    for (const tick of later) expect(tick).toMatchObject({ outcome: 'skipped', jobId: null, previousJobId: first?.jobId });
    const seconds = ticks.map((t) => t.tickAt.getTime());
    expect(seconds.every((ms) => ms % 1000 === 0)).toBe(true);
    expect(new Set(seconds).size).toBe(seconds.length);
  });

  it('a schedule of a label holds no property list; its tick enqueues a job whose worker lists the label', async () => {
    const schedule = await service.createSchedule({
      name: 'label-nightly',
      cron: '* * * * * *',
      selection: { label: 'Nightly' },
      timeZone: 'UTC',
    });
    expect(schedule).toMatchObject({ properties: [], catalogSelection: { label: 'nightly' } });
    // A tick is claimed as started before its job is enqueued, and gets the job's id once it is: wait for that.
    const started = (tick: ScheduleTick): boolean => tick.outcome === 'started' && tick.jobId !== null;
    const first = (await ticksWhen(schedule.id, (t) => t.some(started), 20_000)).find(started);
    await service.pauseSchedule(schedule.id);
    const run = await tdb.db.collection('extraction_jobs').findOne({ _id: first?.jobId as never });
    expect(run).toMatchObject({
      origin: 'scheduled',
      status: 'pending',
      totalProperties: 0,
      propertiesListed: false,
      catalogSelection: { label: 'nightly' },
    });
    expect(await tdb.db.collection('extraction_job_properties').countDocuments({ jobId: first?.jobId })).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScheduleRepository } from '../../src/schedules/schedule-repository.js';
import type { ScheduleId } from '../../src/schedules/schedule.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

describe('tick records keep every fire found claimed while the claimer settles the tick (FerretDB updates are not atomic)', () => {
  let tdb: TestDatabase;
  let claimer: ScheduleRepository;
  let others: ScheduleRepository[];

  beforeAll(async () => {
    tdb = await openTestDatabase('tick_fires');
    claimer = new ScheduleRepository({ db: tdb.db });
    await claimer.ensureIndexes();
    others = [new ScheduleRepository({ db: await tdb.connectAgain() }), new ScheduleRepository({ db: await tdb.connectAgain() })];
  });
  afterAll(async () => tdb.close());

  it('20 ticks, each settled by its claimer while two other workers record their fires at once: 40 fires listed, 20 settled', async () => {
    const scheduleId = 'sched_fires' as ScheduleId;
    const base = {
      scheduleId,
      workerName: 'claimer',
      recordedAt: new Date(),
      claimedElsewhere: [],
      outcome: 'started' as const,
      jobId: null,
      previousJobId: null,
      reason: null,
    };
    for (let i = 0; i < 20; i += 1) {
      const tickAt = new Date(Date.UTC(2026, 2, 1, 12, i));
      expect(await claimer.claimTick({ ...base, tickAt })).toBe(true);
      const added = await Promise.all([
        claimer.settleTick(scheduleId, tickAt, { outcome: 'started', jobId: `job-${i}`, reason: null }).then(() => true),
        ...others.map((o, w) => o.addClaimedElsewhere(scheduleId, tickAt, { workerName: `worker-${w}`, firedAt: new Date() })),
      ]);
      expect(added).toEqual([true, true, true]);
    }
    const ticks = await claimer.listTicks(scheduleId);
    const fires = ticks.flatMap((t) => t.claimedElsewhere.map((f) => `${t.jobId}:${f.workerName}`));
    expect({ ticks: ticks.length, settled: ticks.filter((t) => t.jobId !== null).length, fires: fires.length }).toEqual({
      ticks: 20,
      settled: 20,
      fires: 40,
    });
    expect(ticks[0]?.claimedElsewhere.map((f) => f.workerName).sort()).toEqual(['worker-0', 'worker-1']);
  });
});

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import type { Agenda } from 'agenda';
import { isFinalJobStatus, loadPropertiesCsv } from '@phx/core';
import { JobService, ScheduleService, createAgenda } from '@phx/jobs';
import type { StoredExtractionJob } from '@phx/jobs';
import { WORKSPACE_ROOT } from '../src/config.js';
import { startWorkerProcess } from './support/worker-process.js';
import type { WorkerProcess } from './support/worker-process.js';

describe('a schedule under restarting worker processes', () => {
  const uri = process.env['MONGODB_URI'] ?? '';
  const dbName = `phx_test_worker_schedules_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let db: Db;
  let agenda: Agenda;
  let schedules: ScheduleService;
  let jobs: JobService;
  let imagesDir: string;
  const started: WorkerProcess[] = [];

  const startWorkers = async (names: readonly string[]): Promise<WorkerProcess[]> => {
    const workers = names.map((name) =>
      startWorkerProcess({
        MONGODB_URI: uri,
        MONGODB_DB: dbName,
        PHX_SCRAPER_MODE: 'replay',
        PHX_IMAGES_DIR: imagesDir,
        WORKER_NAME: name,
        METRICS_PORT: '0',
      }),
    );
    started.push(...workers);
    await Promise.all(workers.map((w) => w.waitForLine('worker ready', 60_000)));
    return workers;
  };
  const stopWorkers = async (workers: readonly WorkerProcess[]): Promise<void> => {
    for (const w of workers) w.child.kill('SIGTERM');
    expect(await Promise.all(workers.map((w) => w.exited()))).toEqual(workers.map(() => 0));
  };
  const runsOf = async (scheduleId: string): Promise<StoredExtractionJob[]> =>
    (await jobs.listJobs({ limit: 500 })).filter((j) => j.scheduleId === scheduleId);
  const finishedRuns = async (scheduleId: string): Promise<number> =>
    (await runsOf(scheduleId)).filter((j) => isFinalJobStatus(j.status)).length;
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
      await sleep(100);
    }
  };

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
    db = client.db(dbName);
    agenda = await createAgenda({ db });
    schedules = new ScheduleService({ db, agenda });
    jobs = new JobService({ db, agenda });
    await Promise.all([schedules.ensureIndexes(), jobs.ensureIndexes()]);
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-worker-schedules-'));
  });
  afterEach(() => {
    for (const w of started.splice(0)) w.kill();
  });
  afterAll(async () => {
    await agenda.stop(false);
    await db.dropDatabase();
    await client.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('keeps one schedule and one tick job, one run per tick, never two runs at once, each run a job of its own', async () => {
    const properties = (await loadPropertiesCsv(join(WORKSPACE_ROOT, 'tools/data/sample-properties.csv'))).filter((p) =>
      /Garwood/.test(p.address),
    );
    // Every second: runs (a page load in Chromium, pinned: plain HTTP is quicker than a tick) take longer, so ticks meet unfinished runs.
    const schedule = await schedules.createSchedule({
      name: 'every-second',
      cron: '* * * * * *',
      timeZone: 'UTC',
      properties,
      dryRun: true,
      fetchMode: 'browser',
    });

    // Three generations of workers (1, 2, then 3 processes); each must finish a run before it is stopped.
    for (const names of [['w1'], ['w2a', 'w2b'], ['w3a', 'w3b', 'w3c']]) {
      const before = await finishedRuns(schedule.id);
      const workers = await startWorkers(names);
      await waitFor(`a run finished under ${names.join(',')}`, async () => (await finishedRuns(schedule.id)) > before, 90_000);
      await stopWorkers(workers);
    }
    expect(await db.collection('extraction_schedules').countDocuments()).toBe(1);
    expect(await db.collection('agendaJobs').countDocuments({ name: 'run-extraction-schedule' })).toBe(1);

    // No more ticks; one worker finishes a run handed back at the last stop, if any.
    await schedules.pauseSchedule(schedule.id);
    const last = await startWorkers(['w-final']);
    await waitFor('every run final', async () => (await runsOf(schedule.id)).every((j) => isFinalJobStatus(j.status)), 90_000);
    await stopWorkers(last);

    const ticks = (await schedules.listTicks(schedule.id, 1000)).reverse();
    const runs = (await runsOf(schedule.id)).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const startedTicks = ticks.filter((t) => t.outcome === 'started');
    expect(ticks.filter((t) => t.outcome === 'failed')).toEqual([]);
    expect(new Set(ticks.map((t) => t.tickAt.getTime())).size).toBe(ticks.length);
    // Exactly one job per started tick, each with origin scheduled.
    expect(runs.map((r) => r.id)).toEqual(startedTicks.map((t) => t.jobId));
    expect(runs.every((r) => r.origin === 'scheduled' && r.status === 'completed' && r.totalProperties === 1)).toBe(true);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // Never two runs at once: each run was created after the previous one ended.
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]?.createdAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1]?.completedAt?.getTime() ?? Number.POSITIVE_INFINITY);
    }
    // Each skipped tick names the run started by the last started tick before it.
    let current: string | null = null;
    for (const tick of ticks) {
      if (tick.outcome === 'started') current = tick.jobId;
      else expect(tick.previousJobId).toBe(current);
    }
    expect(ticks.some((t) => t.outcome === 'skipped')).toBe(true);
  }, 400_000);
});

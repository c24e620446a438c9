import { describe, expect, it } from 'vitest';
import { nonProgressLines, useCliDatabase } from './built-cli.js';

const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';

describe("phx-extract --timeout (the job's own time limit; the built CLI, as a user runs it)", () => {
  const { cli, db } = useCliDatabase('phx_cli_timeout');
  const jobs = () => db().collection('extraction_jobs');

  it('stores the limit on a job enqueued with --async and reports it; without the flag the job has none', async () => {
    const enqueued = await cli('--address', CHICAGO, '--async', '--dry-run', '--timeout', '7200');
    expect(enqueued.stderr).toBe('');
    expect(enqueued.code).toBe(0);
    const jobId = /Job enqueued: ([0-9a-f-]{36})/.exec(enqueued.stdout)?.[1] ?? '';
    expect(await jobs().findOne({ _id: jobId as never })).toMatchObject({ timeoutMs: 7_200_000, status: 'pending' });
    expect((await cli('--job-id', jobId)).stdout).toContain('isolation: virtual  time limit: 7200 s  (dry run)');
    const plain = await cli('--address', CHICAGO, '--async');
    const plainJob = /Job enqueued: ([0-9a-f-]{36})/.exec(plain.stdout)?.[1] ?? '';
    expect(await jobs().findOne({ _id: plainJob as never })).toMatchObject({ timeoutMs: null });
  });

  it('runs an in-process extraction with the limit stored on its job, and shows it in the --json summary', async () => {
    const run = await cli('--address', CHICAGO, '--replay', '--dry-run', '--timeout', '3600', '--json');
    // With --json the notes go to stderr: only the exit code and the summary line count here.
    expect(run.code, nonProgressLines(run.stderr).join('\n')).toBe(0);
    const summary = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
    expect(summary).toMatchObject({ type: 'summary', status: 'completed', timeoutMs: 3_600_000 });
    expect(await jobs().findOne({ _id: summary['jobId'] as never })).toMatchObject({ timeoutMs: 3_600_000, status: 'completed' });
  });

  it('refuses a limit out of range with the usage error naming the flag (exit 2), writing no job; schedules take it too', async () => {
    const before = await jobs().countDocuments();
    const bad = await cli('--address', CHICAGO, '--async', '--timeout', '0');
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('--timeout: 0 is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)');
    expect(await jobs().countDocuments()).toBe(before);

    const added = await cli('schedule', 'add', '--name', 'limited', '--cron', '0 3 * * *', '--address', CHICAGO, '--timeout', '86400');
    expect(added.code, added.stderr).toBe(0);
    expect(await db().collection('extraction_schedules').findOne({ name: 'limited' })).toMatchObject({
      timeoutMs: 86_400_000,
    });
    const badSchedule = await cli('schedule', 'add', '--name', 'unlimited', '--cron', '0 3 * * *', '--all', '--timeout', 'soon');
    expect(badSchedule.code).toBe(2);
    expect(badSchedule.stderr).toContain('--timeout: "soon" is not a whole number of seconds');
  });
});

import { describe, expect, it } from 'vitest';
import { nonProgressLines, useCliDatabase } from './built-cli.js';

const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';

describe('phx-extract --fetch-mode (the built CLI, as a user runs it)', () => {
  const { cli, db } = useCliDatabase('phx_cli_fetch');
  const jobs = () => db().collection('extraction_jobs');

  it('stores the mode on a job enqueued with --async and reports it; without the flag the job leaves it to the worker', async () => {
    const enqueued = await cli('--address', CHICAGO, '--async', '--dry-run', '--fetch-mode', 'http');
    expect(enqueued.stderr).toBe('');
    expect(enqueued.code).toBe(0);
    const jobId = /Job enqueued: ([0-9a-f-]{36})/.exec(enqueued.stdout)?.[1] ?? '';
    expect(await jobs().findOne({ _id: jobId as never })).toMatchObject({ fetchMode: 'http', status: 'pending' });
    const status = await cli('--job-id', jobId);
    expect(status.stdout).toContain('isolation: virtual  fetch mode: http  (dry run)');

    const unnamed = await cli('--address', CHICAGO, '--async', '--fetch-mode', 'browser');
    const browserJob = /Job enqueued: ([0-9a-f-]{36})/.exec(unnamed.stdout)?.[1] ?? '';
    expect(await jobs().findOne({ _id: browserJob as never })).toMatchObject({ fetchMode: 'browser' });
    const plain = await cli('--address', CHICAGO, '--async');
    const plainJob = /Job enqueued: ([0-9a-f-]{36})/.exec(plain.stdout)?.[1] ?? '';
    expect(new Set([jobId, browserJob, plainJob]).size).toBe(3);
    expect(await jobs().findOne({ _id: plainJob as never })).toMatchObject({ fetchMode: null });
  });

  it('runs an in-process extraction with the mode given, stored on its job', async () => {
    const run = await cli('--address', CHICAGO, '--replay', '--dry-run', '--fetch-mode', 'browser');
    expect(nonProgressLines(run.stderr)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('fetch mode: browser  (dry run)');
    const jobId = /Job ([0-9a-f-]{36}): completed/.exec(run.stdout)?.[1] ?? '';
    expect(await jobs().findOne({ _id: jobId as never })).toMatchObject({ fetchMode: 'browser', status: 'completed' });
  });

  it('an in-process run without the flag stores the mode it runs with (auto), so its report and --json summary name it', async () => {
    const run = await cli('--address', CHICAGO, '--replay', '--dry-run', '--json');
    expect(run.code, run.stderr).toBe(0);
    const summary = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((event) => event['type'] === 'summary');
    expect(summary).toMatchObject({ status: 'completed', fetchMode: 'auto' });
    expect(await jobs().findOne({ _id: summary?.['jobId'] as never })).toMatchObject({ fetchMode: 'auto' });
  });

  it('refuses an unknown mode with the usage error naming the flag, the value and the choices (exit 2), writing no job', async () => {
    const before = await jobs().countDocuments();
    for (const args of [
      ['--all', '--fetch-mode', 'fast'],
      ['--all', '--async', '--fetch-mode', 'HTTP'],
    ]) {
      const bad = await cli(...args);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toMatch(/--fetch-mode <mode>' argument '(fast|HTTP)' is invalid\. Allowed choices are auto, http, browser/);
      expect(bad.stdout).toBe('');
    }
    expect(await jobs().countDocuments()).toBe(before);
  });
});

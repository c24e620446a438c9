import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';

describe('phx-extract schedule (the built CLI)', () => {
  const dbName = `phx_cli_schedule_${randomUUID().slice(0, 8)}`;
  let client: MongoClient;

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, [CLI, 'schedule', ...args], {
        env: { ...process.env, MONGODB_DB: dbName, LOG_LEVEL: 'silent' },
        timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }
  const tickJobs = () => client.db(dbName).collection('agendaJobs').countDocuments({ name: 'run-extraction-schedule' });

  beforeAll(async () => {
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
  });

  it('adds, lists, pauses, resumes and removes a schedule by name', async () => {
    const added = await cli('add', '--name', 'nightly-chicago', '--cron', '0 3 * * *', '--address', CHICAGO, '--sources', 'zillow');
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = /Schedule created: ([0-9a-f-]{36}) \(nightly-chicago\)/.exec(added.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(added.stdout).toMatch(
      /nightly-chicago: "0 3 \* \* \*" America\/Phoenix, next run \d{4}-\d\d-\d\dT10:00:00\.000Z; 1 property, zillow\n/,
    );
    expect(await tickJobs()).toBe(1);

    const listed = await cli('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  nightly-chicago: "0 3 \\* \\* \\*" America/Phoenix, next run `));

    const paused = await cli('pause', 'nightly-chicago');
    expect(paused.code).toBe(0);
    expect(paused.stdout).toBe(
      'Schedule nightly-chicago paused\nnightly-chicago: "0 3 * * *" America/Phoenix, paused; 1 property, zillow\n',
    );
    expect(await tickJobs()).toBe(0);
    expect((await cli('resume', id)).code).toBe(0);
    expect(await tickJobs()).toBe(1);
    expect(await cli('runs', id)).toMatchObject({ code: 0, stdout: 'No ticks yet.\n' });

    expect(await cli('remove', 'nightly-chicago')).toMatchObject({ code: 0, stdout: 'Schedule nightly-chicago removed\n' });
    expect(await tickJobs()).toBe(0);
    expect(await cli('list')).toMatchObject({ code: 0, stdout: 'No schedules.\n' });
    expect(await cli('remove', 'nightly-chicago')).toMatchObject({
      code: 1,
      stderr: 'No schedule with id or name "nightly-chicago" exists\n',
    });
  });

  it('rejects a bad cron expression and time zone with exit 2, a taken name with exit 1', async () => {
    const bad = await cli('add', '--name', 'bad', '--cron', '0 25 * * *', '--tz', 'Phoenix', '--all');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('timeZone: "Phoenix" is not an IANA time zone');
    expect(bad.stderr).toContain('cron: "0 25 * * *" is not a valid cron expression');
    expect((await cli('add', '--name', 'twice', '--cron', '*/15 * * * *', '--all')).code).toBe(0);
    const again = await cli('add', '--name', 'twice', '--cron', '0 * * * *', '--all');
    expect(again).toMatchObject({
      code: 1,
      stderr: 'SCHEDULE_NAME_TAKEN: A schedule named "twice" exists already; choose another name or remove it first\n',
    });
    expect((await cli('add', '--name', 'none', '--cron', '0 * * * *')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
  });
});

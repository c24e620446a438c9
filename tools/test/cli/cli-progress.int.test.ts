import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runBuiltCli } from './built-cli.js';
import type { CliResult } from './built-cli.js';

const run = promisify(execFile);

const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
const CHICAGO_ZILLOW = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
/** A property whose listing page is not among the saved pages: the replay fails it (`LISTING_REMOVED`). */
const NOWHERE = '9 Nowhere Rd, Phoenix, AZ 85001';
const NOWHERE_ZILLOW = 'https://www.zillow.com/homedetails/9-Nowhere-Rd-Phoenix-AZ-85001/99999999_zpid/';

const ESCAPE = /\u001b/;
/** A plain progress line: elapsed time, status, properties done, photos. */
const PLAIN_LINE =
  /^\[ *\d+\.\ds\] (pending|in_progress|completed|failed) +\d+\/\d+ properties done \(\d+ completed, \d+ partial, \d+ deferred, \d+ failed\) +\d+ photos? \(/;

/** One `--json` line. */
type JsonEvent = { readonly type: string } & Record<string, unknown>;

describe('phx-extract progress output (the built CLI, replay, FerretDB)', () => {
  const dbName = `phx_cli_progress_${randomUUID().slice(0, 8)}`;
  let dir = '';
  let csv = '';
  let client: MongoClient;

  const cli = (...args: string[]): Promise<CliResult> => runBuiltCli(args, { dbName, imagesDir: join(dir, 'images') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-cli-progress-'));
    csv = join(dir, 'two.csv');
    await writeFile(csv, `address,zillow_url,redfin_url\n"${CHICAGO}",${CHICAGO_ZILLOW},\n"${NOWHERE}",${NOWHERE_ZILLOW},\n`);
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });

  afterAll(async () => {
    await client.db(dbName).dropDatabase();
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('in a pipe: plain progress lines on stderr (no escape codes), each failure with its reason, and the same "properties done" as the summary', async () => {
    const result = await cli('--csv', csv, '--all', '--replay', '--sources', 'zillow');
    expect(result.code).toBe(0); // the job completed, one of its properties failed
    expect(result.stderr).not.toMatch(ESCAPE);
    expect(result.stdout).not.toMatch(ESCAPE);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    const progress = lines.filter((l) => PLAIN_LINE.test(l));
    expect(progress.length).toBeGreaterThan(0);
    // The failure shows as it happens, naming the property and why.
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^\\[ *\\d+\\.\\ds\\] ! ${NOWHERE} failed: zillow LISTING_REMOVED: `)));
    expect(lines.filter((l) => !PLAIN_LINE.test(l) && !l.includes(' ! '))).toEqual([]);
    // One meaning of "properties done": completed + partial + deferred + failed, in the live line and in the summary.
    const done = '2/2 properties done (1 completed, 0 partial, 0 deferred, 1 failed)';
    expect(progress.at(-1)).toContain(done);
    expect(result.stdout).toContain(`  Progress: ${done}\n`);

    // --job-id names the failure reasons too.
    const jobId = /Job ([0-9a-f-]{36}): completed/.exec(result.stdout)?.[1] ?? '';
    const status = await cli('--job-id', jobId);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`  Progress: ${done}\n`);
    expect(status.stdout).toMatch(
      new RegExp(`  Failed properties \\(1\\):\\n    ${NOWHERE}\\n      ! zillow LISTING_REMOVED: The zillow page `),
    );
  });

  it('--json: NDJSON on stdout (job, progress, failure, summary), notes on stderr; a re-run counts its unchanged photos', async () => {
    const first = await cli('--address', CHICAGO, '--replay', '--sources', 'zillow', '--json');
    expect(first.code).toBe(0);
    const events = first.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonEvent);
    expect(events[0]).toMatchObject({ type: 'job', mode: 'in-process', totalProperties: 1 });
    expect(events.at(-1)).toMatchObject({ type: 'summary', status: 'completed', exitCode: 0, propertiesDone: 1, failedProperties: [] });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({
      status: 'completed',
      propertiesDone: 1,
      counters: { completedProperties: 1, totalProperties: 1 },
    });
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['job', 'progress', 'summary']));
    expect(first.stderr).toContain('extracting 1 property in this process');

    const again = await cli('--address', CHICAGO, '--replay', '--sources', 'zillow', '--json');
    const summary = JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}') as JsonEvent;
    const photos = summary['photos'] as number;
    expect(photos).toBeGreaterThan(0);
    expect(summary).toMatchObject({ type: 'summary', counters: { newImages: 0, totalImages: 0, unchangedImages: photos } });

    // The failure event and the summary name the reasons.
    const failing = await cli('--csv', csv, '--id', '9-nowhere-rd-phoenix-az-85001', '--replay', '--json');
    const failed = failing.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as JsonEvent);
    const reason = { source: 'zillow', code: 'LISTING_REMOVED', url: NOWHERE_ZILLOW, message: expect.stringContaining(NOWHERE_ZILLOW) };
    expect(failed.filter((e) => e.type === 'failure')).toEqual([
      { type: 'failure', propertyId: '9-nowhere-rd-phoenix-az-85001', address: NOWHERE, status: 'failed', failures: [reason] },
    ]);
    expect(failed.at(-1)).toMatchObject({
      type: 'summary',
      status: 'failed',
      exitCode: 1,
      failedProperties: [{ address: NOWHERE, failures: [reason] }],
    });
  });

  /** Runs the CLI in a pseudo-terminal (util-linux `script`), as a terminal user does; returns what the terminal got. */
  async function inTerminal(args: readonly string[], env: Record<string, string>): Promise<string> {
    const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    // Node takes NO_COLOR and FORCE_COLOR as set even when empty: the test's own are left out.
    const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, CI: _ci, ...inherited } = process.env;
    const { stdout } = await run('script', ['-qec', command, '/dev/null'], {
      env: { ...inherited, MONGODB_DB: dbName, PHX_IMAGES_DIR: join(dir, 'images'), LOG_LEVEL: 'silent', TERM: 'xterm-256color', ...env },
      timeout: 120_000,
    }).catch((e: { stdout: string }) => e);
    return stdout;
  }

  it('on a terminal: the updating display (bar, properties done, rate, ETA), failures in red; NO_COLOR drops the colour, CI the redraws', async () => {
    const args = ['--csv', csv, '--all', '--replay', '--sources', 'zillow'];
    const tty = await inTerminal(args, {});
    expect(tty).toMatch(/[█░]{30} \d\/2 properties done \| [-\d.]+\/min \| ETA [-\dhms]+ \| \d+ photos? \| \d failed \| [\d.]+s/);
    expect(tty).toContain('\u001b[?25l'); // the cursor hidden while the display redraws
    expect(tty).toContain(`\u001b[31m✗ ${NOWHERE}: zillow LISTING_REMOVED`);
    expect(tty).toContain('Progress: 2/2 properties done (1 completed, 0 partial, 0 deferred, 1 failed)');

    const noColor = await inTerminal(args, { NO_COLOR: '1' });
    expect(noColor).toContain(`✗ ${NOWHERE}: zillow LISTING_REMOVED`);
    expect(noColor).not.toContain('\u001b[31m');

    const ci = await inTerminal(args, { CI: 'true' });
    expect(ci).not.toContain('\u001b[?25l');
    expect(ci).toMatch(/\[ *\d+\.\ds\] completed +2\/2 properties done/);
  });
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/phx-record.js', import.meta.url));
const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const dir = mkdtempSync(path.join(tmpdir(), 'phx-record-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the packaged bin; killed after a generous bound only as a failure signal. */
function phxRecord(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('phx-record with bad flags (nothing is loaded)', () => {
  it('names a HAR in a missing folder on stderr, with no stack trace, and exits 2', async () => {
    const run = await phxRecord(['--har', '/nonexistent/x.har', AUSTIN_URL]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Invalid scraper kit options: mode.harPath: the folder "/nonexistent" of the HAR file does not exist');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('refuses a folder given as the HAR file before recording anything', async () => {
    const run = await phxRecord(['--har', dir, AUSTIN_URL]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`mode.harPath: "${dir}" is a folder; give the HAR file to write, e.g. ${path.join(dir, 'session.har')}`);
    expect(run.stdout).toBe('');
  });

  it('names an unknown --source on stderr', async () => {
    const run = await phxRecord(['--har', path.join(dir, 'x.har'), '--source', 'nope', '1 Main St, Mesa, AZ 85201']);
    expect({ code: run.code, stderr: run.stderr.split('\n', 1)[0] }).toEqual({
      code: 2,
      stderr: '--source nope: not a source; use zillow or redfin',
    });
    expect(run.stderr).toMatch(/^--source nope: not a source; use zillow or redfin\n/);
    expect(run.stderr).toContain('Usage: phx-record');
  });

  it('says what is missing: the HAR file, or what to record', async () => {
    const noHar = await phxRecord([AUSTIN_URL]);
    expect({ code: noHar.code, stderr: noHar.stderr.split('\n', 1)[0] }).toEqual({
      code: 2,
      stderr: 'missing --har <file.har>: where to write the recording',
    });
    expect(noHar.stderr).toMatch(/^missing --har <file\.har>: where to write the recording\n/);
    const nothing = await phxRecord(['--har', path.join(dir, 'x.har')]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^missing what to record: give at least one listing URL or address\n/);
    expect(`${noHar.stdout}${nothing.stdout}`).toBe('');
  });

  it('prints the usage on stdout for --help and exits 0', async () => {
    const run = await phxRecord(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: phx-record');
    expect(run.stderr).toBe('');
  });
});

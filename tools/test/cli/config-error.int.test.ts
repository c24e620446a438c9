import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI } from './built-cli.js';

const run = promisify(execFile);
const APIKEY = fileURLToPath(new URL('../../dist/apikey/main.js', import.meta.url));

/** Runs a built entry with a bad environment; returns its exit code and stderr. */
async function runWithBadEnv(entry: string, args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const env = { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'loud', LOG_FORMAT: 'xml' };
  try {
    const { stderr } = await run(process.execPath, [entry, ...args], { env, timeout: 60_000 });
    return { code: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe('the CLIs with an invalid configuration', () => {
  it.each([
    ['phx-extract', CLI, ['--address', '1 Main St']],
    ['phx-apikey', APIKEY, ['list']],
  ] as const)('%s writes the shared JSON report naming every bad variable and exits 2', async (service, entry, args) => {
    const { code, stderr } = await runWithBadEnv(entry, args);
    expect(code, stderr).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    const report = JSON.parse(lines[0] ?? '') as { errors: { variable: string; problem: string }[] };
    expect(report).toMatchObject({ level: 60, service, msg: 'invalid configuration' });
    expect(report.errors.map((e) => e.variable).sort()).toEqual(['LOG_FORMAT', 'LOG_LEVEL']);
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('phx-extract refuses input the store could not hold, naming it', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-cli-limits-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('an --address whose property id would be over 255 characters: exit 2, nothing looked up', async () => {
    const address = `${'9'.repeat(260)} Long Rd, Phoenix, AZ 85001`;
    const result = await cli('--address', address, '--dry-run', '--replay');
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('is 287 characters; at most 255 (shorten it)');
  });

  it('a CSV that is not UTF-8: exit 2 naming the file and line, no job', async () => {
    const csv = join(dir, 'latin1.csv');
    await writeFile(
      csv,
      Buffer.concat([Buffer.from('address\n"1 Main St, Phoenix"\n"2 Pe'), Buffer.from([0xf1]), Buffer.from('a Ave, Phoenix"\n')]),
    );
    const result = await cli('--csv', csv, '--all', '--dry-run', '--replay');
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(csv);
    expect(result.stderr).toContain('line 3: is not UTF-8 (byte 0xf1 at column 6)');
  });
});

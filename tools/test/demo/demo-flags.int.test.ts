import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../../dist/demo/main.js', import.meta.url));

describe('npm run demo with bad flags', () => {
  const dbName = `phx_test_demo_flags_${randomBytes(4).toString('hex')}`;
  const dataDirs: string[] = [];
  afterAll(async () => {
    const client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
    await client.db(dbName).dropDatabase();
    await client.close();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the demo on a data folder of its own; returns its exit code, its output and what it left in the folder. */
  async function runDemo(
    args: readonly string[],
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ code: number | null; output: string; dataFiles: string[] }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'phx-demo-flags-'));
    dataDirs.push(dataDir);
    const demo = spawn(process.execPath, [DEMO, '--db', dbName, ...args], {
      env: { ...process.env, PHX_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const [code] = (await once(demo, 'exit')) as [number | null];
    return { code, output, dataFiles: await readdir(dataDir) };
  }

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--sources', 'foo'], /--sources: unknown source "foo"; expected one of zillow, redfin/],
    [['--sources', 'zillow,'], /--sources: unknown source ""; expected one of zillow, redfin/],
    [['--db', 'a/b'], /--db: .*"a\/b"/],
  ])('%j exits 2 naming the flag, before starting a worker, a server or a key', async (args, named) => {
    const { code, output, dataFiles } = await runDemo(args);
    expect(code, output).toBe(2);
    expect(output).toMatch(named);
    expect(output).not.toMatch(/worker|graphql|api key/);
    expect(dataFiles).toEqual([]);
  });

  it('--help exits 0 with the usage', async () => {
    const { code, output } = await runDemo(['--help']);
    expect(code, output).toBe(0);
    expect(output).toContain('--sources <list>');
  });

  it('exits 1 with DATABASE_UNAVAILABLE within MONGODB_CONNECT_TIMEOUT_MS when MongoDB does not answer, before starting anything', async () => {
    // It started the worker and the server first, and reported "worker exited … before it was ready" 32 s later.
    const { code, output } = await runDemo([], { MONGODB_URI: 'mongodb://127.0.0.1:9/', MONGODB_CONNECT_TIMEOUT_MS: '1000' });
    expect(code, output).toBe(1);
    expect(output).toMatch(/MongoDB at mongodb:\/\/127\.0\.0\.1:9\/ did not answer within 1000 ms/);
    // It stops right after naming the database: no images, logs, worker, server or key lines follow.
    expect(output.split('\n').filter((l) => l.startsWith('  '))).toEqual(['  database   mongodb://127.0.0.1:9/' + dbName]);
  });
});

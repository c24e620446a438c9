import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../../dist/demo/main.js', import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A demo started in its own process group (as a terminal starts it) on a database and data folder of its own, with its output collected. */
interface DemoRun {
  readonly demo: ReturnType<typeof spawn>;
  readonly exited: Promise<[number | null, string | null]>;
  output(): string;
}

/**
 * Gives each test of a describe block a demo database name and a data folder, and drops both after the block.
 *
 * @param label - part of the database and folder names
 * @returns `start(args)`, which spawns the demo with them
 */
function demoSandbox(label: string): { readonly dbName: string; start(args: readonly string[]): Promise<DemoRun> } {
  const dbName = `phx_test_demo_${label}_${randomBytes(4).toString('hex')}`;
  let dataDir = '';
  afterAll(async () => {
    const client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
    await client.db(dbName).dropDatabase();
    await client.close();
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });
  return {
    dbName,
    async start(args) {
      dataDir = await mkdtemp(join(tmpdir(), `phx-demo-${label}-`));
      const demo = spawn(process.execPath, [DEMO, '--db', dbName, ...args], {
        env: { ...process.env, PHX_DATA_DIR: dataDir },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const exited = once(demo, 'exit') as Promise<[number | null, string | null]>;
      return { demo, exited, output: () => output };
    },
  };
}

describe('Ctrl-C of the demo (SIGINT to its whole process group, as a terminal sends it)', () => {
  const sandbox = demoSandbox('int');

  it('cancels its job, stops its worker and server, revokes its key and exits 130', async () => {
    const { demo, exited, output } = await sandbox.start([]);
    const deadline = Date.now() + 120_000;
    while (!/\]\s+in_progress\s+[1-9]\d*\/\d+ properties done/.test(output())) {
      if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`no progress line:\n${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = [...output().matchAll(/(worker|graphql)\s+pid (\d+) ready/g)].map((m) => Number(m[2]));
    expect(pids).toHaveLength(2);
    process.kill(-demo.pid!, 'SIGINT');
    const [code] = await exited;
    expect(code, output()).toBe(130);
    expect(output()).toContain('Interrupted');
    expect(pids.filter(alive)).toEqual([]);
    const client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
    try {
      const db = client.db(sandbox.dbName);
      const jobs = await db
        .collection('extraction_jobs')
        .find({}, { projection: { status: 1 } })
        .toArray();
      expect(jobs.map((j) => j['status'])).toEqual(['cancelled']);
      const keys = await db.collection('api_keys').find({}).toArray();
      expect(keys).toHaveLength(1);
      expect(keys[0]?.['revokedAt']).toBeInstanceOf(Date);
    } finally {
      await client.close();
    }
  }, 180_000);
});

describe('npm run demo -- --keep-console', () => {
  const sandbox = demoSandbox('keep');

  it('ends by printing the console address, keeps the console up and its key valid until Ctrl-C, then stops, revokes and exits 0', async () => {
    const { demo, exited, output } = await sandbox.start(['--keep-console']);
    const deadline = Date.now() + 420_000;
    let printed: RegExpMatchArray | null = null;
    while ((printed = /Console: (http:\/\/127\.0\.0\.1:\d+\/)\nSign in with the key (\S+);/.exec(output())) === null) {
      if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`no console line:\n${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(output()).toContain('Demo completed');
    const [, consoleUrl, key] = printed;
    const page = await fetch(consoleUrl!, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const signIn = await fetch(new URL('/session', consoleUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: new URL(consoleUrl!).origin },
      body: JSON.stringify({ apiKey: key }),
    });
    expect(signIn.status).toBe(200);
    expect(((await signIn.json()) as { role: string }).role).toBe('admin');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(demo.exitCode).toBeNull();
    const pids = [...output().matchAll(/(worker|graphql)\s+pid (\d+) ready/g)].map((m) => Number(m[2]));
    process.kill(-demo.pid!, 'SIGINT');
    const [code] = await exited;
    expect(code, output()).toBe(0);
    // The job had ended: Ctrl-C cancels nothing (it printed "cancelJob failed: CONFLICT … already completed").
    expect(output()).not.toContain('cancelJob');
    expect(pids.filter(alive)).toEqual([]);
    const client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
    try {
      const keys = await client.db(sandbox.dbName).collection('api_keys').find({}).toArray();
      expect(keys).toHaveLength(1);
      expect(keys[0]?.['revokedAt']).toBeInstanceOf(Date);
    } finally {
      await client.close();
    }
  }, 480_000);
});

describe('the demo when its stdout closes (`npm run demo | head -2`)', () => {
  const sandbox = demoSandbox('epipe');

  it('stops its worker and server, revokes its key and exits 141 instead of dying of EPIPE', async () => {
    const { demo, exited, output } = await sandbox.start([]);
    const killer = setTimeout(() => process.kill(-demo.pid!, 'SIGKILL'), 150_000);
    let pids: number[] = [];
    try {
      const deadline = Date.now() + 120_000;
      while (!/graphql\s+pid \d+ ready/.test(output())) {
        if (Date.now() > deadline || demo.exitCode !== null) throw new Error(`no graphql line:\n${output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      pids = [...output().matchAll(/(worker|graphql)\s+pid (\d+) ready/g)].map((m) => Number(m[2]));
      expect(pids).toHaveLength(2);
      // The reader goes away, as `head` does after its lines: the demo's next write to stdout fails with EPIPE.
      demo.stdout!.destroy();
      const [code, signal] = await exited;
      expect(signal, output()).toBeNull();
      expect(code, output()).toBe(141);
      expect(output()).toContain('stdout closed (EPIPE): cancelling the job, stopping the worker and server, revoking the key');
      expect(output()).not.toContain('Error: write EPIPE');
      expect(pids.filter(alive)).toEqual([]);
      const client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
      try {
        const keys = await client.db(sandbox.dbName).collection('api_keys').find({}).toArray();
        expect(keys.map((k) => k['revokedAt'] instanceof Date)).toEqual([true]);
      } finally {
        await client.close();
      }
    } finally {
      clearTimeout(killer);
      // A failed run leaves no orphans behind (each service runs in a process group of its own).
      for (const pid of pids.filter(alive)) process.kill(-pid, 'SIGKILL');
    }
  }, 180_000);
});

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, useCliDatabase } from './built-cli.js';

/** What these tests use of the worker tests' freezing proxy (`apps/worker/test/support/freezing-proxy.ts`). */
interface FreezingProxy {
  readonly port: number;
  stallQueries(): void;
  close(): Promise<void>;
}

/** Starts the worker tests' freezing proxy to `targetPort`, loaded by path at run time (another project's test support). */
async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  const module = new URL('../../../' + 'apps/worker/test/support/freezing-proxy.ts', import.meta.url).href;
  const { startFreezingProxy: start } = (await import(module)) as { startFreezingProxy(port: number): Promise<FreezingProxy> };
  return start(targetPort);
}

const CHICAGO = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
/** `MONGODB_SOCKET_TIMEOUT_MS` of these runs. */
const SOCKET_TIMEOUT_MS = 2_000;
/** README's bound: about twice `MONGODB_SOCKET_TIMEOUT_MS` (a read is retried once), plus 6 s slack for a loaded machine. */
const EXIT_WITHIN_MS = 2 * SOCKET_TIMEOUT_MS + 6_000;

/** A run of the built CLI through the proxy; resolves once it wrote `readyText` to stderr (or at once when `null`). */
async function startCli(
  args: readonly string[],
  env: Record<string, string>,
  readyText: string | null,
): Promise<{ readonly exited: Promise<{ code: number | null; ms: number; stderr: string }>; readonly mark: () => void }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  let stderr = '';
  child.stdout.resume();
  let markedAt = performance.now();
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (readyText !== null && stderr.includes(readyText)) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before writing "${readyText}":\n${stderr}`)));
    if (readyText === null) resolve();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const exited = once(child, 'exit').then(([code]) => {
    clearTimeout(timer);
    return { code: code as number | null, ms: performance.now() - markedAt, stderr };
  });
  await ready;
  return {
    exited,
    mark: () => {
      markedAt = performance.now();
    },
  };
}

describe('phx-extract against a database that takes connections and answers handshakes, but no query', () => {
  const { cli, db } = useCliDatabase('phx_cli_frozen');
  let proxy: FreezingProxy;
  let env: Record<string, string>;
  let jobId = '';

  beforeAll(async () => {
    const enqueued = await cli('--address', CHICAGO, '--async', '--dry-run');
    jobId = /Job enqueued: ([0-9a-f-]{36})/.exec(enqueued.stdout)?.[1] ?? '';
    expect(jobId, enqueued.stderr).not.toBe('');
    const target = new URL(process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/');
    proxy = await startFreezingProxy(Number(target.port));
    env = {
      MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/`,
      MONGODB_DB: db().databaseName,
      MONGODB_CONNECT_TIMEOUT_MS: '2000',
      MONGODB_SOCKET_TIMEOUT_MS: String(SOCKET_TIMEOUT_MS),
    };
  });
  afterAll(async () => proxy?.close());

  it(`--job-id --wait, following a pending job when the database stalls, exits 1 naming it within ${EXIT_WITHIN_MS} ms`, async () => {
    const run = await startCli(['--job-id', jobId, '--wait'], env, 'pending');
    proxy.stallQueries();
    run.mark();
    const { code, ms, stderr } = await run.exited;
    process.stdout.write(`frozen database: --wait exit ${code} after ${ms.toFixed(0)} ms: ${stderr.trim().split('\n').at(-1)}\n`);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`DATABASE_UNAVAILABLE: MongoDB at mongodb://127.0.0.1:${proxy.port}/ did not answer a query within 2000 ms`);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
  }, 180_000);

  it.each([[['--job-id', '<job>']], [['properties', 'list']], [['schedule', 'list']], [['--job-id', '<job>', '--cancel']]])(
    `%j on the stalled database exits 1 naming it within ${EXIT_WITHIN_MS} ms`,
    async (args) => {
      proxy.stallQueries();
      const run = await startCli(
        args.map((a) => (a === '<job>' ? jobId : a)),
        env,
        null,
      );
      const { code, ms, stderr } = await run.exited;
      process.stdout.write(`frozen database: ${args.join(' ')} exit ${code} after ${ms.toFixed(0)} ms\n`);
      expect(code, stderr).toBe(1);
      expect(stderr).toContain('DATABASE_UNAVAILABLE');
      expect(stderr).toContain('did not answer a query within 2000 ms');
      expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    },
    180_000,
  );
});

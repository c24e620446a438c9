import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './built-cli.js';

const run = promisify(execFile);

/** Module hooks that write every module URL the process resolves to the file named by `LOADED_LOG`. */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');
  return resolved;
}`;

/** What `--help` must answer without: the database driver, the queue, the logger, the image pipeline, the browser, the scrapers and jobs. */
const HEAVY = [
  /\/node_modules\/(mongodb|agenda|@agendajs|pino|sharp|playwright-core|zod|undici)\//,
  /\/packages\/(scrapers|jobs)\/dist\/(?!defaults\.js$)/,
  /\/packages\/core\/dist\/(index|images|store|validation)/,
];

describe('phx-extract --help (the built CLI)', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'phx-help-'));
    await writeFile(join(dir, 'hooks.mjs'), HOOKS);
    await writeFile(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the built CLI with the hooks; returns its stdout and the modules it loaded. */
  async function loaded(args: readonly string[], env: Record<string, string> = {}): Promise<{ stdout: string; modules: string[] }> {
    const log = join(dir, `loaded-${args[0] ?? ''}.txt`);
    let stdout = '';
    try {
      ({ stdout } = await run(process.execPath, ['--import', join(dir, 'register.mjs'), CLI, ...args], {
        env: { ...process.env, ...env, LOADED_LOG: log },
        timeout: 60_000,
      }));
    } catch (error) {
      stdout = (error as { stdout: string }).stdout; // a non-zero exit: the modules loaded are what counts
    }
    return { stdout, modules: (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '') };
  }

  it('prints the flags without loading MongoDB, Agenda, pino, sharp, Playwright or the scrapers', async () => {
    const { stdout, modules } = await loaded(['--help']);
    expect(stdout).toContain('Usage: phx-extract [options]');
    expect(stdout).toContain('--json');
    // The hooks see the CLI's own modules: an empty list would pass the check below for the wrong reason.
    expect(modules.some((m) => m.endsWith('/tools/dist/cli/main.js'))).toBe(true);
    expect(modules.filter((m) => HEAVY.some((h) => h.test(m)))).toEqual([]);
  });

  it('loads them once a command runs (so the check above can fail): a status query with the database down', async () => {
    const { modules } = await loaded(['--job-id', '3f1b7c4e-8a2d-4e6f-9b0a-1c2d3e4f5a6b'], {
      MONGODB_URI: 'mongodb://127.0.0.1:9/',
      MONGODB_CONNECT_TIMEOUT_MS: '500',
      LOG_LEVEL: 'silent',
    });
    const heavy = modules.filter((m) => HEAVY.some((h) => h.test(m)));
    expect(heavy.some((m) => m.includes('/node_modules/mongodb/'))).toBe(true);
    expect(heavy.some((m) => m.includes('/node_modules/sharp/'))).toBe(true);
  });
});

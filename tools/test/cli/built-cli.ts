import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The built `phx-extract` entry. */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** What one run of the built CLI printed, and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the built `phx-extract` as a user runs it, on a database and images folder of the test's own.
 *
 * @param args - the arguments
 * @param env - `MONGODB_DB` and `PHX_IMAGES_DIR` of the test (logging is silenced)
 * @returns the exit code and output (a non-zero exit does not throw)
 */
export async function runBuiltCli(
  args: readonly string[],
  env: { readonly dbName: string; readonly imagesDir: string },
): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, MONGODB_DB: env.dbName, PHX_IMAGES_DIR: env.imagesDir, LOG_LEVEL: 'silent' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/**
 * The lines of a run's stderr that are not plain progress lines (`[  1.2s] ...`, what a pipe gets).
 *
 * @param stderr - what the run wrote to stderr
 * @returns those lines; `[]` when stderr held progress only
 */
export function nonProgressLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && !/^\[ *\d+\.\ds\] /.test(line));
}

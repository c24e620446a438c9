import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';

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

/** A database and images folder of a suite's own for the built CLI (see {@link useCliDatabase}). */
export interface CliDatabase {
  /** Runs the built CLI on the suite's database and images folder. */
  readonly cli: (...args: string[]) => Promise<CliResult>;
  /** The suite's database (open between `beforeAll` and `afterAll`). */
  readonly db: () => Db;
}

/**
 * Gives the calling suite a database and an images folder of its own for the built CLI: made in `beforeAll`, dropped
 * and removed in `afterAll`. Call it in a `describe` body.
 *
 * @param prefix - start of the database and folder names, e.g. `phx_cli_fetch`
 * @returns the CLI runner and the database
 */
export function useCliDatabase(prefix: string): CliDatabase {
  const dbName = `${prefix}_${randomUUID().slice(0, 8)}`;
  let imagesDir = '';
  let client: MongoClient | null = null;
  beforeAll(async () => {
    imagesDir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    client = await MongoClient.connect(process.env['MONGODB_URI'] ?? '');
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase();
    await client?.close();
    await rm(imagesDir, { recursive: true, force: true });
  });
  return {
    cli: (...args) => runBuiltCli(args, { dbName, imagesDir }),
    db: () => {
      if (client === null) throw new Error('the suite database is open from beforeAll on');
      return client.db(dbName);
    },
  };
}

import { join } from 'node:path';
import { z } from 'zod';
import { logFormatSetting, parseInput, type LogFormat } from '@phx/core';
import { fixturesDir, localDataDir, sampleCsvPath } from '../db/workspace-paths.js';

/** The CLI's settings from the environment (the CLI's only reader of `process.env`, with `db/`). */
export interface CliConfig {
  /** Database name (`MONGODB_DB`, default `phx`). */
  readonly mongoDb: string;
  /** Root of the file image store (`PHX_IMAGES_DIR`, default `.data/images`). */
  readonly imagesDir: string;
  /** Saved pages for `--replay` (`PHX_FIXTURES_DIR`, default `../shared/fixtures`). */
  readonly fixturesDir: string;
  /** Default properties CSV (`tools/data/sample-properties.csv`). */
  readonly csvPath: string;
  /** pino level for the library logs on stderr (`LOG_LEVEL`, default `error`; failures also reach the job report). */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Progress without cursor movement even on a terminal: a CI service runs the
   * CLI (`CI` set and not `false` or `0`) or the terminal is `TERM=dumb`.
   * (Colours follow `NO_COLOR`/`FORCE_COLOR`, which Node's terminal streams read.)
   */
  readonly plainTerminal: boolean;
  /** Ms between two progress lines in a pipe or CI (`PHX_PROGRESS_INTERVAL_MS`, 100-600 000, default 5 000). */
  readonly progressIntervalMs: number;
  /** `LOG_FORMAT`: `pretty` or `json`; `undefined` (unset): pretty when stderr is a terminal, JSON otherwise. */
  readonly logFormat: LogFormat | undefined;
}

const schema = z.object({
  MONGODB_DB: z.string().min(1).default('phx'),
  PHX_IMAGES_DIR: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('error'),
  CI: z.string().optional(),
  TERM: z.string().optional(),
  PHX_PROGRESS_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  LOG_FORMAT: z.preprocess((v) => (v === '' ? undefined : v), logFormatSetting),
});

/**
 * Reads the CLI's settings once.
 *
 * @param env - the environment, normally `process.env`
 * @returns the frozen settings
 * @throws core's `InvalidInputError` naming every bad variable
 */
export function loadCliConfig(env: NodeJS.ProcessEnv): Readonly<CliConfig> {
  const e = parseInput(schema, env, 'environment');
  return Object.freeze({
    mongoDb: e.MONGODB_DB,
    imagesDir: e.PHX_IMAGES_DIR ?? join(localDataDir(), 'images'),
    fixturesDir: fixturesDir(),
    csvPath: sampleCsvPath(),
    logLevel: e.LOG_LEVEL,
    plainTerminal: (e.CI !== undefined && !['', 'false', '0'].includes(e.CI)) || e.TERM === 'dumb',
    progressIntervalMs: e.PHX_PROGRESS_INTERVAL_MS,
    logFormat: e.LOG_FORMAT,
  });
}

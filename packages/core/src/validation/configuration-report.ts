import { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';

/** The exit code of every phx process (server, worker, CLIs) whose configuration is invalid. */
export const INVALID_CONFIGURATION_EXIT_CODE = 2;

/** pino's number for the `fatal` level, which the configuration report is written at. */
const FATAL_LEVEL = 60;

/** One problem with one setting, as {@link InvalidConfigurationReport} lists it. */
export interface ConfigurationProblem {
  /** The environment variable (or setting) at fault, e.g. `PORT`; empty when the problem is not about one. */
  readonly variable: string;
  /** What is wrong and what is accepted instead. */
  readonly problem: string;
}

/**
 * The one JSON line every phx process writes to stderr before it exits with
 * {@link INVALID_CONFIGURATION_EXIT_CODE} on an invalid configuration: a
 * pino-shaped `fatal` line (`level` 60, `time` in ms since the epoch) so log
 * pipelines read it like the process's other lines.
 */
export interface InvalidConfigurationReport {
  /** pino's `fatal` level number. */
  readonly level: 60;
  /** When the configuration was read, in ms since the epoch. */
  readonly time: number;
  /** The process, e.g. `graphql`, `worker`, `phx-extract`. */
  readonly service: string;
  /** Always `invalid configuration`. */
  readonly msg: 'invalid configuration';
  /** Every problem found, at least one. */
  readonly errors: readonly ConfigurationProblem[];
}

/** How a process's logs are written: `pretty` (pino-pretty, for people) or `json` (one object a line). */
export type LogFormat = 'pretty' | 'json';

/**
 * The `LOG_FORMAT` setting of every app: `pretty` or `json`, or unset to let
 * {@link resolveLogFormat} choose by terminal.
 */
export const logFormatSetting = z.enum(['pretty', 'json']).optional();

/**
 * Chooses the log format: the one asked for, else `pretty` when the log
 * stream is a terminal and `json` otherwise (files, pipes, log collectors).
 *
 * @param requested - `LOG_FORMAT` (`undefined` when unset)
 * @param isTty - whether the stream the logs go to is a terminal (`process.stdout.isTTY`)
 * @returns the format to use
 * @example
 * ```ts
 * import { resolveLogFormat } from '@phx/core';
 * resolveLogFormat(undefined, true); // 'pretty'
 * resolveLogFormat('json', true); // 'json'
 * ```
 */
export function resolveLogFormat(requested: LogFormat | undefined, isTty: boolean | undefined): LogFormat {
  return requested ?? (isTty === true ? 'pretty' : 'json');
}

/**
 * Builds the report of an invalid configuration from what a configuration
 * loader threw: each issue of an {@link InvalidInputError} (which core's
 * `parseSettings` and `parseInput` throw, a conflicting alias included)
 * becomes one `{ variable, problem }`.
 *
 * @param error - what loading the configuration threw
 * @param service - the process's name, e.g. `worker`
 * @param timeMs - the report's time in ms since the epoch (default now)
 * @returns the report, or `undefined` when `error` is not an invalid input (a bug, not a configuration problem)
 * @example
 * ```ts
 * import { InvalidInputError, invalidConfigurationReport } from '@phx/core';
 * const error = new InvalidInputError('environment', [{ path: 'PORT', message: 'must be a number' }]);
 * invalidConfigurationReport(error, 'graphql')?.errors; // [{ variable: 'PORT', problem: 'must be a number' }]
 * ```
 */
export function invalidConfigurationReport(
  error: unknown,
  service: string,
  timeMs: number = Date.now(),
): InvalidConfigurationReport | undefined {
  if (!(error instanceof InvalidInputError)) return undefined;
  return {
    level: FATAL_LEVEL,
    time: timeMs,
    service,
    msg: 'invalid configuration',
    errors: error.issues.map((issue) => ({ variable: issue.path, problem: issue.message })),
  };
}

/** What {@link loadConfigurationOrExit} writes to and exits through: Node's `process` has both. */
export interface ConfigurationExit {
  /** Where the report line goes (the process's stderr). */
  readonly stderr: {
    /** Writes the text (one JSON line with its newline). */
    write(text: string): unknown;
  };
  /** Ends the process with the code. */
  exit(code: number): never;
}

/**
 * Loads a process's configuration; when it is invalid, writes the
 * {@link InvalidConfigurationReport} as one JSON line to stderr and exits with
 * {@link INVALID_CONFIGURATION_EXIT_CODE}, the same in every app.
 *
 * @param service - the process's name in the report, e.g. `graphql`
 * @param load - reads and validates the configuration (throws core's {@link InvalidInputError} on bad settings)
 * @param io - stderr and exit; pass Node's `process`
 * @returns the configuration `load` returned
 * @throws whatever `load` throws that is not an {@link InvalidInputError} (a bug, reported by the caller as such)
 * @example
 * ```ts
 * import { loadConfigurationOrExit } from '@phx/core';
 * declare function loadWorkerConfig(env: NodeJS.ProcessEnv): { logLevel: string };
 * const config = loadConfigurationOrExit('worker', () => loadWorkerConfig(process.env), process);
 * ```
 */
export function loadConfigurationOrExit<T>(service: string, load: () => T, io: ConfigurationExit): T {
  try {
    return load();
  } catch (error) {
    const report = invalidConfigurationReport(error, service);
    if (report === undefined) throw error;
    io.stderr.write(`${JSON.stringify(report)}\n`);
    return io.exit(INVALID_CONFIGURATION_EXIT_CODE);
  }
}

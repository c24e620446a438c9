#!/usr/bin/env node
/**
 * `phx-extract`: the extraction CLI with the original design's flags. Runs an
 * extraction in this process, enqueues it for a worker (`--async`), or reports
 * on a job (`--job-id`).
 */
import { CommanderError } from 'commander';
import { CoreError, InvalidInputError, NotFoundError } from '@phx/core/model';
import { fixturesDir, sampleCsvPath } from '../db/workspace-paths.js';
import { parseCliArgs } from './cli-options.js';
import type { CliRequest } from './cli-options.js';
import type { PropertiesRequest } from './properties-options.js';
import type { ScheduleRequest } from './schedule-options.js';

// Only commander and the light entries of core and scrapers load before the command line is parsed:
// `--help` and usage errors answer without MongoDB, Agenda, sharp or the scrapers (see runRequest).
async function parseRequest(argv: readonly string[]): Promise<CliRequest | ScheduleRequest | PropertiesRequest> {
  const defaults = { csvPath: sampleCsvPath(), fixturesDir: fixturesDir() };
  if (argv[0] === 'schedule') return (await import('./schedule-options.js')).parseScheduleArgs(argv.slice(1), defaults);
  if (argv[0] === 'properties') return (await import('./properties-options.js')).parsePropertiesArgs(argv.slice(1), defaults);
  return parseCliArgs(argv, defaults);
}

async function main(argv: readonly string[]): Promise<number> {
  const request = await parseRequest(argv);
  const { runRequest } = await import('./run-request.js');
  return runRequest(request);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof InvalidInputError) {
    console.error(error.message);
    return 2;
  }
  if (error instanceof NotFoundError) {
    console.error(error.entity === 'job' ? `Job not found: ${error.id}` : error.message);
    return 1;
  }
  console.error(error instanceof CoreError ? `${error.code}: ${error.message}` : `phx-extract failed: ${String(error)}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(exitCodeFor(error)),
);

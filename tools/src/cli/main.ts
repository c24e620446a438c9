#!/usr/bin/env node
/**
 * `phx-extract`: the extraction CLI with the original design's flags. Runs an
 * extraction in this process, enqueues it for a worker (`--async`), or reports
 * on a job (`--job-id`).
 */
import { CommanderError } from 'commander';
import { pino } from 'pino';
import { CoreError, InvalidInputError, NotFoundError, configureSharp, loadConfigurationOrExit, resolveLogFormat } from '@phx/core';
import { createAgenda } from '@phx/jobs';
import { connectMongo, resolveMongoUri } from '../db/mongo-uri.js';
import { loadCliConfig } from './cli-config.js';
import { parseCliArgs } from './cli-options.js';
import { runCli } from './run-cli.js';
import { parsePropertiesArgs } from './properties-options.js';
import { runPropertiesCli } from './run-properties-cli.js';
import { runScheduleCli } from './run-schedule-cli.js';
import { parseScheduleArgs } from './schedule-options.js';

async function main(argv: readonly string[]): Promise<number> {
  const config = loadConfigurationOrExit('phx-extract', () => loadCliConfig(process.env), process);
  const defaults = { csvPath: config.csvPath, fixturesDir: config.fixturesDir };
  const request =
    argv[0] === 'schedule'
      ? parseScheduleArgs(argv.slice(1), defaults)
      : argv[0] === 'properties'
        ? parsePropertiesArgs(argv.slice(1), defaults)
        : parseCliArgs(argv, defaults);
  const pretty = resolveLogFormat(config.logFormat, process.stderr.isTTY) === 'pretty';
  const logger = pretty
    ? pino({ level: config.logLevel, transport: { target: 'pino-pretty', options: { destination: 2 } } })
    : pino({ level: config.logLevel }, pino.destination(2));
  configureSharp();
  const client = await connectMongo(await resolveMongoUri());
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));
  try {
    const db = client.db(config.mongoDb);
    const agenda = await createAgenda({ db, name: `cli:${process.pid}`, logger });
    try {
      const ctx = { db, agenda, config, logger, write: (l: string) => console.log(l), signal: interrupt.signal };
      if (request.kind === 'schedule') return await runScheduleCli(request, ctx);
      if (request.kind === 'properties') return await runPropertiesCli(request, ctx);
      return await runCli(request, ctx);
    } finally {
      await agenda.stop(false);
    }
  } finally {
    await client.close();
  }
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

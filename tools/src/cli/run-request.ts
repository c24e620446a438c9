import { pino } from 'pino';
import { configureSharp, loadConfigurationOrExit, resolveLogFormat } from '@phx/core';
import { createAgenda } from '@phx/jobs';
import { cliMongoTimeouts, connectMongo, databaseErrorOf, resolveMongoUri } from '../db/mongo-uri.js';
import { loadCliConfig } from './cli-config.js';
import type { CliRequest } from './cli-options.js';
import type { PropertiesRequest } from './properties-options.js';
import { runCli } from './run-cli.js';
import { runPropertiesCli } from './run-properties-cli.js';
import { runScheduleCli } from './run-schedule-cli.js';
import type { ScheduleRequest } from './schedule-options.js';

/**
 * Carries out a parsed `phx-extract` request: reads the settings, connects to
 * MongoDB, starts a queue client and runs the command. The heavy part of the
 * CLI (MongoDB, Agenda, sharp, the scrapers), loaded by `main` only once the
 * command line is parsed, so `--help` and usage errors never load it.
 *
 * @param request - the parsed request
 * @returns the process exit code (see `runCli`, `runScheduleCli`, `runPropertiesCli`)
 * @throws core's `InvalidInputError` for bad settings or input, `NotFoundError`, `CoreError`s of the command;
 *   `DatabaseUnavailableError` (`DATABASE_UNAVAILABLE`) when MongoDB does not answer a connection or a query in time
 */
export async function runRequest(request: CliRequest | ScheduleRequest | PropertiesRequest): Promise<number> {
  const config = loadConfigurationOrExit('phx-extract', () => loadCliConfig(process.env), process);
  const pretty = resolveLogFormat(config.logFormat, process.stderr.isTTY) === 'pretty';
  const logger = pretty
    ? pino({ level: config.logLevel, transport: { target: 'pino-pretty', options: { destination: 2 } } })
    : pino({ level: config.logLevel }, pino.destination(2));
  configureSharp();
  const uri = await resolveMongoUri();
  const timeouts = cliMongoTimeouts();
  const client = await connectMongo(uri);
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));
  try {
    const db = client.db(config.mongoDb);
    const agenda = await createAgenda({ db, name: `cli:${process.pid}`, logger });
    try {
      const ctx = {
        db,
        agenda,
        config,
        logger,
        write: (l: string) => console.log(l),
        writeErr: (l: string) => console.error(l),
        progressStream: process.stderr,
        signal: interrupt.signal,
        giveUpAfterMs: timeouts.socketTimeoutMs,
      };
      if (request.kind === 'schedule') return await runScheduleCli(request, ctx);
      if (request.kind === 'properties') return await runPropertiesCli(request, ctx);
      return await runCli(request, ctx);
    } finally {
      // Bounded like every query (MONGODB_SOCKET_TIMEOUT_MS); its failure must not hide the command's own.
      await agenda.stop(false).catch(() => undefined);
    }
  } catch (error) {
    // A database that stopped answering (MONGODB_SOCKET_TIMEOUT_MS) or went away: DATABASE_UNAVAILABLE, exit 1.
    throw databaseErrorOf(error, uri, timeouts);
  } finally {
    await client.close().catch(() => undefined);
  }
}

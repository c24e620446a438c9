#!/usr/bin/env node
/**
 * `phx-apikey`: creates, lists and revokes the GraphQL server's API keys in
 * MongoDB (`MONGODB_URI`, or the local FerretDB; `MONGODB_DB`, default `phx`).
 * Exit codes: 0 done, 1 unknown key id or failure, 2 bad flags.
 */
import { CommanderError } from 'commander';
import { InvalidInputError, loadConfigurationOrExit } from '@phx/core';
import { cliMongoTimeouts, connectMongo, databaseErrorOf, resolveMongoUri } from '../db/mongo-uri.js';
import { loadCliConfig } from '../cli/cli-config.js';
import { ApiKeyRepository } from '@phx/jobs';
import { parseApiKeyArgs } from './apikey-options.js';
import { runApiKeyCli } from './run-apikey-cli.js';

async function main(argv: readonly string[]): Promise<number> {
  const request = parseApiKeyArgs(argv);
  const config = loadConfigurationOrExit('phx-apikey', () => loadCliConfig(process.env), process);
  const uri = await resolveMongoUri();
  const client = await connectMongo(uri);
  try {
    const admin = new ApiKeyRepository({ db: client.db(config.mongoDb) });
    await admin.ensureIndexes();
    return await runApiKeyCli(request, admin, (line) => console.log(line));
  } catch (error) {
    // A database that stopped answering (MONGODB_SOCKET_TIMEOUT_MS): DATABASE_UNAVAILABLE, exit 1.
    throw databaseErrorOf(error, uri, cliMongoTimeouts());
  } finally {
    await client.close().catch(() => undefined);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  console.error(error instanceof Error ? error.message : `phx-apikey failed: ${String(error)}`);
  return error instanceof InvalidInputError ? 2 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(exitCodeFor(error)),
);

#!/usr/bin/env node
import { Command } from 'commander';
import { localDataDir } from './workspace-paths.js';
import { localMongoStatus, stopLocalMongo } from './local-mongo.js';
import { resolveMongoUri, startLocalMongoUri } from './mongo-uri.js';

const program = new Command('phx-db').description(
  'The MongoDB phx runs against: MONGODB_URI if set, else a local FerretDB v1.24.2 under .data/.',
);

program
  .command('uri', { isDefault: true })
  .description('print the connection string, starting the local FerretDB if needed')
  .action(async () => {
    console.log(await resolveMongoUri());
  });
program
  .command('start')
  .description('start the local FerretDB (no-op when it runs), even when MONGODB_URI is set, and print its connection string')
  .action(async () => {
    const uri = await startLocalMongoUri();
    const fromEnv = process.env['MONGODB_URI'];
    if (fromEnv !== undefined && fromEnv !== '' && fromEnv !== uri) {
      console.error(`note: MONGODB_URI is set to ${fromEnv}; phx uses that server, not this local one`);
    }
    console.log(uri);
  });
program
  .command('status')
  .description('print the local FerretDB state; exit 1 when it is not running')
  .action(async () => {
    const state = await localMongoStatus({ dataDir: localDataDir() });
    if (state === null) {
      console.log('local FerretDB: not running');
      process.exitCode = 1;
    } else {
      console.log(`local FerretDB: running, pid ${state.pid}, ${state.uri}`);
    }
  });
program
  .command('stop')
  .description('stop the local FerretDB')
  .action(async () => {
    const stopped = await stopLocalMongo({ dataDir: localDataDir() });
    console.log(stopped ? 'local FerretDB stopped' : 'local FerretDB was not running');
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});

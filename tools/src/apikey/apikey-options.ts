import { Command, Option } from 'commander';
import { InvalidInputError } from '@phx/core';
import { API_KEY_ROLES, type ApiKeyRole } from '@phx/jobs';

/** A `phx-apikey` request, parsed and checked. */
export type ApiKeyRequest =
  | { readonly action: 'create'; readonly name: string; readonly role: ApiKeyRole; readonly json: boolean }
  | { readonly action: 'list'; readonly json: boolean }
  | { readonly action: 'revoke'; readonly id: string };

/**
 * Parses the arguments of `phx-apikey`.
 *
 * @param argv - the arguments after the program name
 * @param writeErr - where commander writes usage errors and help; default stderr
 * @returns the request
 * @throws {@link InvalidInputError} when no subcommand is given or the name is blank
 * @throws commander's `CommanderError` for unknown subcommands or flags, a missing or bad `--name`/`--role`, and `--help`
 */
export function parseApiKeyArgs(argv: readonly string[], writeErr: (text: string) => void = (s) => process.stderr.write(s)): ApiKeyRequest {
  let request: ApiKeyRequest | null = null;
  const program = new Command('phx-apikey')
    .description('API keys of the GraphQL server: read keys query and subscribe, admin keys also mutate. Keys are stored as SHA-256 only.')
    .exitOverride()
    .configureOutput({ writeErr });
  program
    .command('create')
    .description('make a key and print it once')
    .requiredOption('--name <name>', 'what the key is for, e.g. grafana or demo')
    .addOption(
      new Option('--role <role>', 'read: queries and subscriptions; admin: also mutations')
        .choices([...API_KEY_ROLES])
        .makeOptionMandatory(),
    )
    .option('--json', 'print {"id","name","role","key"} as JSON (for scripts)', false)
    .action((o: { name: string; role: ApiKeyRole; json: boolean }) => {
      if (o.name.trim() === '') throw new InvalidInputError('flags', [{ path: 'name', message: 'is blank; name what the key is for' }]);
      request = { action: 'create', name: o.name.trim(), role: o.role, json: o.json };
    });
  program
    .command('list')
    .description('list the keys (never the keys themselves)')
    .option('--json', 'print the records as JSON', false)
    .action((o: { json: boolean }) => {
      request = { action: 'list', json: o.json };
    });
  program
    .command('revoke')
    .description('revoke a key: refused at once over HTTP; its subscriptions are closed at the next check')
    .argument('<id>', 'key id, as `list` shows it')
    .action((id: string) => {
      request = { action: 'revoke', id };
    });
  program.parse([...argv], { from: 'user' });
  if (request === null) throw new InvalidInputError('flags', [{ path: 'command', message: 'name a subcommand: create, list or revoke' }]);
  return request;
}

import { Command, Option } from 'commander';
import { InvalidInputError, SOURCES } from '@phx/core/model';
import type { Source } from '@phx/core/model';
import type { CliDefaults } from './cli-options.js';

/** A `phx-extract properties …` request, parsed and checked. */
export type PropertiesRequest =
  | { readonly kind: 'properties'; readonly action: 'import'; readonly file: string; readonly label: string | null }
  | { readonly kind: 'properties'; readonly action: 'add'; readonly target: string; readonly label: string | null }
  | {
      readonly kind: 'properties';
      readonly action: 'list';
      readonly search: string | null;
      readonly label: string | null;
      readonly source: Source | null;
      /** Page size, 1..100. */
      readonly first: number;
      /** Cursor of an earlier page, or `null`. */
      readonly after: string | null;
      readonly json: boolean;
    }
  | { readonly kind: 'properties'; readonly action: 'remove'; readonly property: string };

interface RawListOptions {
  search?: string;
  label?: string;
  source?: Source;
  first: string;
  after?: string;
  json: boolean;
}

/**
 * Builds the commander program of `phx-extract properties` with its subcommands;
 * each action stores its request in `onRequest`.
 *
 * @param defaults - where usage errors go
 * @param onRequest - receives the parsed request
 * @returns the program (not yet parsed)
 */
export function buildPropertiesProgram(defaults: CliDefaults, onRequest: (request: PropertiesRequest) => void): Command {
  const program = new Command('phx-extract properties')
    .description('The property catalog in MongoDB: import a CSV, add, list, remove.')
    .exitOverride()
    .configureOutput({ writeErr: defaults.writeErr ?? ((s) => process.stderr.write(s)) });
  program
    .command('import')
    .description('import a properties CSV (address,zillow_url,redfin_url) as an upsert by address; prints a report')
    .argument('<file>', 'the CSV')
    .option('--label <label>', 'label added to every imported row')
    .action((file: string, o: { label?: string }) => onRequest({ kind: 'properties', action: 'import', file, label: o.label ?? null }));
  program
    .command('add')
    .description('add a property by address or by Zillow/Redfin listing URL')
    .argument('<address-or-url>', 'street address, or listing URL')
    .option('--label <label>', 'label of the property')
    .action((target: string, o: { label?: string }) => onRequest({ kind: 'properties', action: 'add', target, label: o.label ?? null }));
  program
    .command('list')
    .description('list catalog properties by id, a page at a time')
    .option('--search <text>', 'part of the address (any case)')
    .option('--label <label>', 'properties with this label')
    .addOption(new Option('--source <source>', 'properties with a listing URL of this site').choices([...SOURCES]))
    .option('--first <n>', 'page size, 1 to 100', '20')
    .option('--after <cursor>', 'the endCursor of the page before')
    .option('--json', 'print the page as JSON', false)
    .action((o: RawListOptions) => onRequest(toListRequest(o)));
  program
    .command('remove')
    .description('remove a property from the catalog (its jobs and photos stay)')
    .argument('<id-or-address>', 'property id or address')
    .action((property: string) => onRequest({ kind: 'properties', action: 'remove', property }));
  return program;
}

function toListRequest(o: RawListOptions): PropertiesRequest {
  const first = Number(o.first);
  if (!/^\d+$/.test(o.first) || first < 1 || first > 100) {
    throw new InvalidInputError('flags', [{ path: '--first', message: `must be a whole number from 1 to 100; got "${o.first}"` }]);
  }
  return {
    kind: 'properties',
    action: 'list',
    search: o.search ?? null,
    label: o.label ?? null,
    source: o.source ?? null,
    first,
    after: o.after ?? null,
    json: o.json,
  };
}

/**
 * Parses the arguments after `phx-extract properties`.
 *
 * @param argv - arguments after `properties`
 * @param defaults - where usage errors go
 * @returns the checked request
 * @throws {@link InvalidInputError} for a bad `--first`
 * @throws commander's `CommanderError` for unknown subcommands or flags, a missing argument, and `--help`
 */
export function parsePropertiesArgs(argv: readonly string[], defaults: CliDefaults): PropertiesRequest {
  let request: PropertiesRequest | null = null;
  buildPropertiesProgram(defaults, (r) => {
    request = r;
  }).parse([...argv], { from: 'user' });
  if (request === null)
    throw new InvalidInputError('flags', [{ path: 'properties', message: 'give a subcommand: import, add, list or remove' }]);
  return request;
}

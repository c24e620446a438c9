import { join } from 'node:path';
import { Command } from 'commander';
import { InvalidInputError, parseSources, type InputIssue, type Source } from '@phx/core/model';

/** The demo's flags, parsed and checked. */
export interface DemoOptions {
  /** `--fresh`: drop the demo database and images first. */
  readonly fresh: boolean;
  /** `--db`: the database name (default `phx_demo`). */
  readonly db: string;
  /** `--sources`: the sources to extract from, each once, in the order given (default zillow, redfin). */
  readonly sources: readonly Source[];
  /** `--keep-console`: keep the worker, the server and the key up after the summary until Ctrl-C. */
  readonly keepConsole: boolean;
}

/** The demo's default database (`--db`). */
export const DEFAULT_DEMO_DB = 'phx_demo';

/**
 * The folder of the photos a demo on database `db` stores: `<dataDir>/demo/images`
 * for the default database (where it always was), `<dataDir>/demo/images-<db>`
 * for another, so `--fresh` of one database removes no other's photos.
 *
 * @param dataDir - the local data folder (`.data`)
 * @param db - the database name, as checked by {@link parseDemoArgs}
 * @returns the absolute or relative path, as `dataDir` is
 */
export function demoImagesDir(dataDir: string, db: string): string {
  return join(dataDir, 'demo', db === DEFAULT_DEMO_DB ? 'images' : `images-${db}`);
}

/** Characters MongoDB refuses in a database name (any platform). */
const BAD_DB_NAME_CHARS = /[/\\. "$*<>:|?\0]/;

/** Longest database name MongoDB accepts, in bytes. */
const MAX_DB_NAME_BYTES = 63;

function dbNameIssue(name: string): InputIssue | null {
  if (name === '') return { path: '--db', message: 'is empty; name a database, e.g. phx_demo' };
  if (BAD_DB_NAME_CHARS.test(name)) {
    return { path: '--db', message: `"${name}" is not a MongoDB database name (no / \\ . space " $ * < > : | ?)` };
  }
  if (Buffer.byteLength(name) > MAX_DB_NAME_BYTES) {
    return { path: '--db', message: `"${name}" is over ${MAX_DB_NAME_BYTES} bytes, the longest MongoDB database name` };
  }
  return null;
}

/**
 * Parses and checks the demo's command line, before anything is started.
 *
 * @param argv - the arguments after the script name
 * @param writeErr - where commander writes usage errors and help; default stderr
 * @returns the checked options
 * @throws {@link InvalidInputError} `flags` naming every bad value: `--sources` (an unknown or empty source name,
 *   e.g. `foo` or the empty name after a trailing comma), `--db` (empty, a character MongoDB refuses, over 63 bytes)
 * @throws commander's `CommanderError` for unknown flags, a flag missing its value, and `--help` (exit code 0)
 * @example
 * ```ts
 * const options = parseDemoArgs(['--sources', 'zillow', '--fresh']);
 * options.sources; // ['zillow']
 * ```
 */
export function parseDemoArgs(argv: readonly string[], writeErr: (text: string) => void = (s) => process.stderr.write(s)): DemoOptions {
  const program = new Command('phx-demo')
    .description('Extract the photos of the sample properties through the whole stack, on replayed saved listings.')
    .option('--fresh', 'drop the demo database and images first', false)
    .option('--db <name>', 'database name', DEFAULT_DEMO_DB)
    .option('--sources <list>', 'comma-separated sources', 'zillow,redfin')
    .option(
      '--keep-console',
      'after the summary, keep the worker, the server and its console up (and the demo key valid) until Ctrl-C',
      false,
    )
    .exitOverride()
    .configureOutput({ writeErr });
  program.parse([...argv], { from: 'user' });
  const o = program.opts<{ fresh: boolean; db: string; sources: string; keepConsole: boolean }>();
  const issues: InputIssue[] = [];
  let sources: Source[] = [];
  try {
    sources = parseSources(o.sources.split(','));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    issues.push(...error.issues.map((i) => ({ path: '--sources', message: i.message })));
  }
  const dbIssue = dbNameIssue(o.db);
  if (dbIssue !== null) issues.push(dbIssue);
  if (issues.length > 0) throw new InvalidInputError('flags', issues);
  return { fresh: o.fresh, db: o.db, sources, keepConsole: o.keepConsole };
}

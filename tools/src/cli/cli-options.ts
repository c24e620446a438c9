import { Command } from 'commander';
import { addExtractionFlags, checkSelection, checkTimeout } from './extraction-flags.js';
import type { RawSelectionFlags, SelectionFlags } from './extraction-flags.js';
import {
  InvalidInputError,
  parseSources,
  toJobId,
  type FetchMode,
  type InputIssue,
  type IsolationMode,
  type JobId,
  type Source,
} from '@phx/core/model';
import { DEFAULT_RETIRE_CONTEXT_AFTER_PAGES } from '@phx/scrapers/defaults';

/** What the CLI was asked to do, parsed and checked. */
export type CliRequest =
  | {
      /** Print a job's status and counters (`--job-id`), following it to its end with `--wait`. */
      readonly kind: 'status';
      readonly jobId: JobId;
      readonly wait: boolean;
      /** `--json`: NDJSON events and a summary on stdout instead of text. */
      readonly json: boolean;
    }
  | {
      /** Cancel a job (`--job-id <id> --cancel`): a pending one leaves the queue, a running one stops, keeping what it stored. */
      readonly kind: 'cancel';
      readonly jobId: JobId;
      /** `--json`: the summary as JSON on stdout instead of text. */
      readonly json: boolean;
    }
  | {
      /** Extract: enqueue for a worker (`--async`) or run in this process. */
      readonly kind: 'extract';
      readonly mode: 'async' | 'in-process';
      /** Which properties (catalog ids, addresses, listing URLs, a label, all) and a CSV to import first. */
      readonly selection: SelectionFlags;
      readonly sources: readonly Source[];
      readonly isolationMode: IsolationMode;
      /**
       * `--fetch-mode`: how listing pages are fetched, stored on the job; `null`
       * when not given (an `--async` job then runs with the worker's
       * `FETCH_MODE`, an in-process run with the scrapers' default, `auto`).
       */
      readonly fetchMode: FetchMode | null;
      readonly dryRun: boolean;
      /** `--timeout <seconds>`: the job's own time limit, in ms, or `null` (none; only the worker's `JOB_TIMEOUT`). */
      readonly timeoutMs: number | null;
      /** With `--async`: follow the job to its end. */
      readonly wait: boolean;
      /** Read saved pages from this folder instead of the live sites (in-process runs only), or `null`. */
      readonly replayFixturesDir: string | null;
      /**
       * `--retire-context-after <pages>` (in-process runs only): pages the
       * shared browser context serves before a fresh one replaces it, or
       * `null` (`0`) never to replace it; default 100.
       */
      readonly retireContextAfterPages: number | null;
      /** `--json`: NDJSON events and a summary on stdout instead of text; progress is not drawn. */
      readonly json: boolean;
    };

/** Defaults the CLI cannot know by itself (paths of this workspace). */
export interface CliDefaults {
  /** Properties CSV that seeds an empty catalog (label `sample`). */
  readonly csvPath: string;
  /** Default fixtures folder for `--replay`. */
  readonly fixturesDir: string;
  /** Where commander writes usage errors and help; default stderr. */
  readonly writeErr?: (text: string) => void;
}

/**
 * Builds the commander program of `phx-extract` with the original design's flags.
 *
 * @param defaults - workspace paths used as defaults
 * @returns the program (not yet parsed)
 */
export function buildCliProgram(defaults: CliDefaults): Command {
  const program = new Command('phx-extract').description(
    'Extract listing photos of properties from Zillow and Redfin, in process or as a background job. Recurring extractions: phx-extract schedule --help.',
  );
  return addExtractionFlags(program)
    .option('--async', 'enqueue as a background job, print its id and return', false)
    .option('--job-id <id>', 'print the status and counters of a job; exit 0 only when completed')
    .option('--wait', 'with --async or --job-id: follow the job until it ends', false)
    .option('--cancel', 'with --job-id: cancel that job (pending or running); exit 0 when it ends cancelled', false)
    .option('--json', 'print one JSON object per line on stdout (progress events, failures, then a summary) instead of text', false)
    .option('--replay', 'in-process run on the saved pages instead of the live sites', false)
    .option('--fixtures <dir>', 'saved pages for --replay', defaults.fixturesDir)
    .option(
      '--retire-context-after <pages>',
      'in-process runs: pages the shared browser context serves before a fresh one replaces it (0: never)',
      String(DEFAULT_RETIRE_CONTEXT_AFTER_PAGES),
    )
    .exitOverride()
    .configureOutput({ writeErr: defaults.writeErr ?? ((s) => process.stderr.write(s)) });
}

interface RawOptions extends RawSelectionFlags {
  sources: string;
  isolation: IsolationMode;
  fetchMode?: FetchMode;
  dryRun: boolean;
  async: boolean;
  jobId?: string;
  wait: boolean;
  cancel: boolean;
  json: boolean;
  replay: boolean;
  fixtures: string;
  retireContextAfter: string;
}

/** The flags that go with `--job-id` (by commander attribute name); every other flag is for a new extraction. */
const JOB_FLAGS: ReadonlySet<string> = new Set(['jobId', 'wait', 'cancel', 'json']);

/** Largest `--retire-context-after`, as the scraper kit allows. */
const MAX_RETIRE_CONTEXT_AFTER_PAGES = 100_000;

/** Reads `--retire-context-after`: a whole number of pages, `0` for never (`null`); an issue otherwise. */
function retireContextAfter(value: string): { pages: number | null } | InputIssue {
  const pages = /^\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(pages) || pages > MAX_RETIRE_CONTEXT_AFTER_PAGES) {
    return {
      path: '--retire-context-after',
      message: `must be a whole number of pages from 0 (never) to ${MAX_RETIRE_CONTEXT_AFTER_PAGES}; got "${value}"`,
    };
  }
  return { pages: pages === 0 ? null : pages };
}

/**
 * Parses the command line into a {@link CliRequest}.
 *
 * @param argv - arguments after the script name
 * @param defaults - workspace paths used as defaults
 * @returns the checked request
 * @throws {@link InvalidInputError} naming every conflicting or bad flag
 * @throws commander's `CommanderError` for unknown flags and `--help`
 */
export function parseCliArgs(argv: readonly string[], defaults: CliDefaults): CliRequest {
  const program = buildCliProgram(defaults);
  program.parse([...argv], { from: 'user' });
  const o = program.opts<RawOptions>();
  if (o.jobId !== undefined) {
    const extractionFlags = program.options
      .filter((f) => !JOB_FLAGS.has(f.attributeName()) && program.getOptionValueSource(f.attributeName()) === 'cli')
      .map((f) => f.long ?? f.flags);
    if (extractionFlags.length > 0) {
      const message = `cannot be combined with ${extractionFlags.join(', ')} (they apply to a new extraction)`;
      throw new InvalidInputError('flags', [{ path: '--job-id', message }]);
    }
    if (o.cancel) {
      if (o.wait)
        throw new InvalidInputError('flags', [
          { path: '--wait', message: 'cannot be combined with --cancel (cancel waits for the job to stop)' },
        ]);
      return { kind: 'cancel', jobId: toJobId(o.jobId), json: o.json };
    }
    return { kind: 'status', jobId: toJobId(o.jobId), wait: o.wait, json: o.json };
  }
  if (o.cancel) throw new InvalidInputError('flags', [{ path: '--cancel', message: 'needs --job-id <id> of the job to cancel' }]);
  const { selection, issues } = checkSelection(o);
  if (o.replay && o.async) issues.push({ path: '--replay', message: 'applies to in-process runs; a worker is set with PHX_SCRAPER_MODE' });
  if (o.wait && !o.async) issues.push({ path: '--wait', message: 'applies to --async and --job-id (an in-process run always waits)' });
  if (!o.replay && program.getOptionValueSource('fixtures') === 'cli') {
    issues.push({ path: '--fixtures', message: 'applies with --replay (without it the live sites are read)' });
  }
  const retire = retireContextAfter(o.retireContextAfter);
  if ('path' in retire) issues.push(retire);
  const timeout = checkTimeout(o.timeout);
  if ('path' in timeout) issues.push(timeout);
  if (o.async && program.getOptionValueSource('retireContextAfter') === 'cli') {
    issues.push({ path: '--retire-context-after', message: 'applies to in-process runs; a worker is set with RETIRE_CONTEXT_AFTER_PAGES' });
  }
  if (issues.length > 0) throw new InvalidInputError('flags', issues);
  return {
    kind: 'extract',
    mode: o.async ? 'async' : 'in-process',
    selection,
    sources: parseSources(o.sources.split(',')),
    isolationMode: o.isolation,
    fetchMode: o.fetchMode ?? null,
    dryRun: o.dryRun,
    timeoutMs: 'path' in timeout ? null : timeout.timeoutMs,
    wait: o.wait,
    replayFixturesDir: o.replay ? o.fixtures : null,
    retireContextAfterPages: 'pages' in retire ? retire.pages : DEFAULT_RETIRE_CONTEXT_AFTER_PAGES,
    json: o.json,
  };
}

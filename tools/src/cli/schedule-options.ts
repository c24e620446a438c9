import { Command } from 'commander';
import { InvalidInputError, parseSources } from '@phx/core/model';
import type { FetchMode, IsolationMode, Source } from '@phx/core/model';
import { DEFAULT_SCHEDULE_TIME_ZONE } from '@phx/jobs';
import type { CliDefaults } from './cli-options.js';
import { addExtractionFlags, checkSelection, checkTimeout } from './extraction-flags.js';
import type { RawSelectionFlags, SelectionFlags } from './extraction-flags.js';

/** A `phx-extract schedule …` request, parsed and checked. */
export type ScheduleRequest =
  | {
      readonly kind: 'schedule';
      readonly action: 'add';
      readonly name: string;
      readonly cron: string;
      readonly timeZone: string;
      /** Which properties (resolved against the catalog when the schedule is created) and a CSV to import first. */
      readonly selection: SelectionFlags;
      readonly sources: readonly Source[];
      readonly isolationMode: IsolationMode;
      /** `--fetch-mode` of each run, or `null` (the worker's `FETCH_MODE`). */
      readonly fetchMode: FetchMode | null;
      readonly dryRun: boolean;
      /** `--timeout <seconds>` of each run, in ms, or `null` (none). */
      readonly timeoutMs: number | null;
      readonly paused: boolean;
    }
  | { readonly kind: 'schedule'; readonly action: 'list' }
  | {
      readonly kind: 'schedule';
      readonly action: 'pause' | 'resume' | 'remove' | 'runs';
      /** Schedule id or name. */
      readonly schedule: string;
    };

interface RawAddOptions extends RawSelectionFlags {
  name: string;
  cron: string;
  tz: string;
  sources: string;
  isolation: IsolationMode;
  fetchMode?: FetchMode;
  dryRun: boolean;
  paused: boolean;
}

/**
 * Builds the commander program of `phx-extract schedule` with its subcommands;
 * each action stores its request in `onRequest`.
 *
 * @param defaults - workspace paths used as defaults
 * @param onRequest - receives the parsed request
 * @returns the program (not yet parsed)
 */
export function buildScheduleProgram(defaults: CliDefaults, onRequest: (request: ScheduleRequest) => void): Command {
  const program = new Command('phx-extract schedule')
    .description('Recurring extractions: a cron expression in a time zone, run by the workers.')
    .exitOverride()
    .configureOutput({ writeErr: defaults.writeErr ?? ((s) => process.stderr.write(s)) });
  const add = program
    .command('add')
    .description('create a schedule')
    .requiredOption('--name <name>', 'unique name of the schedule')
    .requiredOption('--cron <expression>', 'cron expression, 5 fields (minute hour day month weekday) or 6 (seconds first)')
    .option('--tz <zone>', 'IANA time zone of the expression', DEFAULT_SCHEDULE_TIME_ZONE);
  addExtractionFlags(add)
    .option('--paused', 'create it paused', false)
    .action((o: RawAddOptions) => onRequest(toAddRequest(o)));
  program
    .command('list')
    .description('list the schedules')
    .action(() => onRequest({ kind: 'schedule', action: 'list' }));
  for (const action of ['pause', 'resume', 'remove', 'runs'] as const) {
    const what = {
      pause: 'pause a schedule',
      resume: 'resume a paused schedule',
      remove: 'remove a schedule (its jobs stay)',
      runs: "show a schedule's ticks: runs started and skipped",
    }[action];
    program
      .command(action)
      .description(what)
      .argument('<schedule>', 'schedule id or name')
      .action((schedule: string) => onRequest({ kind: 'schedule', action, schedule }));
  }
  return program;
}

function toAddRequest(o: RawAddOptions): ScheduleRequest {
  const { selection, issues } = checkSelection(o);
  const timeout = checkTimeout(o.timeout);
  if ('path' in timeout) issues.push(timeout);
  if (issues.length > 0 || 'path' in timeout) throw new InvalidInputError('flags', issues);
  return {
    kind: 'schedule',
    action: 'add',
    name: o.name,
    cron: o.cron,
    timeZone: o.tz,
    selection,
    sources: parseSources(o.sources.split(',')),
    isolationMode: o.isolation,
    fetchMode: o.fetchMode ?? null,
    dryRun: o.dryRun,
    timeoutMs: timeout.timeoutMs,
    paused: o.paused,
  };
}

/**
 * Parses the arguments after `phx-extract schedule`.
 *
 * @param argv - arguments after `schedule`
 * @param defaults - workspace paths used as defaults
 * @returns the checked request
 * @throws {@link InvalidInputError} naming every conflicting or bad flag
 * @throws commander's `CommanderError` for unknown subcommands or flags, a missing `--name`/`--cron`, and `--help`
 */
export function parseScheduleArgs(argv: readonly string[], defaults: CliDefaults): ScheduleRequest {
  let request: ScheduleRequest | null = null;
  buildScheduleProgram(defaults, (r) => {
    request = r;
  }).parse([...argv], { from: 'user' });
  if (request === null)
    throw new InvalidInputError('flags', [{ path: 'schedule', message: 'name a subcommand: add, list, pause, resume, remove or runs' }]);
  return request;
}

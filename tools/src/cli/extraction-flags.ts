import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_ISOLATION_MODE, FETCH_MODES, ISOLATION_MODES, jobTimeLimitIssue } from '@phx/core/model';
import type { InputIssue } from '@phx/core/model';

/** The property selection of the extraction flags, as the catalog's `select` takes it. */
export interface SelectionFlags {
  /** `--id`: catalog property ids. */
  readonly ids: readonly string[];
  /** `--address`: addresses; a new one is added to the catalog. */
  readonly addresses: readonly string[];
  /** `--url`: Zillow or Redfin listing URLs; a new one is added to the catalog. */
  readonly urls: readonly string[];
  /** `--label`: every property with this label, or `null`. */
  readonly label: string | null;
  /** `--all`: every property of the catalog (with an explicit `--csv`: every row of that file). */
  readonly all: boolean;
  /** `--csv` given on the command line: a CSV to import into the catalog first, or `null`. */
  readonly importCsv: string | null;
}

/**
 * Adds the flags that say what to extract (`--id`, `--address`, `--url`,
 * `--label`, `--all`, `--csv`, `--sources`, `--isolation`, `--fetch-mode`, `--dry-run`, `--timeout`),
 * shared by `phx-extract` and `phx-extract schedule add`.
 *
 * @param command - the command to extend
 * @returns the same command
 */
export function addExtractionFlags(command: Command): Command {
  return command
    .option('--id <id...>', 'id of a catalog property (repeatable)')
    .option('--address <address...>', 'street address (repeatable); one not in the catalog is added to it')
    .option('--url <url...>', 'Zillow or Redfin listing URL (repeatable); one not in the catalog is added to it')
    .option('--label <label>', 'every catalog property with this label')
    .option('--all', 'every property of the catalog (with --csv: every row of that file)', false)
    .option('--csv <file>', 'properties CSV (address,zillow_url,redfin_url) to import into the catalog first')
    .option('--sources <list>', 'comma-separated sources', 'zillow,redfin')
    .addOption(new Option('--isolation <mode>', 'browser isolation').choices([...ISOLATION_MODES]).default(DEFAULT_ISOLATION_MODE))
    .addOption(
      // No default: left out, a job takes the worker's FETCH_MODE and an in-process run the scrapers' default (auto).
      new Option('--fetch-mode <mode>', "how listing pages are fetched (default: the worker's FETCH_MODE, auto)").choices([...FETCH_MODES]),
    )
    .option('--dry-run', 'list photos without downloading or storing them', false)
    .option(
      '--timeout <seconds>',
      "the job's own time limit in seconds (1-2592000), counted from its first start; past it the job fails (JOB_TIMEOUT). " +
        "Default: none (only the worker's JOB_TIMEOUT: no property finished for that long)",
    );
}

/**
 * Reads `--timeout <seconds>` into the job's time limit in ms.
 *
 * @param value - the flag's value as given, or `undefined` when absent
 * @returns `{ timeoutMs }` (`null` when absent), or the issue naming the value and the range (1-2592000 whole seconds)
 */
export function checkTimeout(value: string | undefined): { readonly timeoutMs: number | null } | InputIssue {
  if (value === undefined) return { timeoutMs: null };
  const trimmed = value.trim();
  const seconds = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  const issue = jobTimeLimitIssue(seconds, '--timeout');
  if (issue !== null) return { ...issue, message: issue.message.replace(/^NaN/, `"${value}"`) };
  return { timeoutMs: seconds * 1000 };
}

/** The raw selection flags commander gives. */
export interface RawSelectionFlags {
  id?: string[];
  address?: string[];
  url?: string[];
  label?: string;
  all: boolean;
  csv?: string;
  timeout?: string;
}

/**
 * Checks the property selection: `--id`/`--address`/`--url` (any mix), or
 * `--label`, or `--all`; `--csv` alone selects every row of the file.
 *
 * @param o - the flags
 * @returns the selection (trimmed, blanks dropped) and the problems found
 */
export function checkSelection(o: RawSelectionFlags): { selection: SelectionFlags; issues: InputIssue[] } {
  const clean = (values: readonly string[] | undefined): string[] => (values ?? []).map((a) => a.trim()).filter((a) => a.length > 0);
  const label = o.label?.trim() ?? '';
  const importCsv = o.csv ?? null;
  const selection: SelectionFlags = {
    ids: clean(o.id),
    addresses: clean(o.address),
    urls: clean(o.url),
    label: label === '' ? null : label,
    all: o.all || (importCsv !== null && clean(o.id).length + clean(o.address).length + clean(o.url).length === 0 && label === ''),
    importCsv,
  };
  const listed = selection.ids.length + selection.addresses.length + selection.urls.length > 0;
  const kinds = [listed, selection.label !== null, selection.all].filter(Boolean).length;
  const issues: InputIssue[] = [];
  if (kinds === 0) issues.push({ path: '--address', message: 'give --address <address> (or --id, --url), --label <label> or --all' });
  if (kinds > 1) issues.push({ path: '--all', message: 'give --id/--address/--url, or --label, or --all; not several of these' });
  return { selection, issues };
}

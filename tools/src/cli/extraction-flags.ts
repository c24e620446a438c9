import { Option } from 'commander';
import type { Command } from 'commander';
import { DEFAULT_ISOLATION_MODE, ISOLATION_MODES } from '@phx/core';
import type { InputIssue } from '@phx/core';

/**
 * Adds the flags that say what to extract (`--address`, `--all`, `--csv`,
 * `--sources`, `--isolation`, `--dry-run`), shared by `phx-extract` and
 * `phx-extract schedule add`.
 *
 * @param command - the command to extend
 * @param csvPath - the default properties CSV
 * @returns the same command
 */
export function addExtractionFlags(command: Command, csvPath: string): Command {
  return command
    .option('--address <address...>', 'street address of a property in the CSV (repeatable)')
    .option('--all', 'every property of the CSV', false)
    .option('--csv <file>', 'properties CSV (address,zillow_url,redfin_url)', csvPath)
    .option('--sources <list>', 'comma-separated sources', 'zillow,redfin')
    .addOption(new Option('--isolation <mode>', 'browser isolation').choices([...ISOLATION_MODES]).default(DEFAULT_ISOLATION_MODE))
    .option('--dry-run', 'list photos without downloading or storing them', false);
}

/**
 * Checks the property selection: `--address` or `--all`, not both.
 *
 * @param address - the `--address` values, if any
 * @param all - the `--all` flag
 * @returns the trimmed, non-blank addresses and the problems found
 */
export function checkSelection(address: readonly string[] | undefined, all: boolean): { addresses: string[]; issues: InputIssue[] } {
  const addresses = (address ?? []).map((a) => a.trim()).filter((a) => a.length > 0);
  const issues: InputIssue[] = [];
  if (addresses.length === 0 && !all) issues.push({ path: '--address', message: 'give --address <address> or --all' });
  if (addresses.length > 0 && all) issues.push({ path: '--all', message: 'cannot be combined with --address' });
  return { addresses, issues };
}

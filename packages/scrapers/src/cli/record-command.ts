import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CoreError, InvalidInputError, SOURCES, toPropertyId } from '@phx/core';
import type { Source } from '@phx/core';
import { createScraperKit } from '../kit/scraper-kit.js';
import type { ScraperKit } from '../kit/scraper-kit.js';

const USAGE = `Usage: phx-record --har <file.har> [--source zillow|redfin]... [--chromium-arg=<flag>]... <listing URL | address>...

Loads each listing (a Zillow or Redfin URL, or an address searched on every
--source, default both) in Chromium on the live sites, politely, and writes
every page request and answer into <file.har>. Replay it offline with
createScraperKit({ mode: { kind: 'har', harPath } }).
`;

/** Where the command writes its report; `process.stdout` in the bin. */
export interface CommandOutput {
  /** Writes text. */
  write(text: string): unknown;
}

function sourceOfUrl(url: string): Source | null {
  const host = new URL(url).hostname;
  if (/(^|\.)zillow\.com$/.test(host)) return 'zillow';
  if (/(^|\.)redfin\.(com|ca)$/.test(host)) return 'redfin';
  return null;
}

async function recordOne(kit: ScraperKit, input: string, sources: readonly Source[], out: CommandOutput): Promise<boolean> {
  const isUrl = /^https?:\/\//.test(input);
  const urlSource = isUrl ? sourceOfUrl(input) : null;
  if (isUrl && urlSource === null) {
    out.write(`- ${input}: not a Zillow or Redfin URL\n`);
    return false;
  }
  let ok = true;
  for (const source of urlSource === null ? sources : [urlSource]) {
    const property = { id: toPropertyId(input), address: input, listingUrls: {} };
    try {
      const listing = await kit.scrapers[source].listPhotos({ property, listingUrl: isUrl ? input : null });
      out.write(`${source} ${listing.listingUrl}: ${listing.photos.length} photos (${listing.dataPath})\n`);
    } catch (error) {
      ok = false;
      const code = error instanceof CoreError ? error.code : 'UNEXPECTED_ERROR';
      out.write(`${source} ${input}: ${code} ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return ok;
}

const OPTIONS = {
  har: { type: 'string' },
  source: { type: 'string', multiple: true },
  'chromium-arg': { type: 'string', multiple: true },
  help: { type: 'boolean' },
} as const;

/** What is wrong with the parsed command line, or `null`. */
function usageProblem(
  values: { readonly har?: string | undefined; readonly source?: string[] | undefined },
  positionals: readonly string[],
): string | null {
  const unknown = (values.source ?? []).filter((s) => !(SOURCES as readonly string[]).includes(s));
  if (unknown.length > 0) return unknown.map((s) => `--source ${s}: not a source; use ${SOURCES.join(' or ')}`).join('\n');
  if (values.har === undefined) return 'missing --har <file.har>: where to write the recording';
  if (positionals.length === 0) return 'missing what to record: give at least one listing URL or address';
  return null;
}

/**
 * Turns a live run into a test fixture: `phx-record --har <file> <url|address>...`.
 * Bad usage (an unknown flag or `--source`, a missing `--har` or nothing to
 * record, a HAR path whose folder is missing or that is a folder) is
 * reported on `err` with the usage, before anything is launched.
 *
 * @param argv - the arguments after the command name
 * @param out - where the report (and `--help`) goes
 * @param err - where problems with the command line go; default `out`
 * @returns the exit code: 0 when every listing was read, 1 when one failed, 2 on bad usage
 */
export async function runRecordCommand(argv: readonly string[], out: CommandOutput, err: CommandOutput = out): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
  } catch (error) {
    err.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    out.write(USAGE);
    return 0;
  }
  const problem = usageProblem(values, positionals);
  if (problem !== null || values.har === undefined) {
    err.write(`${problem ?? ''}\n${USAGE}`);
    return 2;
  }
  const sources = (values.source ?? SOURCES) as readonly Source[];
  let kit: ScraperKit;
  try {
    kit = await createScraperKit({ mode: { kind: 'record', harPath: values.har }, extraChromiumArgs: values['chromium-arg'] ?? [] });
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    err.write(`${error.message}\n`);
    return 2;
  }
  let ok = true;
  try {
    for (const input of positionals) ok = (await recordOne(kit, input, sources, out)) && ok;
  } finally {
    await kit.close();
  }
  const har = JSON.parse(await readFile(values.har, 'utf8')) as { log: { entries: unknown[] } };
  out.write(`HAR written to ${values.har} (${har.log.entries.length} requests)\n`);
  return ok ? 0 : 1;
}

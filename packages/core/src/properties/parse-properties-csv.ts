import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { InvalidInputError } from '../errors/index.js';
import type { InputIssue } from '../errors/index.js';
import { toPropertyId } from '../model/ids.js';
import { limitIssue, MAX_LISTING_URL_LENGTH } from '../model/storage-limits.js';
import { limitMessage } from '../errors/input-too-long-error.js';
import type { PropertyId } from '../model/ids.js';
import type { Property } from '../model/property.js';
import { SOURCES } from '../model/source.js';
import type { Source } from '../model/source.js';
import { parseInput } from '../validation/index.js';

/** Options of {@link parsePropertiesCsv}. */
export interface ParsePropertiesCsvOptions {
  /** Name of the CSV in error messages, e.g. its path. Default `properties CSV`. */
  readonly name?: string;
}

/** The header columns phx reads: `address` (required) and one `<source>_url` per source (optional). */
export const PROPERTIES_CSV_COLUMNS: readonly string[] = Object.freeze(['address', ...SOURCES.map((s) => `${s}_url`)]);

interface CsvRow {
  readonly record: Readonly<Record<string, string | undefined>>;
  /** `error` is csv-parse's `CSV_RECORD_INCONSISTENT_COLUMNS` for a row with fewer or more values than the header. */
  readonly info: { readonly lines: number; readonly error?: CsvError };
}

/**
 * The problem of a row with more values than the header has columns, when a value past the last column is not empty
 * (csv-parse, with `relax_column_count`, reads the row's first values and names every value in `info.error.record`).
 *
 * @returns the message, or `null` when nothing past the header's columns would be lost
 */
function overlongRowIssue(row: CsvRow, header: readonly string[]): string | null {
  const error = row.info.error;
  const values = error?.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' ? error['record'] : undefined;
  if (!Array.isArray(values)) return null;
  const extra = values.slice(header.length).filter((v) => typeof v === 'string' && v !== '');
  if (extra.length === 0) return null;
  return (
    `${values.length} values but the header has ${header.length} columns (${header.join(',')}), so ` +
    `${extra.map((v) => JSON.stringify(v)).join(', ')} would be lost: quote a value that holds a comma, or name the extra column in the header`
  );
}

function parseRows(text: string, what: string): { header: string[]; rows: CsvRow[] } {
  let header: string[] = [];
  try {
    const rows = parse(text, {
      bom: true,
      columns: (names: string[]) => (header = names.map((n) => n.trim().toLowerCase())),
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as CsvRow[];
    return { header, rows };
  } catch (error) {
    throw new InvalidInputError(what, [malformedCsvIssue(text, error)], { cause: error });
  }
}

/**
 * The line (1-based, as an editor counts lines) where the quoted value csv-parse was reading when it failed opens.
 * csv-parse's `bytes` is then the offset, in the file's UTF-8 bytes, of the last delimiter it read outside quotes (or
 * just past the last row's end), so the value's opening quote is the first one from there.
 *
 * @returns the line, or `undefined` when the error carries no offset or no quote follows it
 */
function quotedValueLine(text: string, error: CsvError): number | undefined {
  const from = error['bytes'];
  if (typeof from !== 'number') return undefined;
  const bytes = Buffer.from(text, 'utf8');
  const quote = bytes.indexOf('"', from);
  return quote < 0
    ? undefined
    : bytes
        .subarray(0, quote)
        .toString('utf8')
        .split(/\r\n|\r|\n/).length;
}

/** The issue of a CSV csv-parse refused: for a quote never closed, the line where it opens; else the line csv-parse names. */
function malformedCsvIssue(text: string, error: unknown): InputIssue {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof CsvError)) return { path: '', message };
  // csv-parse names the line where the file ends, far from the quote that swallowed the rest of it.
  const opened = error.code === 'CSV_QUOTE_NOT_CLOSED' ? quotedValueLine(text, error) : undefined;
  if (opened !== undefined) {
    return {
      path: `line ${opened}`,
      message:
        `Quote Not Closed: the quoted value that opens on line ${opened} has no closing quote, so the rest of the file is inside it; ` +
        'close it, or write a quote inside a value as two ("")',
    };
  }
  const line = error['lines'];
  return { path: typeof line === 'number' ? `line ${line}` : '', message };
}

function checkUrl(source: Source, value: string, line: number, issues: InputIssue[]): string | undefined {
  if (value === '') return undefined;
  const tooLong = limitIssue(`${source}_url`, value, MAX_LISTING_URL_LENGTH);
  if (tooLong !== null) {
    issues.push({ path: `line ${line}`, message: `${tooLong.path} ${limitMessage(tooLong)}` });
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    issues.push({
      path: `line ${line}`,
      message: `${source}_url "${value}" is not an https URL; leave it empty or give the listing page's https URL`,
    });
    return undefined;
  }
  return value;
}

function toProperty(row: CsvRow, issues: InputIssue[]): Property | null {
  const line = row.info.lines;
  const address = (row.record['address'] ?? '').replace(/\s+/g, ' ');
  if (address === '') {
    issues.push({ path: `line ${line}`, message: 'address is missing' });
    return null;
  }
  const listingUrls: Partial<Record<Source, string>> = {};
  for (const source of SOURCES) {
    const url = checkUrl(source, row.record[`${source}_url`] ?? '', line, issues);
    if (url !== undefined) listingUrls[source] = url;
  }
  try {
    return { id: toPropertyId(address), address, listingUrls };
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    // No Latin letter or digit, or too long to name the property's folder.
    for (const issue of error.issues) issues.push({ path: `line ${line}`, message: `address ${issue.message}` });
    return null;
  }
}

/** A row of a properties CSV that was read: the property and the row's line number (the header is line 1). */
export interface PropertiesCsvRow {
  readonly property: Property;
  readonly line: number;
}

/** A row of a properties CSV that was refused: its line number (the header is line 1) and why. */
export interface InvalidPropertiesCsvRow {
  readonly line: number;
  readonly reason: string;
}

/** What {@link readPropertiesCsvRows} makes of a CSV: the good rows and the refused ones, each in file order. */
export interface PropertiesCsvRows {
  readonly rows: readonly PropertiesCsvRow[];
  readonly invalid: readonly InvalidPropertiesCsvRow[];
}

/**
 * Reads the rows of a properties CSV (see {@link parsePropertiesCsv} for the
 * shape) without refusing the file for a bad row: a row with no address, a
 * URL that is not https, the same property id as an earlier row, or a
 * non-empty value past the header's columns (an unquoted comma, most often)
 * is listed in `invalid` with its line number and reason, the rest are read.
 *
 * @param text - the CSV text
 * @param options - `name` of the CSV for error messages
 * @returns the good rows and the refused ones
 * @throws {@link InvalidInputError} for a missing header or malformed CSV (no row can be read then)
 * @example
 * ```ts
 * const { rows, invalid } = readPropertiesCsvRows('address,zillow_url\n"4732 W Davis Rd, Glendale, AZ 85306",\n,\n');
 * ```
 */
export function readPropertiesCsvRows(text: string, options: ParsePropertiesCsvOptions = {}): PropertiesCsvRows {
  const { rows, issues } = readRowsAndIssues(text, options);
  const invalid: InvalidPropertiesCsvRow[] = [];
  for (const issue of issues) {
    const last = invalid.at(-1);
    if (last?.line === issue.line) invalid[invalid.length - 1] = { line: issue.line, reason: `${last.reason}; ${issue.message}` };
    else invalid.push({ line: issue.line, reason: issue.message });
  }
  return { rows, invalid };
}

/** The good rows, and each problem of a bad row (a row may have several) with its line, in file order. */
function readRowsAndIssues(
  text: string,
  options: ParsePropertiesCsvOptions,
): { rows: PropertiesCsvRow[]; issues: { line: number; message: string }[] } {
  const what = options.name ?? 'properties CSV';
  parseInput(z.string(), text, what);
  const { header, rows } = parseRows(text, what);
  if (!header.includes('address')) {
    const found = header.length === 0 ? 'no header' : `header "${header.join(',')}"`;
    throw new InvalidInputError(what, [{ path: 'line 1', message: `${found}; expected a header ${PROPERTIES_CSV_COLUMNS.join(',')}` }]);
  }
  const problems: { line: number; message: string }[] = [];
  const firstLineOf = new Map<PropertyId, number>();
  const good: PropertiesCsvRow[] = [];
  for (const row of rows) {
    const line = row.info.lines;
    const overlong = overlongRowIssue(row, header);
    if (overlong !== null) {
      // Its values are likely shifted: the other checks would only add noise.
      problems.push({ line, message: overlong });
      continue;
    }
    const issues: InputIssue[] = [];
    const property = toProperty(row, issues);
    const earlier = property === null ? undefined : firstLineOf.get(property.id);
    if (property !== null && earlier !== undefined) {
      issues.push({ path: `line ${line}`, message: `duplicate property id "${property.id}" (same address as line ${earlier})` });
    }
    if (property === null || issues.length > 0) {
      for (const issue of issues) problems.push({ line, message: issue.message });
      continue;
    }
    firstLineOf.set(property.id, line);
    good.push({ property, line });
  }
  return { rows: good, issues: problems };
}

/**
 * Reads the user's properties CSV: a header row naming at least `address`
 * (case and surrounding blanks ignored), optionally `zillow_url` and
 * `redfin_url` (empty cells allowed); other named columns are ignored, blank
 * lines skipped, a UTF-8 BOM accepted; a row may have fewer values than the
 * header (the missing ones are empty) and empty ones past it, but not a
 * non-empty value past it. Each property's id is `toPropertyId(address)`.
 *
 * @param text - the CSV text
 * @param options - `name` of the CSV for error messages
 * @returns the properties in file order (empty when the file has only a header)
 * @throws {@link InvalidInputError} listing every bad row by its line number
 *   (the header is line 1): missing address, URL that is not https, two rows
 *   with the same property id, a value past the header's columns; or a missing
 *   header / malformed CSV
 * @example
 * ```ts
 * const properties = parsePropertiesCsv('address,zillow_url,redfin_url\n"4732 W Davis Rd, Glendale, AZ 85306",,\n');
 * ```
 */
export function parsePropertiesCsv(text: string, options: ParsePropertiesCsvOptions = {}): Property[] {
  const { rows, issues } = readRowsAndIssues(text, options);
  if (issues.length > 0) {
    throw new InvalidInputError(
      options.name ?? 'properties CSV',
      issues.map((issue) => ({ path: `line ${issue.line}`, message: issue.message })),
    );
  }
  return rows.map((row) => row.property);
}

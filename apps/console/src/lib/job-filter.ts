import { JOB_ORIGINS, JOB_STATUSES, SOURCES } from './vocabulary.js';

/** The job list's filter as the URL's search parameters hold it (all optional strings, "" meaning unset). */
export interface JobFilterParams {
  /** A JobStatus value. */
  readonly status: string;
  /** A source name, e.g. "zillow". */
  readonly source: string;
  /** A JobOrigin value. */
  readonly origin: string;
  /** First creation day, "YYYY-MM-DD" (UTC), inclusive. */
  readonly from: string;
  /** Last creation day, "YYYY-MM-DD" (UTC), inclusive. */
  readonly to: string;
}

/** The JobFilter input the API takes (the fields the console sets). */
export interface JobFilterInput {
  status?: string;
  source?: string;
  origin?: string;
  createdFrom?: string;
  createdBefore?: string;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The midnight UTC of a "YYYY-MM-DD" day, when it is a calendar day (not "2026-99-99", "2026-13-01" or "2026-02-30").
 *
 * @param day - the day as the URL holds it
 * @returns ms since the epoch, or null for a malformed or impossible day
 */
function dayStartMs(day: string): number | null {
  if (!DAY.test(day)) return null;
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day ? null : ms;
}

/** Each filter field with the values the API takes ("" always allowed). */
const KNOWN_VALUES = { status: JOB_STATUSES, origin: JOB_ORIGINS, source: SOURCES } as const;

/**
 * The URL parameters the filter leaves out: a status, origin or source the API does not know, a from/to that is not a
 * calendar day "YYYY-MM-DD". The page names them in a note.
 *
 * @param params - the URL's filter values
 * @returns the parameter names, in the order status, origin, source, from, to; empty when all are usable or unset
 */
export function ignoredJobFilterParams(params: JobFilterParams): string[] {
  const ignored: string[] = [];
  for (const name of ['status', 'origin', 'source'] as const) {
    const value = params[name];
    if (value !== '' && !(KNOWN_VALUES[name] as readonly string[]).includes(value)) ignored.push(name);
  }
  for (const name of ['from', 'to'] as const) if (params[name] !== '' && dayStartMs(params[name]) === null) ignored.push(name);
  return ignored;
}

/**
 * Reads the job filter from the URL's search parameters.
 *
 * @param params - the page's search parameters
 * @returns each field, "" when absent
 */
export function readJobFilterParams(params: URLSearchParams): JobFilterParams {
  const get = (name: string): string => params.get(name) ?? '';
  return { status: get('status'), source: get('source'), origin: get('origin'), from: get('from'), to: get('to') };
}

/**
 * Turns the filter form's values into the API's JobFilter: days are whole UTC days, `to` inclusive
 * (createdBefore is the next day's midnight UTC). Malformed or impossible days and unknown status, origin or source values
 * are left out (see {@link ignoredJobFilterParams}); never throws.
 *
 * @param params - the form's values
 * @returns the filter, or null when nothing is set
 */
export function toJobFilter(params: JobFilterParams): JobFilterInput | null {
  const filter: JobFilterInput = {};
  const ignored = ignoredJobFilterParams(params);
  const usable = (name: keyof JobFilterParams): boolean => params[name] !== '' && !ignored.includes(name);
  if (usable('status')) filter.status = params.status;
  if (usable('source')) filter.source = params.source;
  if (usable('origin')) filter.origin = params.origin;
  const from = dayStartMs(params.from);
  const to = dayStartMs(params.to);
  if (from !== null) filter.createdFrom = new Date(from).toISOString();
  if (to !== null) filter.createdBefore = new Date(to + DAY_MS).toISOString();
  return Object.keys(filter).length === 0 ? null : filter;
}

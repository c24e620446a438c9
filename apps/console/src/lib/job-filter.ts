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
 * (createdBefore is the next day's midnight UTC). Malformed days are left out.
 *
 * @param params - the form's values
 * @returns the filter, or null when nothing is set
 */
export function toJobFilter(params: JobFilterParams): JobFilterInput | null {
  const filter: JobFilterInput = {};
  if (params.status !== '') filter.status = params.status;
  if (params.source !== '') filter.source = params.source;
  if (params.origin !== '') filter.origin = params.origin;
  if (DAY.test(params.from)) filter.createdFrom = new Date(`${params.from}T00:00:00.000Z`).toISOString();
  if (DAY.test(params.to)) filter.createdBefore = new Date(Date.parse(`${params.to}T00:00:00.000Z`) + DAY_MS).toISOString();
  return Object.keys(filter).length === 0 ? null : filter;
}

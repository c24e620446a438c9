import { CoreError } from '../errors/index.js';
import { ZERO_OUTCOME_COUNTS } from '../model/extraction-job.js';
import type { ExtractionFailure, PropertyOutcome } from '../model/extraction-job.js';
import type { Property } from '../model/property.js';
import type { Source } from '../model/source.js';

function codeOf(error: unknown): string {
  if (error instanceof CoreError) return error.code;
  const code: unknown = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.length > 0 ? code : 'UNEXPECTED_ERROR';
}

/**
 * The wait an error asks for before the next try: its `retryAfterMs` (scraper
 * errors set it from a `Retry-After` header), in ms.
 *
 * @param error - anything thrown
 * @returns the wait in ms when the error carries a finite number ≥ 0, else `null`
 */
export function retryAfterMsOf(error: unknown): number | null {
  const value: unknown = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

/**
 * Turns an error met while extracting into the {@link ExtractionFailure}
 * kept in the property's outcome: the error's stable `code` (a `CoreError`'s,
 * a Node error's `code`, else `UNEXPECTED_ERROR`) and a message that names the
 * page or photo URL (prefixed with `context` and the URL when the error's own
 * message does not mention it), plus the error's `kind` when it is a `CoreError`
 * (so the job layer can retry transient failures and not permanent ones), and
 * the wait the source asked for when the error carries one (`retryAfterMs`, ms).
 *
 * @param error - what was thrown
 * @param source - the source involved, or `null`
 * @param url - the page or photo URL involved, or `null`
 * @param context - what was being done, e.g. `Could not read the zillow listing page`; default `Failed`
 * @returns the failure record
 */
export function toExtractionFailure(error: unknown, source: Source | null, url: string | null, context = 'Failed'): ExtractionFailure {
  const raw = error instanceof Error ? error.message : String(error);
  const message = url === null || raw.includes(url) ? raw : `${context} ${url}: ${raw}`;
  const asked = retryAfterMsOf(error);
  const retryAfterMs = asked !== null && asked > 0 ? asked : null;
  return {
    source,
    url,
    code: codeOf(error),
    message,
    ...(error instanceof CoreError ? { kind: error.kind } : {}),
    ...(retryAfterMs === null ? {} : { retryAfterMs }),
  };
}

/**
 * The outcome of a property whose extraction threw instead of returning one:
 * `failed`, no photo counted, no source read, and the error as its one
 * failure (see {@link toExtractionFailure}; no source, no URL).
 *
 * @param property - the property
 * @param error - what the extraction threw
 * @returns the `failed` outcome
 * @example
 * ```ts
 * import { CoreError } from '@phx/core';
 * import type { Property } from '@phx/core';
 * declare const property: Property;
 * const outcome = failedPropertyOutcome(property, new CoreError('DATABASE_UNAVAILABLE', 'MongoDB did not answer', 'transient'));
 * // outcome.failures: [{ source: null, url: null, code: 'DATABASE_UNAVAILABLE', message: 'MongoDB did not answer', kind: 'transient' }]
 * ```
 */
export function failedPropertyOutcome(property: Property, error: unknown): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status: 'failed',
    ...ZERO_OUTCOME_COUNTS,
    ...{ sourcesRead: [], fetchModes: [], skippedSources: [] },
    failures: [toExtractionFailure(error, null, null)],
  };
}

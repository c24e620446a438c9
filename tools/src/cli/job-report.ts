import type { ExtractionFailure, ExtractionJob, PropertyOutcome } from '@phx/core';
import type { CatalogSelection, StoredExtractionJob } from '@phx/jobs';
import { countOf, formatPhotos, formatPropertiesDone } from '../report/counter-text.js';

const properties = (n: number): string => countOf(n, 'property', 'properties');

/** `completed (2 properties partial: photos missing)` next to a job status, so `completed` is never read as "every photo". */
function statusWithNotes(job: ExtractionJob): string {
  const { partialProperties: partial, deferredProperties: deferred } = job;
  const notes = [
    ...(partial === 0 ? [] : [`${properties(partial)} partial: photos missing`]),
    ...(deferred === 0 ? [] : [`${properties(deferred)} deferred: the site asked to wait, a later run retries`]),
  ];
  return notes.length === 0 ? job.status : `${job.status} (${notes.join('; ')})`;
}

/**
 * Formats one failure met on a property: what failed and why.
 *
 * @param f - the failure
 * @returns e.g. `zillow NOT_FOUND: the listing page answered 404` (no source for a failure of the property as a whole)
 */
export function formatFailure(f: ExtractionFailure): string {
  return `${f.source === null ? '' : `${f.source} `}${f.code}: ${f.message}`;
}

/**
 * Formats a failed property as one line for a live display: its address and
 * each reason.
 *
 * @param outcome - the failed property's outcome
 * @returns e.g. `1 Main St, Phoenix, AZ 85001 failed: zillow NOT_FOUND: the listing page answered 404; redfin BLOCKED: captcha wall`
 */
export function formatFailedProperty(outcome: PropertyOutcome): string {
  const reasons = outcome.failures.map(formatFailure).join('; ');
  return `${outcome.address} ${outcome.status}${reasons === '' ? '' : `: ${reasons}`}`;
}

/**
 * Formats the failed properties of a job with their reasons, for a report.
 *
 * @param outcomes - outcomes of failed properties (a first page)
 * @param failedProperties - how many properties of the job failed
 * @returns lines of text; empty when there are none
 */
export function formatFailedProperties(outcomes: readonly PropertyOutcome[], failedProperties: number): string {
  if (outcomes.length === 0) return '';
  const lines = [`  Failed properties (${failedProperties}):`];
  for (const o of outcomes) lines.push(`    ${o.address}`, ...o.failures.map((f) => `      ! ${formatFailure(f)}`));
  const more = failedProperties - outcomes.length;
  if (more > 0) lines.push(`    … and ${more} more (page them with the GraphQL field Job.properties(status: FAILED))`);
  return lines.join('\n');
}

/**
 * Formats a job's status and counters as the seed's CLI printed them, plus
 * the failed properties and the error message when there are any.
 *
 * @param job - the job; a catalog selection's job not listed yet (`propertiesListed: false`) says so instead of `0/0 properties done`
 * @param failed - outcomes of the job's failed properties (a first page, see {@link REPORT_OUTCOME_ROWS}): printed with
 *   their reasons; when empty, the addresses of `job.failedPropertiesList` are printed without them
 * @returns lines of text, without trailing newline
 */
export function formatJobReport(
  job: ExtractionJob & Partial<Pick<StoredExtractionJob, 'propertiesListed' | 'catalogSelection'>>,
  failed: readonly PropertyOutcome[] = [],
): string {
  const unlisted = job.propertiesListed === false && job.catalogSelection != null ? job.catalogSelection : null;
  const lines = [
    `Job ${job.id}: ${statusWithNotes(job)}`,
    `  Progress: ${unlisted === null ? formatPropertiesDone(job) : `${selectionName(unlisted)}: not listed yet (${workerLists(unlisted)})`}`,
    `  Photos: ${formatPhotos(job)}` + (job.unchangedImages === 0 ? '' : '; unchanged: stored before, not downloaded again'),
    `  Sources: ${job.sources.join(', ')}  isolation: ${job.isolationMode}` +
      (job.fetchMode === null ? '' : `  fetch mode: ${job.fetchMode}`) +
      (job.timeoutMs === null ? '' : `  time limit: ${job.timeoutMs / 1000} s`) +
      (job.dryRun ? '  (dry run)' : ''),
    `  Created: ${job.createdAt.toISOString()}  started: ${job.startedAt?.toISOString() ?? '-'}  completed: ${job.completedAt?.toISOString() ?? '-'}`,
  ];
  if (failed.length > 0) lines.push(formatFailedProperties(failed, job.failedProperties));
  else if (job.failedPropertiesList.length > 0) lines.push(`  Failed properties: ${job.failedPropertiesList.join('; ')}`);
  if (job.errorMessage !== null) lines.push(`  Error: ${job.errorMessage}`);
  return lines.join('\n');
}

/** Most per-property rows a CLI report prints; a larger job's report says how many more there are. */
export const REPORT_OUTCOME_ROWS = 100;

/**
 * Formats per-property outcomes of a finished job as a table: the first page
 * of the job's properties (see {@link REPORT_OUTCOME_ROWS}), and a line naming
 * how many more the job has.
 *
 * @param outcomes - the outcomes of the page, by position in the job
 * @param totalProperties - the job's number of properties
 * @returns lines of text
 */
export function formatOutcomes(outcomes: readonly PropertyOutcome[], totalProperties: number): string {
  const rows = outcomes.map((o) => {
    const head =
      `  ${o.address.slice(0, 46).padEnd(46)} ${o.status.padEnd(9)} found ${String(o.photosFound).padStart(3)}  ` +
      `new ${String(o.newImages).padStart(3)}  dup ${String(o.duplicateImages).padStart(3)}  failed ${String(o.failedImages).padStart(2)}` +
      (o.missingPhotos > 0 ? `  missing ${o.missingPhotos}` : '') +
      (o.placeholderImages > 0 ? `  placeholder ${o.placeholderImages}` : '') +
      (o.retryAt === undefined ? '' : `  retry at ${o.retryAt.toISOString()}`) +
      (o.fetchModes.length === 0 ? '' : `  via ${o.fetchModes.map((f) => `${f.source} ${f.mode}`).join(', ')}`);
    const notes = o.failures.map((f) => `      ! ${formatFailure(f)}`);
    return [head, ...notes].join('\n');
  });
  const more = totalProperties - outcomes.length;
  if (more > 0) rows.push(`  … and ${more} more properties (page them all with the GraphQL field Job.properties(status, first, after))`);
  return rows.join('\n');
}

/** Names a catalog selection, e.g. `every catalog property`, `label phoenix-2025`. */
function selectionName(selection: CatalogSelection): string {
  return 'label' in selection ? `label ${selection.label}` : 'every catalog property';
}

/** What the worker that takes up a selection's job does first. */
function workerLists(selection: CatalogSelection): string {
  return 'label' in selection ? 'the worker lists its properties' : 'the worker lists them';
}

/**
 * Names a catalog selection a job was enqueued for, and who lists it.
 *
 * @param selection - the selection
 * @returns e.g. `every catalog property: the worker lists them`, `label phoenix-2025: the worker lists its properties`
 */
export function selectionText(selection: CatalogSelection): string {
  return `${selectionName(selection)}: ${workerLists(selection)}`;
}

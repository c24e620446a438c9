import { PHOTO_COUNTER_NAMES } from '@phx/core';
import type { ExtractionJob, PropertyOutcome } from '@phx/core';
import { FINISHED_NOT_COMPLETED, formatCounts } from '../report/counter-text.js';

const properties = (n: number): string => `${n} ${n === 1 ? 'property' : 'properties'}`;

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
 * Formats a job's status and counters as the seed's CLI printed them, plus
 * the failed properties and the error message when there are any.
 *
 * @param job - the job
 * @returns lines of text, without trailing newline
 */
export function formatJobReport(job: ExtractionJob): string {
  const lines = [
    `Job ${job.id}: ${statusWithNotes(job)}`,
    `  Progress: ${job.completedProperties}/${job.totalProperties} properties (${formatCounts(job, FINISHED_NOT_COMPLETED)})`,
    `  Images: ${formatCounts(job, ['totalImages', 'newImages', 'duplicateImages', 'failedImages'])}` +
      `; ${job.unchangedImages} unchanged (not downloaded again), ${job.removedImages} removed; ${job.placeholderImages} placeholder`,
    `  Sources: ${job.sources.join(', ')}  isolation: ${job.isolationMode}` +
      (job.fetchMode === null ? '' : `  fetch mode: ${job.fetchMode}`) +
      (job.dryRun ? '  (dry run)' : ''),
    `  Created: ${job.createdAt.toISOString()}  started: ${job.startedAt?.toISOString() ?? '-'}  completed: ${job.completedAt?.toISOString() ?? '-'}`,
  ];
  if (job.failedPropertiesList.length > 0) lines.push(`  Failed properties: ${job.failedPropertiesList.join('; ')}`);
  if (job.errorMessage !== null) lines.push(`  Error: ${job.errorMessage}`);
  return lines.join('\n');
}

/**
 * Formats one progress line.
 *
 * @param job - the job snapshot
 * @returns e.g. `in_progress properties 2/9 (0 partial, 0 deferred, 0 failed)  images 40 (38 new, 2 duplicate, 0 failed, 5 unchanged, 0 removed, 0 placeholder)`:
 *   every photo counter after `totalImages`, in the order of core's `PHOTO_COUNTER_NAMES`
 */
export function formatProgressLine(job: ExtractionJob): string {
  const done = job.completedProperties + job.partialProperties + job.deferredProperties + job.failedProperties;
  return (
    `${job.status.padEnd(11)} properties ${done}/${job.totalProperties} (${formatCounts(job, FINISHED_NOT_COMPLETED)})  ` +
    `images ${job.totalImages} (${formatCounts(
      job,
      PHOTO_COUNTER_NAMES.filter((name) => name !== 'totalImages'),
    )})`
  );
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
    const notes = o.failures.map((f) => `      ! ${f.code}: ${f.message}`);
    return [head, ...notes].join('\n');
  });
  const more = totalProperties - outcomes.length;
  if (more > 0) rows.push(`  … and ${more} more properties (page them all with the GraphQL field Job.properties(status, first, after))`);
  return rows.join('\n');
}

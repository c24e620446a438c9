import type { ExtractionJob } from '@phx/core';

/** The job's unchanged, removed and partial counters; absent on documents older than them, then 0. */
function incrementalCounts(job: ExtractionJob): { unchanged: number; removed: number; partial: number } {
  return { unchanged: job.unchangedImages ?? 0, removed: job.removedImages ?? 0, partial: job.partialProperties ?? 0 };
}

/** `completed, 2 of them partial` next to a job status, so `completed` is never read as "every photo". */
function statusWithPartial(job: ExtractionJob, partial: number): string {
  return partial === 0 ? job.status : `${job.status} (${partial} ${partial === 1 ? 'property' : 'properties'} partial: photos missing)`;
}

/**
 * Formats a job's status and counters as the seed's CLI printed them, plus
 * the failed properties and the error message when there are any.
 *
 * @param job - the job
 * @returns lines of text, without trailing newline
 */
export function formatJobReport(job: ExtractionJob): string {
  const { unchanged, removed, partial } = incrementalCounts(job);
  const lines = [
    `Job ${job.id}: ${statusWithPartial(job, partial)}`,
    `  Progress: ${job.completedProperties}/${job.totalProperties} properties (${partial} partial, ${job.failedProperties} failed)`,
    `  Images: ${job.totalImages} total, ${job.newImages} new, ${job.duplicateImages} duplicate, ${job.failedImages} failed` +
      `; ${unchanged} unchanged (not downloaded again), ${removed} removed`,
    `  Sources: ${job.sources.join(', ')}  isolation: ${job.isolationMode}${job.dryRun ? '  (dry run)' : ''}`,
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
 * @returns e.g. `in_progress properties 2/9 (0 partial, 0 failed)  images 40 (38 new, 2 duplicate, 0 failed, 5 unchanged, 0 removed)`
 */
export function formatProgressLine(job: ExtractionJob): string {
  const { unchanged, removed, partial } = incrementalCounts(job);
  const done = job.completedProperties + partial + job.failedProperties;
  return (
    `${job.status.padEnd(11)} properties ${done}/${job.totalProperties} (${partial} partial, ${job.failedProperties} failed)  ` +
    `images ${job.totalImages} (${job.newImages} new, ${job.duplicateImages} duplicate, ${job.failedImages} failed, ` +
    `${unchanged} unchanged, ${removed} removed)`
  );
}

/**
 * Formats the per-property outcomes of a finished job as a table.
 *
 * @param job - the job
 * @returns lines of text
 */
export function formatOutcomes(job: ExtractionJob): string {
  const rows = job.propertyOutcomes.map((o) => {
    const head =
      `  ${o.address.slice(0, 46).padEnd(46)} ${o.status.padEnd(9)} found ${String(o.photosFound).padStart(3)}  ` +
      `new ${String(o.newImages).padStart(3)}  dup ${String(o.duplicateImages).padStart(3)}  failed ${String(o.failedImages).padStart(2)}` +
      ((o.missingPhotos ?? 0) > 0 ? `  missing ${o.missingPhotos ?? 0}` : '');
    const notes = o.failures.map((f) => `      ! ${f.code}: ${f.message}`);
    return [head, ...notes].join('\n');
  });
  return rows.join('\n');
}

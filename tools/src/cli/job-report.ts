import type { ExtractionJob } from '@phx/core';

/** The job's unchanged and removed counters; absent on documents older than them, then 0. */
function incrementalCounts(job: ExtractionJob): { unchanged: number; removed: number } {
  return { unchanged: job.unchangedImages ?? 0, removed: job.removedImages ?? 0 };
}

/**
 * Formats a job's status and counters as the seed's CLI printed them, plus
 * the failed properties and the error message when there are any.
 *
 * @param job - the job
 * @returns lines of text, without trailing newline
 */
export function formatJobReport(job: ExtractionJob): string {
  const { unchanged, removed } = incrementalCounts(job);
  const lines = [
    `Job ${job.id}: ${job.status}`,
    `  Progress: ${job.completedProperties}/${job.totalProperties} properties (${job.failedProperties} failed)`,
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
 * @returns e.g. `in_progress properties 2/9 (0 failed)  images 40 (38 new, 2 duplicate, 0 failed, 5 unchanged, 0 removed)`
 */
export function formatProgressLine(job: ExtractionJob): string {
  const done = job.completedProperties + job.failedProperties;
  const { unchanged, removed } = incrementalCounts(job);
  return (
    `${job.status.padEnd(11)} properties ${done}/${job.totalProperties} (${job.failedProperties} failed)  ` +
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
      `new ${String(o.newImages).padStart(3)}  dup ${String(o.duplicateImages).padStart(3)}  failed ${String(o.failedImages).padStart(2)}`;
    const notes = o.failures.map((f) => `      ! ${f.code}: ${f.message}`);
    return [head, ...notes].join('\n');
  });
  return rows.join('\n');
}

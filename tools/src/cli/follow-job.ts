import type { ExtractionJob } from '@phx/core';
import type { JobProgressFeed } from '@phx/jobs';
import { formatProgressLine } from './job-report.js';

/**
 * Prints one line per visible progress change of a job until it reaches a final
 * status (or `signal` aborts), reading the same MongoDB feed the GraphQL
 * subscription uses.
 *
 * @param feed - the progress feed
 * @param jobId - the job to follow
 * @param write - where lines go (stdout)
 * @param signal - stops following
 * @returns the last snapshot seen
 * @throws core's `NotFoundError` when the job does not exist
 */
export async function followJob(
  feed: JobProgressFeed,
  jobId: string,
  write: (line: string) => void,
  signal?: AbortSignal,
): Promise<ExtractionJob | null> {
  const t0 = Date.now();
  let last: ExtractionJob | null = null;
  let lastLine = '';
  for await (const job of feed.watch(jobId, signal)) {
    last = job;
    const line = formatProgressLine(job);
    // A new version can change fields the line does not show (outcomes, timestamps).
    if (line !== lastLine) write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}`);
    lastLine = line;
  }
  return last;
}

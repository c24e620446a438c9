import { FAILED_PROPERTIES_LIST_LIMIT, countOutcomes, isFinalJobStatus } from '@phx/core';
import type { JobProgress, JobRepository, JobRunEnd } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { statusEventBody, toJobEventCounters } from './job-event.js';
import type { JobEvent, JobEventBody } from './job-event.js';
import type { JobEventLog } from './job-event-log.js';

/**
 * The progress a job ends with when no run ends it (a cancel of a job no run
 * holds): its counters counted by its finished properties' outcomes, as a
 * run's end counts them, not its live counters (which include the photos of
 * properties cut mid-way).
 *
 * @param job - the job as stored
 * @param repository - where its outcomes are (`JobRepository.properties`)
 * @returns counters from its stored outcomes, with its failed list
 * @throws the driver's error when MongoDB cannot be reached
 */
export async function settledProgressOf(job: StoredExtractionJob, repository: JobRepository): Promise<JobProgress> {
  const outcomes = (await repository.properties.outcomes(job.id)).map((o) => o.outcome);
  const failed = outcomes.filter((o) => o.status === 'failed').slice(0, FAILED_PROPERTIES_LIST_LIMIT);
  return { ...countOutcomes(outcomes, job.totalProperties, job.dryRun), failedPropertiesList: failed.map((o) => o.address) };
}

/**
 * The `status` event of a run's end: the end's status, counters and message.
 *
 * @param end - the end about to be written to the job document
 * @returns the event body
 */
export function endEventBody(end: JobRunEnd): JobEventBody {
  return statusEventBody(end.status, toJobEventCounters(end.progress), end.errorMessage);
}

/** What {@link writeJobEnd} writes. */
export interface JobEndWrite {
  readonly log: JobEventLog;
  readonly repository: JobRepository;
  readonly jobId: string;
  /** The run that holds the job (the document's `runNumber`); nothing reaches the document when another holds it. */
  readonly runNumber: number;
  readonly end: JobRunEnd;
  /** The `completedAt` of a final status. */
  readonly now: Date;
}

/**
 * Ends a job held by the caller and no run writing to it (the runner when the
 * extractor could not be built, the service cancelling a run whose worker
 * died): the log first, then the document, as a run does (see
 * `ExtractionRun`). A crash between the two leaves a final event the
 * document lacks; the run that takes the job up next completes the document
 * from it ({@link endOfLog}), so the log never loses an end and no reader
 * writes one.
 *
 * @param write - log, jobs, job, run, end, time
 * @returns the job as written, or `null` when the run no longer held it
 * @throws the driver's error when either write fails (the document is then unchanged)
 */
export async function writeJobEnd(write: JobEndWrite): Promise<StoredExtractionJob | null> {
  await write.log.append(write.jobId, [endEventBody(write.end)]);
  return write.repository.endRun(write.jobId, write.runNumber, write.end, write.now);
}

/**
 * The end a job's log holds but its document lacks: the writer of the end
 * appended its final `status` event and died before the document took it.
 *
 * @param last - the job's last event (`JobEventLog.lastEvent`)
 * @param job - the job document (still `in_progress` or `pending`)
 * @returns the end to write (status, message and counters of the event; failed list of the document), or `null`
 *   when the last event is not a final status
 */
export function endOfLog(last: JobEvent | null, job: StoredExtractionJob): JobRunEnd | null {
  if (last === null || last.kind !== 'status' || !isFinalJobStatus(last.status)) return null;
  return {
    status: last.status as JobRunEnd['status'],
    errorMessage: last.error?.message ?? null,
    progress: { ...last.counters, failedPropertiesList: job.failedPropertiesList },
    cancelRequestedAt: job.cancelRequestedAt,
  };
}

import type { Db } from 'mongodb';
import { InvalidInputError, NotFoundError, noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import { JobRepository } from '../repository/job-repository.js';
import type { JobEvent, JobEventKind } from './job-event.js';
import { JobEventLog, READ_BATCH } from './job-event-log.js';
import { PollLoop } from './poll-loop.js';
import { JobEventStream } from './job-event-stream.js';

/** Options of {@link JobEventFeed}. */
export interface JobEventFeedOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** How often the log is read while someone watches, in ms, at least 10; default 25. */
  readonly pollIntervalMs?: number;
  /** How long a hole in a job's places is waited for before it is skipped, in ms; default 2 000. */
  readonly gapTimeoutMs?: number;
  /** Logger for read errors (retried at the next tick); default no-op. */
  readonly logger?: Logger;
  /**
   * How long reads may fail in a row, in ms from the start of the first
   * failed one, before every open stream ends with the last read error (a
   * follower that should give up rather than wait, the CLI); default none:
   * failed reads are retried for good (subscriptions).
   */
  readonly giveUpAfterMs?: number;
}

/** What {@link JobEventFeed.open} follows. */
export interface JobEventQuery {
  /** The jobs, 1 to 100 distinct ids. */
  readonly jobIds: readonly string[];
  /** Only these kinds; absent or empty: every kind. */
  readonly kinds?: readonly JobEventKind[];
  /** Per job, the place of the last event already seen; jobs not named start at their first event. */
  readonly after?: ReadonlyMap<string, number>;
}

/** Most jobs one subscription may follow. */
export const MAX_WATCHED_JOBS = 100;

/**
 * Live job events for subscriptions, read from the `job_events` log that
 * the job's writers append to (the run that holds the job; the service for
 * a job no run ends, see `JobEndsWithoutWorker`). The feed only reads: it
 * writes nothing, not even a missing final event, since every writer of a
 * final status appends its event before the job document takes it. API servers are separate processes (on other machines,
 * possibly), so the feed reads MongoDB only: one poll loop per process reads
 * the new events of every watched job with one query per tick and hands each
 * stream the places after its own position. A subscriber that gives the
 * place of the last event it saw gets what it missed, then live events;
 * each place once. A stream ends after the final status event of each of
 * its jobs (at once, with that event, for jobs that have already ended).
 *
 * @example
 * ```ts
 * import type { JobId } from '@phx/core';
 * import type { Db } from 'mongodb';
 * declare const db: Db, jobId: JobId, signal: AbortSignal;
 * const feed = new JobEventFeed({ db });
 * const events = await feed.open({ jobIds: [jobId] }, signal);
 * for await (const event of events) console.log(event.seq, event.kind, event.counters.totalImages);
 * ```
 */
export class JobEventFeed {
  private readonly log: JobEventLog;
  private readonly jobs: JobRepository;
  private readonly pollIntervalMs: number;
  private readonly gapTimeoutMs: number;
  private readonly logger: Logger;
  private readonly streams = new Set<JobEventStream>();
  private readonly loop: PollLoop;
  private readonly giveUpAfterMs: number | null;
  /** When the first of the reads failing in a row started, in ms since the epoch; `null` while they succeed. */
  private failingSinceMs: number | null = null;
  private closed = false;

  /**
   * @param options - database, poll interval, hole timeout, logger
   */
  constructor(options: JobEventFeedOptions) {
    this.log = new JobEventLog({ db: options.db });
    this.jobs = new JobRepository({ db: options.db });
    this.pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 25);
    this.gapTimeoutMs = Math.max(0, options.gapTimeoutMs ?? 2_000);
    this.logger = (options.logger ?? noopLogger).child({ component: 'job-event-feed' });
    this.giveUpAfterMs = options.giveUpAfterMs ?? null;
    this.loop = new PollLoop({ intervalMs: this.pollIntervalMs, hasWork: () => this.streams.size > 0, tick: () => this.tick() });
  }

  /** Creates the index the feed reads by (unique `(jobId, seq)`). Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.log.ensureIndexes();
  }

  /** Number of event streams open now. */
  get watcherCount(): number {
    return this.streams.size;
  }

  /**
   * Checks the jobs exist, then follows them. Events written after this call
   * returns are never missed.
   *
   * @param query - jobs, kinds, resume positions
   * @param signal - ends the stream when aborted
   * @returns the stream of events (iterate it once)
   * @throws core's `InvalidInputError` for no job, over 100, or a resume position of a job not followed
   * @throws core's `NotFoundError` for the first job id that has no job
   */
  async open(query: JobEventQuery, signal?: AbortSignal): Promise<JobEventStream> {
    const jobIds = [...new Set(query.jobIds)];
    checkQuery(jobIds, query.after);
    const found = new Set((await this.jobs.getMany(jobIds)).map((j) => j.id as string));
    const missing = jobIds.find((id) => !found.has(id));
    if (missing !== undefined) throw new NotFoundError('job', missing);
    const positions = new Map(jobIds.map((id) => [id, query.after?.get(id) ?? 0]));
    // A job whose final event lies at or before the resume position has nothing more to say.
    const finished = new Set<string>();
    for (const [jobId, seq] of positions) {
      if (seq === 0) continue;
      const finalSeq = await this.log.finalStatusSeq(jobId);
      if (finalSeq !== null && finalSeq <= seq) finished.add(jobId);
    }
    const kinds = query.kinds === undefined || query.kinds.length === 0 ? null : new Set(query.kinds);
    const stream = new JobEventStream({ positions, finished, kinds, gapTimeoutMs: this.gapTimeoutMs }, (ended) =>
      this.streams.delete(ended),
    );
    if (this.closed || signal?.aborted === true) {
      stream.close();
      return stream;
    }
    if (stream.isEnded) return stream;
    this.streams.add(stream);
    signal?.addEventListener('abort', () => stream.close(), { once: true });
    this.loop.wake();
    return stream;
  }

  /** Ends every open stream and stops the loop. Idempotent. */
  close(): void {
    this.closed = true;
    this.loop.close();
    for (const stream of [...this.streams]) stream.close();
  }

  /** Reads the new events of every watched job once; `true` when a full batch came (more to read). */
  private async tick(): Promise<boolean> {
    const watched = [...this.streams];
    const startedAtMs = Date.now();
    try {
      const lowest = new Map<string, number>();
      for (const stream of watched) {
        for (const [jobId, seq] of stream.pending) lowest.set(jobId, Math.min(seq, lowest.get(jobId) ?? seq));
      }
      const events = await this.log.readAfter([...lowest].map(([jobId, seq]) => ({ jobId, seq })));
      const byJob = groupByJob(events);
      const nowMs = Date.now();
      for (const stream of watched) {
        for (const jobId of stream.pending.keys()) stream.offer(jobId, byJob.get(jobId) ?? [], nowMs);
      }
      this.failingSinceMs = null;
      return events.length >= READ_BATCH;
    } catch (error) {
      this.failingSinceMs ??= startedAtMs;
      const failingMs = Date.now() - this.failingSinceMs;
      if (this.giveUpAfterMs !== null && failingMs >= this.giveUpAfterMs) {
        this.logger.warn({ err: describeError(error), watched: watched.length, failingMs }, 'job event poll failed; giving up');
        const reason = error instanceof Error ? error : new Error(describeError(error));
        for (const stream of watched) stream.fail(reason);
        return false;
      }
      this.logger.warn({ err: describeError(error), watched: watched.length }, 'job event poll failed; retrying');
      return false;
    }
  }
}

function checkQuery(jobIds: readonly string[], after: ReadonlyMap<string, number> | undefined): void {
  const issues = [];
  if (jobIds.length === 0) issues.push({ path: 'jobIds', message: 'give at least one job id' });
  if (jobIds.length > MAX_WATCHED_JOBS) issues.push({ path: 'jobIds', message: `${jobIds.length} jobs; at most ${MAX_WATCHED_JOBS}` });
  for (const jobId of after?.keys() ?? []) {
    if (!jobIds.includes(jobId))
      issues.push({ path: 'afterEventId', message: `the event id is of job ${jobId}, which is not among the jobs followed` });
  }
  if (issues.length > 0) throw new InvalidInputError('job event subscription', issues);
}

function groupByJob(events: readonly JobEvent[]): Map<string, JobEvent[]> {
  const byJob = new Map<string, JobEvent[]>();
  for (const event of events) {
    const list = byJob.get(event.jobId);
    if (list === undefined) byJob.set(event.jobId, [event]);
    else list.push(event);
  }
  return byJob;
}

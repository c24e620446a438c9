import type { Db } from 'mongodb';
import { NotFoundError, noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import { JobRepository } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { JobSnapshotStream } from './job-snapshot-stream.js';
import { PollLoop } from './poll-loop.js';

/** Options of {@link JobProgressFeed}. */
export interface JobProgressFeedOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** How often watched jobs are re-read, in ms, at least 10; default 100. */
  readonly pollIntervalMs?: number;
  /** Logger for read errors (which are retried at the next tick); default no-op. */
  readonly logger?: Logger;
}

/**
 * Live snapshots of jobs, for GraphQL subscriptions and `--wait`. Workers and
 * API servers are separate processes, so the feed reads MongoDB only: one
 * shared poll loop re-reads every watched job with one query per tick
 * (`find({ _id: { $in: ids } })`) and hands each subscriber every new
 * `version` of its job. The loop runs only while someone watches. (Polling,
 * not change streams: FerretDB has none.)
 *
 * @example
 * ```ts
 * import type { JobId } from '@phx/core';
 * import type { Db } from 'mongodb';
 * declare const db: Db, jobId: JobId, signal: AbortSignal;
 * const feed = new JobProgressFeed({ db });
 * for await (const job of feed.watch(jobId, signal)) {
 *   console.log(job.status, job.completedProperties, job.totalImages);
 * }
 * ```
 */
export class JobProgressFeed {
  private readonly repository: JobRepository;
  private readonly pollIntervalMs: number;
  private readonly logger: Logger;
  private readonly streams = new Set<JobSnapshotStream>();
  private readonly loop: PollLoop;
  private closed = false;

  /**
   * @param options - database, poll interval, logger
   */
  constructor(options: JobProgressFeedOptions) {
    this.repository = new JobRepository({ db: options.db });
    this.pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 100);
    this.logger = (options.logger ?? noopLogger).child({ component: 'job-progress-feed' });
    this.loop = new PollLoop({ intervalMs: this.pollIntervalMs, hasWork: () => this.streams.size > 0, tick: () => this.tick() });
  }

  /** Number of snapshot streams open now. */
  get watcherCount(): number {
    return this.streams.size;
  }

  /**
   * Watches a job. The subscription starts now (before the first `next()`), so
   * no change made after this call is missed. Yields the current snapshot
   * first, then one snapshot per change of `version`, and ends after yielding
   * a final status (`completed`, `failed`, `cancelled`), when `signal` aborts,
   * when the consumer leaves its loop, or on `close()`.
   *
   * @param jobId - the job id
   * @param signal - ends the iteration when aborted
   * @returns an async iterable of snapshots (iterate it once)
   * @throws core's `NotFoundError` from the first `next()` when no job has this id
   */
  watch(jobId: string, signal?: AbortSignal): AsyncIterable<StoredExtractionJob> {
    const stream = new JobSnapshotStream(jobId, (ended) => this.streams.delete(ended));
    if (this.closed || signal?.aborted === true) {
      stream.close();
    } else {
      this.streams.add(stream);
      signal?.addEventListener('abort', () => stream.close(), { once: true });
      this.loop.wake();
    }
    return { [Symbol.asyncIterator]: () => stream };
  }

  /** Ends every open stream and stops the loop. Idempotent. */
  close(): void {
    this.closed = true;
    this.loop.close();
    for (const stream of [...this.streams]) stream.close();
  }

  private async tick(): Promise<boolean> {
    const watched = [...this.streams];
    try {
      const ids = [...new Set(watched.map((s) => s.jobId))];
      const jobs = new Map<string, StoredExtractionJob>((await this.repository.getMany(ids)).map((j) => [j.id, j]));
      for (const stream of watched) {
        const job = jobs.get(stream.jobId);
        if (job === undefined) stream.fail(new NotFoundError('job', stream.jobId));
        else stream.offer(job);
      }
    } catch (error) {
      this.logger.warn({ err: describeError(error), watched: watched.length }, 'progress poll failed; retrying');
    }
    return false;
  }
}

import { isFinalJobStatus } from '@phx/core';
import type { StoredExtractionJob } from '../repository/job-document.js';

type Waiter = {
  readonly resolve: (result: IteratorResult<StoredExtractionJob, undefined>) => void;
  readonly reject: (error: unknown) => void;
};

/**
 * The snapshots of one watched job, buffered until the consumer reads them:
 * each distinct `version` once, in order, ending after a final status, an
 * error, or `close()`. One consumer.
 */
export class JobSnapshotStream implements AsyncIterator<StoredExtractionJob, undefined> {
  /** The watched job id. */
  readonly jobId: string;
  private readonly buffer: StoredExtractionJob[] = [];
  private lastVersion: number | null = null;
  private ended = false;
  private failure: { readonly error: unknown } | null = null;
  private waiter: Waiter | null = null;
  private readonly onEnd: (stream: JobSnapshotStream) => void;

  /**
   * @param jobId - the watched job
   * @param onEnd - called once when the stream ends for any reason (to unsubscribe it)
   */
  constructor(jobId: string, onEnd: (stream: JobSnapshotStream) => void) {
    this.jobId = jobId;
    this.onEnd = onEnd;
  }

  /** `true` once the stream takes no more snapshots. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Offers the job as read now; kept only when its version differs from the last one kept.
   *
   * @param job - the job's current document
   */
  offer(job: StoredExtractionJob): void {
    if (this.ended || job.version === this.lastVersion) return;
    this.lastVersion = job.version;
    this.deliver(job);
    if (isFinalJobStatus(job.status)) this.close();
  }

  /**
   * Ends the stream with an error, thrown by the next `next()` after the buffered snapshots.
   *
   * @param error - the error
   */
  fail(error: unknown): void {
    if (this.ended) return;
    this.failure = { error };
    this.close();
  }

  /** Ends the stream; the consumer reads what is buffered, then `done`. Idempotent. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    this.flush();
  }

  /** @returns the next snapshot, or `done` after the end */
  next(): Promise<IteratorResult<StoredExtractionJob, undefined>> {
    const job = this.buffer.shift();
    if (job !== undefined) return Promise.resolve({ done: false, value: job });
    if (this.ended) return this.endResult();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stops watching (the consumer left the loop). @returns `done` */
  return(): Promise<IteratorResult<StoredExtractionJob, undefined>> {
    this.buffer.length = 0;
    this.failure = null;
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  private deliver(job: StoredExtractionJob): void {
    const waiter = this.waiter;
    if (waiter === null) {
      this.buffer.push(job);
      return;
    }
    this.waiter = null;
    waiter.resolve({ done: false, value: job });
  }

  private flush(): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    this.endResult().then(waiter.resolve, waiter.reject);
  }

  private endResult(): Promise<IteratorResult<StoredExtractionJob, undefined>> {
    const failure = this.failure;
    if (failure !== null) {
      this.failure = null;
      return Promise.reject(failure.error);
    }
    return Promise.resolve({ done: true, value: undefined });
  }
}

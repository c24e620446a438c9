import { isFinalJobStatus } from '@phx/core';
import type { JobEvent, JobEventKind } from './job-event.js';

type Waiter = {
  readonly resolve: (result: IteratorResult<JobEvent, undefined>) => void;
  readonly reject: (error: Error) => void;
};

/** What one {@link JobEventStream} follows. */
export interface JobEventStreamScope {
  /** Per job, the last place already seen (0: from the first event). */
  readonly positions: ReadonlyMap<string, number>;
  /** Jobs already past their final status event (nothing more will come for them). */
  readonly finished: ReadonlySet<string>;
  /** Only these kinds are delivered (`null`: every kind). Final status events end the stream whatever the filter. */
  readonly kinds: ReadonlySet<JobEventKind> | null;
  /** How long a hole in a job's places is waited for before it is skipped, in ms. */
  readonly gapTimeoutMs: number;
}

/**
 * The events of some jobs for one subscriber, from the positions it gave
 * on: each place once and in order per job, buffered until read, ending once
 * every job reached a final status (after that event), on `close()`, or when
 * the consumer returns, or with an error on `fail()`. One consumer.
 */
export class JobEventStream implements AsyncIterableIterator<JobEvent, undefined> {
  private readonly positions: Map<string, number>;
  private readonly kinds: ReadonlySet<JobEventKind> | null;
  private readonly gapTimeoutMs: number;
  private readonly finished: Set<string>;
  private readonly gapSince = new Map<string, number>();
  private readonly buffer: JobEvent[] = [];
  private waiter: Waiter | null = null;
  private ended = false;
  private error: Error | null = null;
  private readonly onEnd: (stream: JobEventStream) => void;

  /**
   * @param scope - jobs and positions, kinds, gap timeout
   * @param onEnd - called once when the stream ends (to unsubscribe it)
   */
  constructor(scope: JobEventStreamScope, onEnd: (stream: JobEventStream) => void) {
    this.positions = new Map(scope.positions);
    this.finished = new Set(scope.finished);
    this.kinds = scope.kinds;
    this.gapTimeoutMs = scope.gapTimeoutMs;
    this.onEnd = onEnd;
    if (this.finished.size === this.positions.size) this.close();
  }

  /** The jobs still followed, with the last place delivered of each. */
  get pending(): ReadonlyMap<string, number> {
    return new Map([...this.positions].filter(([jobId]) => !this.finished.has(jobId)));
  }

  /** `true` once the stream takes no more events. */
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Offers the events read for one job (ordered by place); takes those right
   * after its position, stopping at a hole until it is filled or too old.
   *
   * @param jobId - the job
   * @param events - its events after some place, in order
   * @param nowMs - the time of the read, for the hole timeout
   */
  offer(jobId: string, events: readonly JobEvent[], nowMs: number): void {
    if (this.ended || this.finished.has(jobId)) return;
    let position = this.positions.get(jobId);
    if (position === undefined) return;
    for (const event of events) {
      if (event.seq <= position) continue;
      if (event.seq > position + 1 && !this.gapExpired(jobId, nowMs)) break;
      this.gapSince.delete(jobId);
      position = event.seq;
      this.positions.set(jobId, position);
      if (this.kinds === null || this.kinds.has(event.kind)) this.deliver(event);
      if (event.kind === 'status' && isFinalJobStatus(event.status)) {
        this.finished.add(jobId);
        break;
      }
    }
    if (this.finished.size === this.positions.size) this.close();
  }

  /** Ends the stream; the consumer reads what is buffered, then `done`. Idempotent. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    const waiter = this.waiter;
    if (waiter !== null && this.buffer.length === 0) {
      this.waiter = null;
      waiter.resolve({ done: true, value: undefined });
    }
  }

  /**
   * Ends the stream with an error: the consumer reads what is buffered, then
   * `next()` rejects with `error`. A no-op once the stream ended.
   *
   * @param error - why (the feed's last read error)
   */
  fail(error: Error): void {
    if (this.ended) return;
    this.error = error;
    const waiter = this.waiter;
    this.waiter = null;
    this.close();
    waiter?.reject(error);
  }

  /**
   * @returns the next event, or `done` after the end
   * @throws the error given to `fail()`, once the buffered events are read
   */
  next(): Promise<IteratorResult<JobEvent, undefined>> {
    const event = this.buffer.shift();
    if (event !== undefined) return Promise.resolve({ done: false, value: event });
    if (this.error !== null) return Promise.reject(this.error);
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  /** Stops following (the consumer left). @returns `done` */
  return(): Promise<IteratorResult<JobEvent, undefined>> {
    this.buffer.length = 0;
    this.close();
    return Promise.resolve({ done: true, value: undefined });
  }

  /** @returns this stream */
  [Symbol.asyncIterator](): JobEventStream {
    return this;
  }

  private gapExpired(jobId: string, nowMs: number): boolean {
    const since = this.gapSince.get(jobId);
    if (since === undefined) {
      this.gapSince.set(jobId, nowMs);
      return this.gapTimeoutMs === 0;
    }
    return nowMs - since >= this.gapTimeoutMs;
  }

  private deliver(event: JobEvent): void {
    const waiter = this.waiter;
    if (waiter === null) {
      this.buffer.push(event);
      return;
    }
    this.waiter = null;
    waiter.resolve({ done: false, value: event });
  }
}

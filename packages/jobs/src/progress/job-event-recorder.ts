import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { JobEventBody, JobEventEntry } from './job-event.js';
import type { JobEventLog } from './job-event-log.js';

/** Wait before a failed write is tried again, in ms. */
const RETRY_DELAY_MS = 250;
/** Attempts of `flush` before it gives up. */
const FLUSH_ATTEMPTS = 40;

/** Options of {@link JobEventRecorder}; `M` is what the recorder keeps with an event for `afterBatch` (e.g. the run's progress then). */
export interface JobEventRecorderOptions<M = never> {
  /** The log written to. */
  readonly log: JobEventLog;
  /** The job whose events this run records. */
  readonly jobId: string;
  /**
   * Tells whether the recording run still holds the job; asked before each
   * batch. Once it answers `false` the buffered and later events are dropped
   * (a superseded run writes nothing more). Default: always holds.
   */
  readonly holdsJob?: () => Promise<boolean>;
  /** Called when a batch could not be written (kept and tried again with the next one). */
  readonly onError: (error: unknown) => void;
  /** Called after each batch written in full; default nothing. Ends a streak of `onError`s. */
  readonly onWritten?: () => void;
  /**
   * The second half of a batch's step: called once the batch is in the log
   * and awaited before the next batch goes, with the mark of the batch's last
   * marked event (batches without marks skip it). A run moves its job
   * document's counters here, so the document never shows what the log does
   * not hold yet. Must not throw.
   */
  readonly afterBatch?: (mark: M) => Promise<void>;
}

/** A buffered event and its mark. */
interface PendingEvent<M> {
  readonly entry: JobEventEntry;
  readonly mark: { readonly value: M } | null;
}

/**
 * Records the events of one run of one job: buffers them and appends them
 * to the log in order, one batch in flight at a time, as soon as the
 * previous batch is written. Only one run of a job writes at a time (run
 * claims), so the run counts its places itself after reading the last one
 * once; a place found taken (a stale run of another worker still writing)
 * is skipped by re-reading the last one. With `holdsJob`, a run that no
 * longer holds the job writes nothing more. With `afterBatch`, each batch's
 * step ends with the caller's write that follows the log (the run's job
 * document), so that write never shows what the log lacks. Never throws into the run.
 */
export class JobEventRecorder<M = never> {
  private readonly o: JobEventRecorderOptions<M>;
  private readonly pending: PendingEvent<M>[] = [];
  private lastSeq: number | null = null;
  private inFlight: Promise<void> | null = null;
  private inFlightCount = 0;
  private closed = false;

  /**
   * @param options - log, job, error callback
   */
  constructor(options: JobEventRecorderOptions<M>) {
    this.o = options;
  }

  /**
   * Queues an event; it is written after those before it.
   *
   * @param body - the event
   * @param mark - handed to `afterBatch` once the event is in the log (when it is the batch's last marked one)
   */
  record(body: JobEventBody, ...mark: [] | [M]): void {
    if (this.closed) return;
    this.pending.push({ entry: { body, writeId: randomUUID(), at: new Date() }, mark: mark.length === 0 ? null : { value: mark[0] } });
    this.pump();
  }

  /**
   * Waits until every event recorded so far is written, trying failed writes
   * again (every 250 ms, up to 40 times).
   *
   * @returns `true` when everything is written, `false` when writes kept failing (the events stay buffered)
   */
  async flush(): Promise<boolean> {
    for (let attempt = 0; attempt < FLUSH_ATTEMPTS; attempt += 1) {
      while (this.inFlight !== null) await this.inFlight;
      if (this.pending.length === 0) return true;
      if (attempt > 0) await delay(RETRY_DELAY_MS);
      this.pump();
    }
    while (this.inFlight !== null) await this.inFlight;
    return this.pending.length === 0;
  }

  /** Events recorded and not written yet (buffered or in the batch being written). */
  get unwritten(): number {
    return this.pending.length + this.inFlightCount;
  }

  /**
   * Waits while more than `limit` events are unwritten, so a producer faster
   * than the log (a dry run on a slow database) does not buffer without
   * bound. Returns at once when the recorder is closed or a write keeps
   * failing (then the caller's own checks stop the run).
   *
   * @param limit - most unwritten events to go on with
   */
  async waitBelow(limit: number): Promise<void> {
    while (!this.closed && this.unwritten > limit && this.inFlight !== null) await this.inFlight;
  }

  /**
   * Writes what is buffered (as `flush`), then takes no more events.
   *
   * @returns `true` when everything was written
   */
  async close(): Promise<boolean> {
    const written = await this.flush();
    this.closed = true;
    return written;
  }

  private pump(): void {
    if (this.inFlight !== null || this.pending.length === 0) return;
    this.inFlight = this.writeBatch().then((ok) => {
      this.inFlight = null;
      this.inFlightCount = 0;
      if (ok) this.pump();
      else if (!this.closed) setTimeout(() => this.pump(), RETRY_DELAY_MS).unref();
    });
  }

  /** Writes everything buffered, then runs `afterBatch`; `false` when a write failed (the rest is buffered again, places kept). */
  private async writeBatch(): Promise<boolean> {
    const batch = this.pending.splice(0, this.pending.length);
    this.inFlightCount = batch.length;
    let rest = batch;
    try {
      if (this.o.holdsJob !== undefined && !(await this.o.holdsJob())) {
        this.closed = true;
        return true;
      }
      while (rest.length > 0) {
        const after = (this.lastSeq ??= await this.o.log.lastSeq(this.o.jobId));
        const result = await this.o.log.insertAt(
          this.o.jobId,
          after,
          rest.map((p) => p.entry),
        );
        this.lastSeq = result.written ? after + result.count : null;
        rest = rest.slice(result.count);
      }
    } catch (error) {
      // Places are kept: a retried insert that had gone in is recognised by its write id.
      this.pending.unshift(...rest);
      this.o.onError(error);
      // The part that went in still moves the document.
      await this.afterBatch(batch.slice(0, batch.length - rest.length));
      return false;
    }
    this.o.onWritten?.();
    await this.afterBatch(batch);
    return true;
  }

  private async afterBatch(written: readonly PendingEvent<M>[]): Promise<void> {
    const mark = written.findLast((p) => p.mark !== null)?.mark;
    if (mark != null && this.o.afterBatch !== undefined) await this.o.afterBatch(mark.value);
  }
}

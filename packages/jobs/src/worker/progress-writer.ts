/** Options of {@link ProgressWriter}. */
export interface ProgressWriterOptions {
  /** Writes the latest state once; resolves `false` when the write was refused (the run lost the job). */
  readonly write: () => Promise<boolean>;
  /** Least time between two writes started by `request()`, in ms. */
  readonly minIntervalMs: number;
  /** Called once per refused write. */
  readonly onRefused: () => void;
  /** Called when a write throws; the state stays dirty and is written again later. */
  readonly onError: (error: unknown) => void;
  /** Called after each write that went through (written or refused); default nothing. Ends a streak of `onError`s. */
  readonly onWritten?: () => void;
  /**
   * Tells a failure that no retry can mend; default `isDocumentTooLargeError`
   * (a document MongoDB refuses for its size fails the same way every time).
   */
  readonly isPermanent?: (error: unknown) => boolean;
  /**
   * Called once when a write fails permanently (see `isPermanent`): the writer
   * then writes no more (its state is kept in {@link ProgressWriter.permanentError}),
   * so the caller fails the run instead of looping. Default: nothing.
   */
  readonly onPermanentError?: (error: unknown) => void;
}

import { isDocumentTooLargeError } from '../repository/document-bounds.js';

/**
 * Persists a changing state with one write in flight at a time and at most
 * one write per `minIntervalMs` for ordinary changes (`request()`), while
 * `flush()` writes at once. Each write sends the state as it is when the write
 * starts, so coalesced changes are never lost. One writer per document keeps
 * its `version` exact even where updates are not atomic. A failed write is
 * tried again, unless it failed permanently (a document over MongoDB's size
 * limit): then the writer stops and says so once (`onPermanentError`).
 */
export class ProgressWriter {
  private readonly options: ProgressWriterOptions;
  private dirty = false;
  private closed = false;
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastStartMs = Number.NEGATIVE_INFINITY;
  #permanentError: unknown = null;

  /**
   * @param options - the write function, the interval and the callbacks
   */
  constructor(options: ProgressWriterOptions) {
    this.options = options;
  }

  /** The error of a write that failed permanently (the writer stopped then), else `null`. */
  get permanentError(): unknown {
    return this.#permanentError;
  }

  /** Notes a change; it is written within `minIntervalMs` (or after the write in flight). */
  request(): void {
    if (this.closed) return;
    this.dirty = true;
    this.schedule();
  }

  /** Writes pending changes now (after the write in flight) and waits until written. */
  async flush(): Promise<void> {
    await this.settle();
    if (this.dirty && !this.closed) this.start();
    await this.settle();
  }

  /** Stops writing: cancels the timer and waits for the write in flight. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.settle();
  }

  private async settle(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
  }

  private schedule(): void {
    if (this.closed || !this.dirty || this.inFlight !== null || this.timer !== null) return;
    const waitMs = Math.max(0, this.lastStartMs + this.options.minIntervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.dirty && !this.closed && this.inFlight === null) this.start();
    }, waitMs);
  }

  private start(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.dirty = false;
    this.lastStartMs = Date.now();
    this.inFlight = this.options
      .write()
      .then(
        (written) => {
          this.options.onWritten?.();
          if (!written) this.options.onRefused();
        },
        (error: unknown) => {
          if ((this.options.isPermanent ?? isDocumentTooLargeError)(error)) {
            this.closed = true;
            this.#permanentError = error;
            this.options.onPermanentError?.(error);
            return;
          }
          this.dirty = true;
          this.options.onError(error);
        },
      )
      .finally(() => {
        this.inFlight = null;
        this.schedule();
      });
  }
}

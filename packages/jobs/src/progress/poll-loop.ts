/** Options of {@link PollLoop}. */
export interface PollLoopOptions {
  /** Time between the end of one tick and the start of the next, in ms. */
  readonly intervalMs: number;
  /** `false` when nobody needs the loop; it then stops until the next `wake()`. */
  readonly hasWork: () => boolean;
  /** One round of work; resolves `true` to run again at once (more to read). Must not reject. */
  readonly tick: () => Promise<boolean>;
}

/**
 * A poll loop that runs only while there is work: one tick at a time, the
 * next one `intervalMs` after the previous ended, started at once by
 * `wake()` (a new watcher wants its first read now).
 */
export class PollLoop {
  private readonly o: PollLoopOptions;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private closed = false;

  /**
   * @param options - interval, work test and tick
   */
  constructor(options: PollLoopOptions) {
    this.o = options;
  }

  /** Runs a tick as soon as none is running (now, unless one is under way). */
  wake(): void {
    this.schedule(0);
  }

  /** Stops the loop for good. Idempotent. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.running || !this.o.hasWork()) return;
    if (this.timer !== null) {
      if (delayMs > 0) return;
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  private async run(): Promise<void> {
    this.timer = null;
    this.running = true;
    let again = false;
    try {
      again = await this.o.tick();
    } finally {
      this.running = false;
      this.schedule(again ? 0 : this.o.intervalMs);
    }
  }
}

/** Samples the process's resident set size while a phase runs. */
export class RssSampler {
  private peakBytes = 0;
  private readonly timer: NodeJS.Timeout;

  /** @param intervalMs - sampling period in ms */
  constructor(intervalMs = 20) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** @returns the highest RSS seen, in bytes, and stops sampling */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peakBytes;
  }

  private sample(): void {
    this.peakBytes = Math.max(this.peakBytes, process.memoryUsage.rss());
  }
}

import type { Clock } from '@phx/core';
import type { RunProgressKind, RunTimeoutReason } from './run-stopped-error.js';

/** Longest delay one `setTimeout` takes (2^31 - 1 ms, ~24.8 days); a longer one fires at once, so longer waits are chained. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** What {@link RunTimeouts} watches. */
export interface RunTimeoutsOptions {
  /** The worker's `JOB_TIMEOUT`: longest the run may go without a finished property, in ms (at least 1). */
  readonly progressTimeoutMs: number;
  /** The job's own wall-time limit (its `timeoutMs`), in ms, or `null` for none. */
  readonly jobLimitMs: number | null;
  /** When the job first started (its `startedAt`): the job's limit counts from it, also in a resumed run. */
  readonly startedAt: Date;
  /** Reads now for the job's limit (the same clock that wrote `startedAt`). */
  readonly clock: Clock;
  /** Called at most once, when a rule stops the run; the caller stops it. */
  readonly onTimeout: (reason: RunTimeoutReason) => void;
}

/**
 * The two `JOB_TIMEOUT` rules of one run, on timers: no finished property
 * for `progressTimeoutMs` (measured on the monotonic clock from the run's
 * start or the last {@link RunTimeouts.progressed}), and the job's own
 * wall-time limit from its first start. A run that keeps finishing
 * properties is never stopped by the first rule, whatever the job's size.
 * Not reusable: {@link RunTimeouts.start} once, the returned function once.
 */
export class RunTimeouts {
  private readonly o: RunTimeoutsOptions;
  private lastProgressAt = 0;
  /** What the last progress was; `run-start` until there is some. */
  private lastProgress: RunProgressKind | 'run-start' = 'run-start';
  private fired = false;
  private progressTimer: NodeJS.Timeout | null = null;
  private limitTimer: NodeJS.Timeout | null = null;

  /**
   * @param options - the limits, the job's first start, the clock and what to call on a timeout
   */
  constructor(options: RunTimeoutsOptions) {
    this.o = options;
  }

  /**
   * Arms both rules (the job's limit at once when it has already passed, e.g. for a job resumed after it).
   *
   * @returns a function that disarms them (idempotent)
   */
  start(): () => void {
    this.lastProgressAt = performance.now();
    this.progressTimer = setTimeout(() => this.noProgress(), this.o.progressTimeoutMs);
    if (this.o.jobLimitMs !== null) this.armLimit(this.o.startedAt.getTime() + this.o.jobLimitMs);
    return () => {
      if (this.progressTimer !== null) clearTimeout(this.progressTimer);
      if (this.limitTimer !== null) clearTimeout(this.limitTimer);
      this.progressTimer = null;
      this.limitTimer = null;
    };
  }

  /**
   * Records progress: the no-progress wait starts again.
   *
   * @param kind - a finished property (`property`, default) or a chunk of the property list written (`listing`)
   */
  progressed(kind: RunProgressKind = 'property'): void {
    this.lastProgressAt = performance.now();
    this.lastProgress = kind;
    this.progressTimer?.refresh();
  }

  private noProgress(): void {
    const idleMs = performance.now() - this.lastProgressAt;
    // A timer may fire a little early; wait out the rest rather than stop a run that is not stuck yet.
    if (idleMs < this.o.progressTimeoutMs) {
      this.progressTimer = setTimeout(() => this.noProgress(), this.o.progressTimeoutMs - idleMs);
      return;
    }
    this.fire({
      kind: 'timeout',
      rule: 'no-progress',
      timeoutMs: this.o.progressTimeoutMs,
      idleMs: Math.round(idleMs),
      since: this.lastProgress,
    });
  }

  private armLimit(deadlineMs: number): void {
    const remainingMs = deadlineMs - this.o.clock.now().getTime();
    if (remainingMs <= 0) {
      this.limitTimer = null;
      this.fire({ kind: 'timeout', rule: 'job-limit', limitMs: this.o.jobLimitMs ?? 0, startedAt: this.o.startedAt });
      return;
    }
    this.limitTimer = setTimeout(() => this.armLimit(deadlineMs), Math.min(remainingMs, MAX_TIMER_DELAY_MS));
  }

  private fire(reason: RunTimeoutReason): void {
    if (this.fired) return;
    this.fired = true;
    this.o.onTimeout(reason);
  }
}

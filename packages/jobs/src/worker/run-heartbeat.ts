import type { Logger } from '@phx/core';
import { RepeatedFailureLog } from '../health/repeated-failure-log.js';

/** Options of {@link RunHeartbeat}. */
export interface RunHeartbeatOptions {
  /** Renews the queue's lock of the job (Agenda `touch`); called at once and then every `intervalMs`. */
  readonly touchQueueLock: () => Promise<void>;
  /** Pause between two beats, in ms, at least 1. */
  readonly intervalMs: number;
  /** Where failed beats are logged (they are retried at the next beat). */
  readonly logger: Logger;
}

/**
 * Keeps a job's locks alive from the moment the queue hands the job over
 * until its run returns: the queue lock at once and every `intervalMs`, and
 * the run lease too once it is claimed (`holdLease`). Starting at the claim
 * (not once the browser is up, which takes seconds) means a short lock
 * lifetime cannot run out before the first renewal, so the queue never
 * cancels its own copy of a job that still runs.
 *
 * The two renewals are independent: the queue lock is renewed in memory at
 * once even while MongoDB does not answer, so the queue does not cancel a
 * run whose lease write waits through an outage.
 */
export class RunHeartbeat {
  private readonly o: RunHeartbeatOptions;
  private readonly timer: NodeJS.Timeout;
  private lease: (() => Promise<void>) | null = null;
  /** One warning per outage, not one per beat. */
  private readonly failures: RepeatedFailureLog;

  /**
   * Starts beating: renews the queue lock at once.
   *
   * @param options - the queue lock renewal, the interval and the logger
   */
  constructor(options: RunHeartbeatOptions) {
    this.o = options;
    this.failures = new RepeatedFailureLog({ logger: options.logger, what: 'heartbeat' });
    this.timer = setInterval(() => void this.beat(), Math.max(1, options.intervalMs));
    void this.beat();
  }

  /**
   * Renews the run lease too from now on, at once and at every beat.
   *
   * @param heartbeatLease - writes the lease's heartbeat (`JobRunLeases.heartbeat` of the claimed run)
   */
  holdLease(heartbeatLease: () => Promise<void>): void {
    this.lease = heartbeatLease;
    void this.beat();
  }

  /** Stops beating. Idempotent. */
  stop(): void {
    clearInterval(this.timer);
  }

  private async beat(): Promise<void> {
    const results = await Promise.allSettled([this.o.touchQueueLock(), ...(this.lease === null ? [] : [this.lease()])]);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed === undefined) this.failures.succeeded();
    else this.failures.failed(failed.reason);
  }
}

import type { Logger } from '@phx/core';
import { describeError } from '../errors/describe-error.js';

/** Options of {@link RepeatedFailureLog}. */
export interface RepeatedFailureLogOptions {
  /** Where the lines go. */
  readonly logger: Logger;
  /** What is retried, as the log names it, e.g. `cancel poll`, `progress write`. */
  readonly what: string;
  /** Longest silence while the failures go on, in ms: a reminder with the count is logged after it. Default 60 000. */
  readonly repeatEveryMs?: number;
  /** Clock in ms; default `Date.now`. */
  readonly nowMs?: () => number;
}

/**
 * Logs a retried operation's failures once per streak instead of once per
 * attempt: a warning when the first attempt of a streak fails
 * (`<what> failed; retrying`), a reminder with the count of failures and how
 * long they have lasted at most once per `repeatEveryMs`
 * (`<what> still failing; retrying`), and one info line when an attempt
 * succeeds again (`<what> recovered`). A failure after `repeatEveryMs`
 * without any starts a new streak (for sources that never report success,
 * such as an error event). A database outage of a minute so writes a few
 * lines per kind of write, not one per retry.
 *
 * @example
 * ```ts
 * import type { Logger } from '@phx/core';
 * declare const logger: Logger;
 * declare function poll(): Promise<void>;
 * const failures = new RepeatedFailureLog({ logger, what: 'cancel poll' });
 * await poll().then(() => failures.succeeded(), (error: unknown) => failures.failed(error));
 * ```
 */
export class RepeatedFailureLog {
  readonly #o: RepeatedFailureLogOptions;
  #failures = 0;
  #firstFailedAtMs = 0;
  #lastLoggedAtMs = 0;
  #lastFailedAtMs = 0;

  /** @param options - logger, name of the operation, reminder interval, clock */
  constructor(options: RepeatedFailureLogOptions) {
    this.#o = options;
  }

  /**
   * Records a failed attempt; logs it when it starts a streak or the last line is `repeatEveryMs` old.
   *
   * @param error - why it failed (its message is logged, never a stack)
   */
  failed(error: unknown): void {
    const now = this.#now();
    // A source that never reports success (an error event stream): a failure after a quiet interval starts a new streak.
    if (this.#failures > 0 && now - this.#lastFailedAtMs > this.#repeatEveryMs()) this.#failures = 0;
    this.#lastFailedAtMs = now;
    this.#failures += 1;
    if (this.#failures === 1) {
      this.#firstFailedAtMs = now;
      this.#lastLoggedAtMs = now;
      this.#o.logger.warn({ err: describeError(error) }, `${this.#o.what} failed; retrying`);
      return;
    }
    if (now - this.#lastLoggedAtMs < this.#repeatEveryMs()) return;
    this.#lastLoggedAtMs = now;
    const failingForMs = now - this.#firstFailedAtMs;
    this.#o.logger.warn({ err: describeError(error), failures: this.#failures, failingForMs }, `${this.#o.what} still failing; retrying`);
  }

  /** Records a successful attempt; ends a streak of failures with one line. */
  succeeded(): void {
    if (this.#failures === 0) return;
    const failingForMs = this.#now() - this.#firstFailedAtMs;
    this.#o.logger.info({ failures: this.#failures, failingForMs }, `${this.#o.what} recovered`);
    this.#failures = 0;
  }

  #repeatEveryMs(): number {
    return this.#o.repeatEveryMs ?? 60_000;
  }

  #now(): number {
    return (this.#o.nowMs ?? Date.now)();
  }
}

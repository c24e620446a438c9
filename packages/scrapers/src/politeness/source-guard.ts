import { CoreError, InvalidInputError, SOURCES, noopLogger, retryAfterMsOf, throwIfCancelled, toInputIssues } from '@phx/core';
import type { Logger, Source } from '@phx/core';
import { BrokenCircuitError, CircuitState as BreakerState, ConsecutiveBreaker, circuitBreaker, handleWhen, retry } from 'cockatiel';
import type { CircuitBreakerPolicy, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import pLimit from 'p-limit';
import type { LimitFunction } from 'p-limit';
import { z } from 'zod';
import { BrowserCrashedError, SourceBlockedError } from '../errors/index.js';
import { abortable, checkSignal, eitherSignal, sleep } from './abortable.js';
import { backoffBoundsIssues } from './politeness-options.js';
import { createRetryAfterBackoff } from './retry-after-backoff.js';

/** Options of {@link SourceGuard}. */
export interface SourceGuardOptions {
  /** The site guarded, or `null` for hosts of no known site. */
  readonly source: Source | null;
  /** Calls running at once (≥ 1); more wait in line. */
  readonly concurrency: number;
  /** Retries after a transient failure (≥ 0). */
  readonly maxRetries: number;
  /** First retry delay, in ms. */
  readonly initialBackoffMs: number;
  /** Longest retry delay, in ms; a longer `Retry-After` is not waited for. */
  readonly maxBackoffMs: number;
  /** Jitter added to `Retry-After` delays, in ms. */
  readonly jitterMs: number;
  /** Bot walls in a row that open the circuit, or `null` for no circuit breaker. */
  readonly blocksToOpenCircuit: number | null;
  /** How long the open circuit refuses calls before one trial, in ms. */
  readonly circuitOpenMs: number;
  /** Logger; default drops everything. */
  readonly logger?: Logger;
}

const optionsSchema = z.object({
  source: z.enum(SOURCES).nullable(),
  concurrency: z.number().int().min(1),
  maxRetries: z.number().int().min(0),
  initialBackoffMs: z.number().int().min(0),
  maxBackoffMs: z.number().int().min(0),
  jitterMs: z.number().int().min(0),
  blocksToOpenCircuit: z.number().int().min(1).nullable(),
  circuitOpenMs: z.number().int().min(0),
  logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).optional(),
});

/** State of a source's circuit. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Runs the calls to one site politely: at most `concurrency` at once,
 * retried with exponential backoff and jitter on transient failures
 * (honouring `Retry-After`), and behind a circuit breaker that opens after
 * `blocksToOpenCircuit` bot walls in a row and then refuses calls with
 * {@link SourceBlockedError} until `circuitOpenMs` has passed. Built on
 * cockatiel (retry, circuit breaker) and p-limit (concurrency).
 *
 * Concurrency: `run` may be called by many callers at once.
 *
 * @example
 * ```ts
 * declare const url: string, signal: AbortSignal;
 * declare function loadPage(url: string, signal: AbortSignal | undefined): Promise<string>;
 * const guard = new SourceGuard({ source: 'zillow', concurrency: 2, maxRetries: 3, initialBackoffMs: 1000,
 *   maxBackoffMs: 120_000, jitterMs: 1000, blocksToOpenCircuit: 3, circuitOpenMs: 900_000 });
 * const html = await guard.run(url, signal, (_attempt, attemptSignal) => loadPage(url, attemptSignal));
 * ```
 */
export class SourceGuard {
  /** The site guarded, or `null`. */
  readonly source: Source | null;
  private readonly limit: LimitFunction;
  private readonly retryable: (error: Error) => boolean;
  private readonly maxRetries: number;
  private readonly backoff: IBackoffFactory<IRetryBackoffContext<unknown>>;
  private readonly breaker: CircuitBreakerPolicy | null;
  private readonly circuitOpenMs: number;
  private readonly logger: Logger;
  private openedAt: number | null = null;

  /**
   * @param options - see {@link SourceGuardOptions}
   * @throws `InvalidInputError` (core) listing every bad option, including `initialBackoffMs` above `maxBackoffMs`
   */
  constructor(options: SourceGuardOptions) {
    const parsed = optionsSchema.safeParse(options);
    const issues = [
      ...(parsed.success ? [] : toInputIssues(parsed.error)),
      ...backoffBoundsIssues(options.initialBackoffMs, options.maxBackoffMs),
    ];
    if (issues.length > 0) throw new InvalidInputError('SourceGuard options', issues);
    this.source = options.source;
    this.limit = pLimit(options.concurrency);
    this.circuitOpenMs = options.circuitOpenMs;
    this.logger = (options.logger ?? noopLogger).child({ component: 'source-guard', source: options.source ?? 'other' });
    const maxBackoffMs = options.maxBackoffMs;
    this.retryable = (error: Error): boolean =>
      error instanceof CoreError &&
      error.kind === 'transient' &&
      !(error instanceof BrowserCrashedError) &&
      (retryAfterMsOf(error) ?? 0) <= maxBackoffMs;
    this.maxRetries = options.maxRetries;
    this.backoff = createRetryAfterBackoff(options);
    this.breaker =
      options.blocksToOpenCircuit === null
        ? null
        : circuitBreaker(
            handleWhen((e) => e instanceof CoreError && e.kind === 'blocked' && !(e instanceof SourceBlockedError)),
            {
              halfOpenAfter: options.circuitOpenMs,
              breaker: new ConsecutiveBreaker(options.blocksToOpenCircuit),
            },
          );
    this.breaker?.onBreak(() => {
      this.openedAt = Date.now();
      this.logger.warn({ openMs: this.circuitOpenMs }, 'circuit opened after repeated bot walls');
    });
    this.breaker?.onReset(() => {
      this.openedAt = null;
      this.logger.info({}, 'circuit closed again');
    });
  }

  /** The circuit's state: `closed` (calls go out), `open` (refused) or `half-open` (one trial running). */
  get circuitState(): CircuitState {
    const state = this.breaker?.state;
    if (state === undefined) return 'closed';
    return state === BreakerState.Closed ? 'closed' : state === BreakerState.HalfOpen ? 'half-open' : 'open';
  }

  /**
   * Runs `work` under the guard: waits for a concurrency slot, retries
   * transient failures, counts bot walls towards the circuit.
   *
   * @param url - what `work` requests (for errors and logs)
   * @param given - aborts waiting, backoff and the work (which receives a signal that follows it); may be shared by any number of callers
   * @param work - one attempt; receives the attempt number (0 first) and the signal
   * @returns what `work` returns
   * @throws {@link SourceBlockedError} when the circuit is open (nothing was requested)
   * @throws `CancelledError` (core) promptly when `signal` aborts
   * @throws whatever the last attempt threw (permanent, blocked, or transient after the last retry)
   * @throws `InvalidInputError` (core) naming `signal` when `signal` is not an `AbortSignal`
   */
  run<T>(url: string, given: AbortSignal | undefined, work: (attempt: number, signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    checkSignal(given, 'SourceGuard.run arguments');
    throwIfCancelled(given);
    // The call's own signal: its waits (slot, backoff, cockatiel) listen to it, not to a signal shared by many callers.
    const joined = given === undefined ? undefined : eitherSignal(given, undefined);
    const signal: AbortSignal | undefined = joined;
    const attempts = (): Promise<T> => this.retrying(url, signal, work);
    const guarded = this.breaker === null ? attempts() : this.breaker.execute(attempts, signal);
    return abortable(
      guarded.catch((error: unknown) => {
        if (error instanceof BrokenCircuitError) {
          const reopensAt = this.openedAt === null ? null : new Date(this.openedAt + this.circuitOpenMs);
          throw new SourceBlockedError(url, this.source, reopensAt, { cause: error });
        }
        throw error;
      }),
      signal,
    ).finally(() => joined?.clear());
  }

  /**
   * The attempts of one call under cockatiel's retry policy. The backoff
   * delay is waited here, with the call's signal, rather than by cockatiel
   * (whose delay cannot be aborted): a cancelled or closed call stops
   * waiting at once and leaves no timer behind. The wait stays referenced,
   * so that a script does not exit silently while a retry is pending.
   */
  private retrying<T>(
    url: string,
    signal: AbortSignal | undefined,
    work: (attempt: number, signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    let waitMs = 0;
    const policy = retry(handleWhen(this.retryable), {
      maxAttempts: this.maxRetries,
      backoff: heldBackoff(this.backoff, (ms) => (waitMs = ms)),
    });
    policy.onRetry((event) => {
      const error = 'error' in event ? event.error : undefined;
      this.logger.info(
        { attempt: event.attempt, delayMs: waitMs, url, code: (error as CoreError | undefined)?.code },
        'transient failure; retrying',
      );
    });
    return policy.execute(async ({ attempt }) => {
      if (waitMs > 0) await sleep(waitMs, signal);
      waitMs = 0;
      return this.limit(() => {
        throwIfCancelled(signal);
        return work(attempt, signal);
      });
    }, signal);
  }
}

type RetryBackoff = IBackoffFactory<IRetryBackoffContext<unknown>>;

/** A backoff that hands each delay of `inner` to `hold` and tells cockatiel to wait 0 ms. */
function heldBackoff(inner: RetryBackoff, hold: (delayMs: number) => void): RetryBackoff {
  return {
    next: (context) => {
      const step = inner.next(context);
      hold(step.duration);
      return { duration: 0, next: (c) => heldBackoff(step, hold).next(c) };
    },
  };
}

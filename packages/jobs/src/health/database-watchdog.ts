import { MongoClient } from 'mongodb';
import type { Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import { RepeatedFailureLog } from './repeated-failure-log.js';

/** Options of {@link DatabaseWatchdog}. Resources are borrowed. */
export interface DatabaseWatchdogOptions {
  /** The app's client (every repository, Agenda, the feeds and the metrics use it): probed, and rebuilt when broken. */
  readonly client: MongoClient;
  /** Connection string of the same database, for a probe on a fresh connection. */
  readonly mongoUri: string;
  /** Pause between two probes, in ms. */
  readonly intervalMs: number;
  /** Deadline of one probe (ping), of the rebuild's close and connect each, in ms. */
  readonly timeoutMs: number;
  /** Called when the connection stays broken after a rebuild: the app should exit non-zero for its supervisor. */
  readonly onFatal: (reason: string) => void;
  /** Logger. */
  readonly logger: Logger;
}

/** What the watchdog last found. */
export interface DatabaseWatchdogState {
  /** When the app's own client last answered a ping, or `null` before the first answer. */
  readonly lastOkAt: Date | null;
  /** When a ping of the app's client last failed (database down or client broken), or `null` if none has. */
  readonly lastFailedAt: Date | null;
  /** How many times the client was rebuilt. */
  readonly rebuilds: number;
}

/** The watchdog's timings, as {@link DatabaseWatchdogOptions} has them, in ms. */
export interface DatabaseWatchdogTimings {
  /** Pause between two probes, in ms. */
  readonly intervalMs: number;
  /** Deadline of one probe, in ms. */
  readonly timeoutMs: number;
}

/**
 * Whether the watchdog's last findings say the database answers the app's
 * client: a ping answered, none failed since, and the answer is at most two
 * intervals plus the ping deadline old (so a hung probe counts as a failure).
 * Apps' `/readyz` use it.
 *
 * @param state - the watchdog's {@link DatabaseWatchdog.state}
 * @param timings - its interval and deadline, in ms
 * @param nowMs - the time now, in ms since the epoch
 * @returns `ok`, and the age of the last answer in ms (`null` before the first)
 */
export function databaseAnswers(
  state: DatabaseWatchdogState,
  timings: DatabaseWatchdogTimings,
  nowMs: number,
): { readonly ok: boolean; readonly ageMs: number | null } {
  const { lastOkAt, lastFailedAt } = state;
  const ageMs = lastOkAt === null ? null : nowMs - lastOkAt.getTime();
  const failedSince = lastOkAt !== null && lastFailedAt !== null && lastFailedAt.getTime() >= lastOkAt.getTime();
  return { ok: ageMs !== null && !failedSince && ageMs <= 2 * timings.intervalMs + timings.timeoutMs, ageMs };
}

/** A probe that did not answer within its deadline. */
class ProbeTimeoutError extends Error {
  constructor(what: string, timeoutMs: number) {
    super(`${what} did not answer within ${timeoutMs} ms`);
    this.name = 'ProbeTimeoutError';
  }
}

/**
 * Watches an app's MongoDB connection (the worker's, the GraphQL server's)
 * with a ping under a deadline. When
 * the ping fails while a fresh connection to the same server answers, the
 * app's client is broken (a driver left with a paused pool or a stuck
 * monitor after an outage): the watchdog closes it and connects it again
 * (every `Db` and collection made from it follows). When a fresh connection
 * fails too, the database is down: it waits. When the client is still broken
 * after a rebuild, it calls `onFatal`.
 */
export class DatabaseWatchdog {
  private readonly o: DatabaseWatchdogOptions;
  /** One warning per outage (the server does not answer), not one per probe. */
  private readonly outage: RepeatedFailureLog;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> = Promise.resolve();
  private lastOkAt: Date | null = null;
  private lastFailedAt: Date | null = null;
  private rebuilds = 0;
  private brokenProbes = 0;
  private soon = false;

  /**
   * @param options - client, URI, timings, fatal callback, logger
   */
  constructor(options: DatabaseWatchdogOptions) {
    this.o = options;
    this.outage = new RepeatedFailureLog({ logger: options.logger, what: 'database probe' });
  }

  /** What the watchdog last found. */
  get state(): DatabaseWatchdogState {
    return { lastOkAt: this.lastOkAt, lastFailedAt: this.lastFailedAt, rebuilds: this.rebuilds };
  }

  /** Probes at once, then every `intervalMs`. */
  start(): void {
    if (this.timer !== null) return;
    this.current = this.check();
    this.timer = setInterval(() => {
      this.current = this.current.then(() => this.check());
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /**
   * Probes as soon as the probe in progress (if any) ends, without waiting
   * for the interval: for a caller that just saw the database fail (a
   * readiness check). At most one such probe waits at a time; a no-op when
   * the watchdog is not started.
   */
  checkSoon(): void {
    if (this.timer === null || this.soon) return;
    this.soon = true;
    this.current = this.current.then(async () => {
      this.soon = false;
      await this.check();
    });
  }

  /** Stops probing and waits for a probe in progress. Idempotent. */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.current;
  }

  /** One probe, and a rebuild when the client is broken. Never rejects. */
  async check(): Promise<void> {
    try {
      await this.ping(this.o.client, 'the app’s connection');
      this.lastOkAt = new Date();
      this.brokenProbes = 0;
      this.outage.succeeded();
      return;
    } catch (error) {
      this.lastFailedAt = new Date();
      if (!(await this.serverAnswers())) {
        this.outage.failed(error);
        return;
      }
      this.brokenProbes += 1;
      this.o.logger.error(
        { err: describeError(error), brokenProbes: this.brokenProbes },
        'database answers a fresh connection but not the app’s',
      );
    }
    if (this.brokenProbes > 1) {
      this.o.onFatal('the database connection stayed broken after it was rebuilt');
      return;
    }
    await this.rebuild();
  }

  private async rebuild(): Promise<void> {
    try {
      await withDeadline(this.o.client.close(true), this.o.timeoutMs, 'closing the connection');
      await withDeadline(this.o.client.connect(), this.o.timeoutMs, 'connecting again');
      await this.ping(this.o.client, 'the rebuilt connection');
      this.rebuilds += 1;
      this.lastOkAt = new Date();
      this.brokenProbes = 0;
      this.o.logger.warn({ rebuilds: this.rebuilds }, 'database connection rebuilt');
    } catch (error) {
      this.o.logger.error({ err: describeError(error) }, 'database connection could not be rebuilt; checking again');
    }
  }

  private async serverAnswers(): Promise<boolean> {
    const fresh = new MongoClient(this.o.mongoUri, { serverSelectionTimeoutMS: this.o.timeoutMs, connectTimeoutMS: this.o.timeoutMs });
    try {
      await this.ping(fresh, 'a fresh connection');
      return true;
    } catch {
      return false;
    } finally {
      void fresh.close(true).catch(() => undefined);
    }
  }

  private async ping(client: MongoClient, what: string): Promise<void> {
    await withDeadline(client.db('admin').command({ ping: 1 }), this.o.timeoutMs, what);
  }
}

async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(what, timeoutMs)), timeoutMs);
  });
  promise.catch(() => undefined);
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

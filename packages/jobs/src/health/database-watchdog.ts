import { MongoClient } from 'mongodb';
import type { Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import { probeDatabase, withDeadline } from './database-probe.js';
import { RepeatedFailureLog } from './repeated-failure-log.js';

/** Options of {@link DatabaseWatchdog}. Resources are borrowed. */
export interface DatabaseWatchdogOptions {
  /** The app's client (every repository, Agenda, the feeds and the metrics use it): probed, and rebuilt when broken. */
  readonly client: MongoClient;
  /** Connection string of the same database, for a probe on a fresh connection. */
  readonly mongoUri: string;
  /** The app's database: each probe reads one `_id` of its jobs collection (see `probeDatabase`). */
  readonly dbName: string;
  /** Pause between two probes, in ms. */
  readonly intervalMs: number;
  /** Deadline of one probe (a read), of the fresh connection's connect and read, and of the rebuild's close, connect and read each, in ms. */
  readonly timeoutMs: number;
  /**
   * Called when a rebuild fails (the rebuilt client does not answer a read in
   * time) or the client is broken again at the probe after a rebuild: the app
   * should exit non-zero for its supervisor.
   */
  readonly onFatal: (reason: string) => void;
  /** Logger. */
  readonly logger: Logger;
}

/** What the watchdog last found. */
export interface DatabaseWatchdogState {
  /** When the app's own client last answered a probe (a read), or `null` before the first answer. */
  readonly lastOkAt: Date | null;
  /** When a probe of the app's client last failed (database down, stalled, or client broken), or `null` if none has. */
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
 * client: a probe answered, none failed since, and the answer is at most two
 * intervals plus the probe deadline old (so a hung probe counts as a failure).
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

/** What a fresh connection to the database found, when the app's client did not answer. */
type FreshFinding =
  /** It connected and its read answered: the app's client is broken. */
  | 'answers'
  /** It connected (the server shakes hands) but its read did not answer: the server is stalled. */
  | 'stalled'
  /** It could not connect: the database is down (or does not even answer handshakes). */
  | 'down';

/**
 * Watches an app's MongoDB connection (the worker's, the GraphQL server's)
 * with a probe: a small read of the app's database under a deadline (not
 * `ping`, which a database stuck below its wire layer still answers). When
 * the probe fails, a fresh connection to the same server tells why:
 *
 * - it cannot connect: the database is down; the watchdog waits (one warning
 *   per outage).
 * - it connects and its read answers: the app's client is broken (a driver
 *   left with a paused pool or a stuck monitor after an outage). The watchdog
 *   closes it and connects it again (every `Db` and collection made from it
 *   follows) and reads on it.
 * - it connects but its read does not answer either: the server takes
 *   connections and shakes hands but answers no query. The watchdog rebuilds
 *   the client the same way, in case the stall ended.
 *
 * The app's connection is past repair, and `onFatal` is called, when the
 * rebuilt client's read does not answer in time (a failed rebuild) or when
 * the probe after a rebuild fails the same way again (before any probe
 * answered). From a database that stops answering queries to `onFatal`:
 * at most `intervalMs` + 6 × `timeoutMs` (the probe, the fresh connect and
 * read, the rebuild's close, connect and read).
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
  /** Probes failed while the server took connections, since a probe of the app's client last answered. */
  private brokenProbes = 0;
  private soon = false;

  /**
   * @param options - client, URI, database, timings, fatal callback, logger
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

  /** One probe, and a rebuild when the client is broken or the server stalled. Never rejects. */
  async check(): Promise<void> {
    try {
      await probeDatabase(this.o.client.db(this.o.dbName), this.o.timeoutMs);
      this.lastOkAt = new Date();
      this.brokenProbes = 0;
      this.outage.succeeded();
      return;
    } catch (error) {
      this.lastFailedAt = new Date();
      const fresh = await this.freshConnection();
      if (fresh === 'down') {
        this.outage.failed(error);
        return;
      }
      this.brokenProbes += 1;
      this.o.logger.error(
        { err: describeError(error), brokenProbes: this.brokenProbes, freshConnection: fresh },
        fresh === 'answers'
          ? 'database answers a fresh connection but not the app’s'
          : 'database takes connections but answers no read, on a fresh connection either',
      );
    }
    if (this.brokenProbes > 1) {
      this.o.onFatal('the database connection stayed broken after it was rebuilt');
      return;
    }
    const failure = await this.rebuild();
    if (failure !== null) this.o.onFatal(`the database connection could not be rebuilt: ${failure}`);
  }

  /** Closes and reconnects the app's client and reads on it; `null` when that worked, else why not. */
  private async rebuild(): Promise<string | null> {
    try {
      await withDeadline(this.o.client.close(true), this.o.timeoutMs, 'closing the connection');
      await withDeadline(this.o.client.connect(), this.o.timeoutMs, 'connecting again');
      await probeDatabase(this.o.client.db(this.o.dbName), this.o.timeoutMs);
      this.rebuilds += 1;
      // Not a probe: `brokenProbes` stays, so a client broken again at the next probe is past repair.
      this.lastOkAt = new Date();
      this.o.logger.warn({ rebuilds: this.rebuilds }, 'database connection rebuilt');
      return null;
    } catch (error) {
      const reason = describeError(error);
      this.o.logger.error({ err: reason }, 'database connection could not be rebuilt');
      return reason;
    }
  }

  private async freshConnection(): Promise<FreshFinding> {
    const t = this.o.timeoutMs;
    const fresh = new MongoClient(this.o.mongoUri, { serverSelectionTimeoutMS: t, connectTimeoutMS: t, socketTimeoutMS: t });
    try {
      await withDeadline(fresh.connect(), t, 'a fresh connection');
    } catch {
      void fresh.close(true).catch(() => undefined);
      return 'down';
    }
    try {
      await probeDatabase(fresh.db(this.o.dbName), t);
      return 'answers';
    } catch {
      return 'stalled';
    } finally {
      void fresh.close(true).catch(() => undefined);
    }
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, MongoClient } from 'mongodb';

/** Options of {@link DatabaseHealth}. */
export interface DatabaseHealthOptions {
  /** The database to ping. Borrowed. */
  readonly db: Db;
  /** Longest wait for one `ping` answer before the server counts as down, in ms; default 2000. */
  readonly pingTimeoutMs?: number;
  /** Pause between two pings while waiting for the server, in ms; default 500. */
  readonly pollIntervalMs?: number;
}

/** What a run needs to know about the database's reachability (see {@link DatabaseHealth}). */
export interface DatabaseProbe {
  /** @returns `true` when the server answers now; never throws */
  isUp(): Promise<boolean>;
  /**
   * @param maxWaitMs - longest wait, in ms
   * @param signal - stops the wait early
   * @returns `true` once the server answers, `false` when it did not in time or the signal aborted
   */
  waitUntilUp(maxWaitMs: number, signal?: AbortSignal): Promise<boolean>;
  /**
   * How many times the app's client was closed so far (a database watchdog's rebuild closes and connects it
   * again; so does a stopping worker): a change during a property attempt means the database failed under it.
   * Optional: a probe without it never reports such a change.
   *
   * @returns the number of closings of the client, from 0
   */
  clientClosings?(): number;
}

/** Per client, how many times it was closed: one `topologyClosed` listener per client, however many probes watch it. */
const closingsByClient = new WeakMap<MongoClient, { count: number }>();

function closingsOf(client: MongoClient): { count: number } {
  let closings = closingsByClient.get(client);
  if (closings === undefined) {
    const counter = { count: 0 };
    client.on('topologyClosed', () => void (counter.count += 1));
    closingsByClient.set(client, counter);
    closings = counter;
  }
  return closings;
}

/**
 * Tells whether MongoDB answers, and waits for it to come back after an
 * outage. The driver reconnects by itself once the server is back; this lets
 * a run tell a failure caused by the outage (retry once the server answers,
 * without counting an attempt) from a failure of the property itself. It also
 * counts the closings of the database's client (the driver's `topologyClosed`
 * events: a watchdog rebuild, a worker stopping), see `clientClosings`.
 */
export class DatabaseHealth implements DatabaseProbe {
  private readonly db: Db;
  private readonly pingTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly closings: { count: number };

  /**
   * @param options - database and timings
   */
  constructor(options: DatabaseHealthOptions) {
    this.db = options.db;
    this.closings = closingsOf(options.db.client);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
  }

  /**
   * Pings the server once.
   *
   * @returns `true` when it answered within the ping timeout; never throws
   */
  async isUp(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.pingTimeoutMs);
    });
    const ping = this.db.command({ ping: 1 }).then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * @returns how many times the database's client was closed since this process first watched it (see {@link DatabaseProbe.clientClosings})
   */
  clientClosings(): number {
    return this.closings.count;
  }

  /**
   * Waits until the server answers a ping.
   *
   * @param maxWaitMs - longest wait, in ms
   * @param signal - stops the wait early (resolves `false`)
   * @returns `true` once the server answers, `false` when it did not within `maxWaitMs` or the signal aborted
   */
  async waitUntilUp(maxWaitMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      if (signal?.aborted === true) return false;
      if (await this.isUp()) return true;
      if (Date.now() >= deadline) return false;
      try {
        await sleep(this.pollIntervalMs, undefined, signal === undefined ? {} : { signal });
      } catch {
        return false;
      }
    }
  }
}

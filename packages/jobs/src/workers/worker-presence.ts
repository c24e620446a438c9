import { hostname as osHostname } from 'node:os';
import type { Db } from 'mongodb';
import { noopLogger, systemClock } from '@phx/core';
import type { Clock, Logger } from '@phx/core';
import { describeError } from '../errors/index.js';
import { RepeatedFailureLog } from '../health/repeated-failure-log.js';
import { WorkerRegistry, newWorkerId } from './worker-registry.js';
import type { WorkerRunningJob } from './worker-registry.js';

/** Options of {@link WorkerPresence}. */
export interface WorkerPresenceOptions {
  /** Database of the `workers` collection. Borrowed. */
  readonly db: Db;
  /** How often the registration is written, in ms, at least 1 (`WORKER_HEARTBEAT_MS`). */
  readonly heartbeatIntervalMs: number;
  /** How many jobs the worker runs at once at most. */
  readonly concurrency: number;
  /** The jobs the worker runs now, read at every heartbeat. */
  readonly runningJobs: () => readonly WorkerRunningJob[];
  /** The worker's id; default {@link newWorkerId} of this host and process. */
  readonly id?: string;
  /** Logger (failed heartbeats are logged as warnings); default no-op. */
  readonly logger?: Logger;
  /** Clock; default the system clock. */
  readonly clock?: Clock;
}

/**
 * Keeps one worker process registered in the `workers` collection: writes
 * its registration at `start()` and every `heartbeatIntervalMs` with the jobs
 * it runs, and deletes it at `stop()`. A heartbeat that fails (the database
 * is down) is logged and retried at the next tick; it never throws into the
 * process, and at most one write is under way at a time (a tick
 * meeting one under way is skipped).
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const presence = new WorkerPresence({ db, heartbeatIntervalMs: 10_000, concurrency: 2, runningJobs: () => [] });
 * await presence.start();
 * // ... at a clean shutdown:
 * await presence.stop();
 * ```
 */
export class WorkerPresence {
  /** The worker's id in the registry. */
  readonly id: string;
  private readonly o: WorkerPresenceOptions;
  private readonly registry: WorkerRegistry;
  private readonly logger: Logger;
  /** One warning per outage, not one per heartbeat. */
  private readonly heartbeatFailures: RepeatedFailureLog;
  private readonly clock: Clock;
  private readonly startedAt: Date;
  /** This machine's name, read once. */
  private readonly hostname = osHostname();
  private timer: NodeJS.Timeout | null = null;
  /** The heartbeat write under way, else `null`. */
  private inFlight: Promise<void> | null = null;

  /**
   * @param options - database, interval, concurrency, running jobs, id, logger, clock
   */
  constructor(options: WorkerPresenceOptions) {
    this.o = options;
    this.id = options.id ?? newWorkerId();
    this.registry = new WorkerRegistry({ db: options.db });
    this.logger = (options.logger ?? noopLogger).child({ component: 'worker-presence', workerId: this.id });
    this.heartbeatFailures = new RepeatedFailureLog({ logger: this.logger, what: 'worker heartbeat' });
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now();
  }

  /**
   * Registers the worker (first heartbeat; a failure is logged, not thrown) and starts the heartbeats. Idempotent.
   *
   * @returns when the first heartbeat has been tried
   */
  async start(): Promise<void> {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.beatOnce(), Math.max(1, this.o.heartbeatIntervalMs));
    this.timer.unref();
    await this.beatOnce();
  }

  /**
   * Stops the heartbeats and deletes the registration (a failure is logged, not thrown: the entry then ages out). Idempotent.
   *
   * @returns when the registration is deleted, or its deletion failed
   */
  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
    try {
      await this.registry.remove(this.id);
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'worker registration could not be deleted; it will show as not alive');
    }
  }

  private beatOnce(): Promise<void> {
    // One write at a time: a tick that comes while a write waits out an outage is skipped, not queued.
    this.inFlight ??= this.write().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async write(): Promise<void> {
    if (this.timer === null) return;
    try {
      await this.registry.save({
        id: this.id,
        hostname: this.hostname,
        pid: process.pid,
        startedAt: this.startedAt,
        lastHeartbeatAt: this.clock.now(),
        heartbeatIntervalMs: this.o.heartbeatIntervalMs,
        concurrency: this.o.concurrency,
        runningJobs: this.o.runningJobs(),
      });
      this.heartbeatFailures.succeeded();
    } catch (error) {
      this.heartbeatFailures.failed(error);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { Collection, Db } from 'mongodb';
import { systemClock } from '@phx/core';
import type { Clock } from '@phx/core';

/** Name of the collection of worker processes (one document per running worker). */
export const WORKERS_COLLECTION = 'workers';

/** A worker's registration is deleted when read this long after its last heartbeat: 24 h, in ms. */
export const STALE_WORKER_AFTER_MS = 24 * 60 * 60 * 1_000;

/** A worker is alive while its last heartbeat is at most this many of its heartbeat intervals old. */
export const ALIVE_HEARTBEAT_INTERVALS = 3;

/** A job a worker runs, and since when. */
export interface WorkerRunningJob {
  /** The extraction job's id. */
  readonly jobId: string;
  /** When the worker took the job up. */
  readonly since: Date;
}

/** What a worker process writes about itself in the `workers` collection (`_id` = {@link WorkerRegistration.id}). */
export interface WorkerRegistration {
  /** The worker's id: `<hostname>:<pid>:<random hex>` (see {@link newWorkerId}); unique per process start. */
  readonly id: string;
  /** The machine's host name. */
  readonly hostname: string;
  /** The process id on that machine. */
  readonly pid: number;
  /** When the process registered. */
  readonly startedAt: Date;
  /** When it last wrote its registration. */
  readonly lastHeartbeatAt: Date;
  /** How often it writes its registration, in ms (`WORKER_HEARTBEAT_MS`). */
  readonly heartbeatIntervalMs: number;
  /** How many jobs it runs at once at most (`MAX_CONCURRENT_JOBS`). */
  readonly concurrency: number;
  /** The jobs it ran at its last heartbeat. */
  readonly runningJobs: readonly WorkerRunningJob[];
}

/** A registration as read, with whether the worker is alive. */
export interface WorkerView extends WorkerRegistration {
  /** `true` while the last heartbeat is at most {@link ALIVE_HEARTBEAT_INTERVALS} heartbeat intervals old. */
  readonly alive: boolean;
}

type WorkerDocument = Omit<WorkerRegistration, 'id'> & { readonly _id: string };

/**
 * Makes the id of a worker process: host name, process id and 6 random hex digits (a restarted process with a reused pid gets a new id).
 *
 * @param host - the host name; default the machine's
 * @param pid - the process id; default this process's
 * @returns e.g. `build-7:4242:9f0c1a`
 */
export function newWorkerId(host: string = osHostname(), pid: number = process.pid): string {
  return `${host}:${pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * The registry of worker processes in the `workers` collection: each worker
 * writes its own document (whole, at every heartbeat, so a document deleted
 * meanwhile comes back) and deletes it on a clean shutdown; readers get every
 * worker with whether it is alive. A worker that died without deleting its
 * document stays listed, not alive, until 24 h after its last heartbeat, when
 * a read deletes it. Single-document writes only; any number of workers and
 * readers may share the collection.
 *
 * @example
 * ```ts
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const registry = new WorkerRegistry({ db });
 * for (const worker of await registry.list()) console.log(worker.id, worker.alive, worker.runningJobs.length);
 * ```
 */
export class WorkerRegistry {
  private readonly collection: Collection<WorkerDocument>;
  private readonly clock: Clock;

  /**
   * @param options - the database (borrowed, never closed) and a clock (default the system clock)
   */
  constructor(options: { readonly db: Db; readonly clock?: Clock }) {
    this.collection = options.db.collection<WorkerDocument>(WORKERS_COLLECTION);
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Writes a worker's registration (inserts it, or replaces the one with its id). Idempotent.
   *
   * @param registration - the worker as it is now
   * @throws the driver's error when MongoDB cannot be reached
   */
  async save(registration: WorkerRegistration): Promise<void> {
    const { id, ...fields } = registration;
    await this.collection.replaceOne({ _id: id }, { ...fields, runningJobs: [...fields.runningJobs] }, { upsert: true });
  }

  /**
   * Deletes a worker's registration (its clean shutdown). Idempotent.
   *
   * @param id - the worker's id
   * @throws the driver's error when MongoDB cannot be reached
   */
  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  /**
   * Lists the registered workers, oldest start first, after deleting those
   * whose last heartbeat is more than 24 h old.
   *
   * @returns every worker with `alive` computed against this reader's clock
   * @throws the driver's error when MongoDB cannot be reached
   */
  async list(): Promise<WorkerView[]> {
    const now = this.clock.now().getTime();
    await this.collection.deleteMany({ lastHeartbeatAt: { $lt: new Date(now - STALE_WORKER_AFTER_MS) } });
    const docs = await this.collection.find({}).sort({ startedAt: 1, _id: 1 }).toArray();
    return docs.map(({ _id, ...fields }) => ({
      id: _id,
      ...fields,
      alive: now - fields.lastHeartbeatAt.getTime() <= ALIVE_HEARTBEAT_INTERVALS * fields.heartbeatIntervalMs,
    }));
  }
}

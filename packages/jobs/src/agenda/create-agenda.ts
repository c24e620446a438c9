import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { MongoJobRepository } from '@agendajs/mongo-backend';
import { ObjectId } from 'mongodb';
import type { Db } from 'mongodb';
import { noopLogger } from '@phx/core';
import { RepeatedFailureLog } from '../health/repeated-failure-log.js';
import type { Logger } from '@phx/core';
import { DEFAULT_QUEUE_SETTINGS } from './queue-settings.js';
import { MongoNotificationChannel } from './mongo-notification-channel.js';

/** Name of the collection Agenda keeps its queue in. */
export const AGENDA_COLLECTION = 'agendaJobs';

/** Where Agenda stores its queue: a borrowed database, or a connection string it opens and closes itself. */
export type AgendaConnection =
  | {
      /** Database to use; borrowed: `agenda.stop()` leaves it open. */
      readonly db: Db;
    }
  | {
      /** Connection string including the database name; Agenda owns the client and `agenda.stop()` closes it. */
      readonly mongoUri: string;
    };

/** Options of {@link createAgenda}. */
export type CreateAgendaOptions = AgendaConnection & {
  /** Name of this queue instance (the worker's name), recorded as `lastModifiedBy`; default none. */
  readonly name?: string;
  /** How often due jobs are looked for, in ms, at least 50; default 1000. */
  readonly processEveryMs?: number;
  /** Jobs this instance runs at once (`MAX_CONCURRENT_JOBS`), at least 1; default 3. Also its lock limit. */
  readonly maxConcurrency?: number;
  /** Lock lifetime of a job without a heartbeat, in ms; default 60 000. */
  readonly defaultLockLifetimeMs?: number;
  /** Collection of the queue; default {@link AGENDA_COLLECTION}. */
  readonly collectionName?: string;
  /** Where Agenda's background errors (lock queries failing) are logged; default no-op. */
  readonly logger?: Logger;
  /**
   * Cross-process "job saved" notifications through MongoDB
   * (`MongoNotificationChannel`, works on FerretDB): a started queue reads them
   * every `pollIntervalMs` (10-5000 ms, default 50) and takes a new job up
   * then, instead of at its next `processEveryMs` scan. `false`: plain polling.
   * Default on with a `db` connection; always off with `mongoUri`.
   */
  readonly notifications?: false | { readonly pollIntervalMs?: number };
  /** Called each time a look for due jobs answered (found a job or not): a sign the queue polls (readiness checks). */
  readonly onQueuePoll?: () => void;
};

/**
 * Builds an Agenda v6 queue on `@agendajs/mongo-backend` with the design's
 * settings, and waits until its backend is connected. Use it in every process
 * that schedules jobs (API, CLI: never call `start()`) or runs them (worker:
 * define jobs, then `start()`).
 *
 * Due jobs are taken by priority first (`high` interactive enqueues before
 * `normal` scheduled ones), then oldest first. The instance locks no more
 * jobs than it can run (`lockLimit` =
 * `maxConcurrency`), so other workers get the rest, and one-time jobs that
 * succeed are removed from the queue (the job document is the record).
 *
 * @param options - connection and queue settings
 * @returns the connected queue; the caller stops it (`agenda.stop()`)
 * @throws the driver's error when MongoDB cannot be reached
 * @example
 * ```ts
 * import { defineExtractImagesJob, type ExtractImagesJobDeps } from '@phx/jobs/worker';
 * import type { Db } from 'mongodb';
 * declare const db: Db, deps: ExtractImagesJobDeps;
 * const agenda = await createAgenda({ db, name: 'worker-1', maxConcurrency: 3 });
 * defineExtractImagesJob(agenda, deps);
 * await agenda.start();
 * ```
 */
export async function createAgenda(options: CreateAgendaOptions): Promise<Agenda> {
  const maxConcurrency = Math.max(1, options.maxConcurrency ?? DEFAULT_QUEUE_SETTINGS.maxConcurrentJobs);
  const collection = options.collectionName ?? AGENDA_COLLECTION;
  // Due jobs are taken by priority first (interactive before scheduled), then oldest first. Agenda's own
  // index has the opposite key order under a fixed name (creating it again would conflict): ours is made below.
  const queueOrder = { sort: { priority: 'desc', nextRunAt: 'asc' }, ensureIndex: false } as const;
  const backend =
    'db' in options
      ? new MongoBackend({ mongo: options.db, collection, ...queueOrder })
      : new MongoBackend({ address: options.mongoUri, collection, ...queueOrder });
  renewLateLocks(backend, options.onQueuePoll ?? (() => undefined));
  // Agenda 6 starts the backend's connect in its constructor and does not handle its failure: the rejection
  // (a database that does not answer the job log's index creation) would go unhandled and end the process, and
  // `agenda.ready` would never settle. Connected here first, a failure is thrown to the caller; Agenda's own
  // connect then has nothing left to ask the database (the job log makes its indexes once). Only for a borrowed
  // `db`: with a connection string each connect would open a client of its own.
  if ('db' in options) await backend.connect();
  const notificationChannel =
    'db' in options && options.notifications !== false
      ? new MongoNotificationChannel({
          db: options.db,
          ...(options.notifications?.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.notifications.pollIntervalMs }),
          ...(options.logger === undefined ? {} : { logger: options.logger }),
        })
      : undefined;
  const agenda = new Agenda({
    backend,
    ...(notificationChannel === undefined ? {} : { notificationChannel }),
    ...(options.name === undefined ? {} : { name: options.name }),
    processEvery: Math.max(50, options.processEveryMs ?? DEFAULT_QUEUE_SETTINGS.processEveryMs),
    maxConcurrency,
    defaultConcurrency: maxConcurrency,
    lockLimit: maxConcurrency,
    defaultLockLifetime: options.defaultLockLifetimeMs ?? DEFAULT_QUEUE_SETTINGS.lockLifetimeMs,
    removeOnComplete: true,
  });
  const logger = (options.logger ?? noopLogger).child({ component: 'agenda' });
  // Agenda emits 'error' for failures in its polling loop; without a listener Node would crash the process.
  // One warning per outage, not one per poll (109 lines in 55 s of a database outage).
  const backgroundErrors = new RepeatedFailureLog({ logger, what: 'agenda background work' });
  agenda.on('error', (error: Error) => backgroundErrors.failed(error));
  agenda.on('fail', (error: Error | string, job: { readonly attrs: { readonly name: string } }) =>
    logger.warn({ err: typeof error === 'string' ? error : error.message, job: job.attrs.name }, 'agenda job failed'),
  );
  await agenda.ready;
  if ('db' in options) {
    const keys = { name: 1, priority: -1, nextRunAt: 1, lockedAt: 1, disabled: 1 } as const;
    await options.db.collection(collection).createIndex(keys, { name: 'findAndLockNextJobByPriority' });
  }
  return agenda;
}

/** How late, in ms, a lock query may be written before the lock it set is renewed. */
const LATE_LOCK_TOLERANCE_MS = 500;

/**
 * Makes Agenda's "find and lock the next job" renew the lock it set when the
 * query was written late, so a lock is never handed to Agenda already expired.
 *
 * Agenda stamps `lockedAt` with the time it issued the query. During a
 * MongoDB outage the driver holds the queries (up to its server selection
 * timeout) and writes them once the database is back, each with its old
 * stamp: they lock the job again and again (an old stamp counts as an expired
 * lock to the next query), and Agenda then drops every such job from its local
 * queue as expired without freeing its lock slot. Once `lockLimit` slots
 * leaked this way, the worker never takes a job again.
 *
 * @param backend - the backend, before Agenda is built on it
 * @param onQueuePoll - called when a look for due jobs answered
 */
function renewLateLocks(backend: MongoBackend, onQueuePoll: () => void): void {
  // The Mongo backend's repository, typed by Agenda's interface only.
  const repository = backend.repository as MongoJobRepository;
  const getNextJobToRun = repository.getNextJobToRun.bind(repository);
  repository.getNextJobToRun = async (jobName, nextScanAt, lockDeadline, now, options) => {
    const lockTime = now ?? new Date();
    const job = await getNextJobToRun(jobName, nextScanAt, lockDeadline, lockTime, options);
    onQueuePoll();
    if (job === undefined || Date.now() - lockTime.getTime() <= LATE_LOCK_TOLERANCE_MS) return job;
    const renewedAt = new Date();
    const renewed = await repository.collection.updateOne(
      { _id: new ObjectId(String(job._id)), lockedAt: lockTime },
      { $set: { lockedAt: renewedAt } },
    );
    // Another queue locked it meanwhile: not ours.
    return renewed.modifiedCount === 1 ? { ...job, lockedAt: renewedAt } : undefined;
  };
}

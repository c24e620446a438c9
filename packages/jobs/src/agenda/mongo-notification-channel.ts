import { BaseNotificationChannel } from 'agenda';
import type { JobNotification } from 'agenda';
import { ObjectId } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import { RepeatedFailureLog } from '../health/repeated-failure-log.js';

/** Name of the collection the queue notifications pass through. */
export const NOTIFICATIONS_COLLECTION = 'agenda_notifications';

interface NotificationDocument {
  readonly _id: ObjectId;
  /** When the notification was published (publisher's clock). */
  readonly at: Date;
  readonly jobId: string;
  readonly jobName: string;
  readonly nextRunAt: Date | null;
  readonly priority: number;
  readonly source: string | null;
}

/** Options of {@link MongoNotificationChannel}. */
export interface MongoNotificationChannelOptions {
  /** Database holding the collection. Borrowed: never closed here. */
  readonly db: Db;
  /** How often a connected channel reads new notifications, in ms, 10-5000; default 50 (enqueue to start p95 under 250 ms; see `npm run bench:jobs`). */
  readonly pollIntervalMs?: number;
  /**
   * How far back each read looks before the previous read started, in ms,
   * 0-60 000; default 5000. Covers inserts that committed late and clock
   * differences between machines; notifications seen already are not delivered again.
   */
  readonly overlapMs?: number;
  /** How long notifications are kept before publishers delete them, in ms, at least 10 000; default 60 000. */
  readonly retentionMs?: number;
  /** Where read errors are logged; default no-op. */
  readonly logger?: Logger;
}

/** Defaults of {@link MongoNotificationChannelOptions}. */
export const DEFAULT_MONGO_NOTIFICATION_CHANNEL_OPTIONS = Object.freeze({
  pollIntervalMs: 50,
  overlapMs: 5_000,
  retentionMs: 60_000,
});

/**
 * Agenda v6 `NotificationChannel` on a small MongoDB collection, for servers
 * without change streams (FerretDB) or pub/sub: `publish` inserts one
 * document per saved job, and each connected channel reads the documents
 * newer than its last read (`at` index) every `pollIntervalMs`, handing them
 * to Agenda, which then locks the job at once instead of at its next
 * `processEvery` scan. A lost or late notification costs only latency: the
 * regular scan still finds every job.
 *
 * Publishing needs no `connect()` (the database is borrowed and open), so API
 * processes, which never start their queue, publish too; `connect()` starts
 * reading and `disconnect()` stops it. Publishers delete notifications older
 * than `retentionMs` (at most once per 10 s), so the collection stays small.
 *
 * @example
 * ```ts
 * import { MongoBackend } from '@agendajs/mongo-backend';
 * import { Agenda } from 'agenda';
 * import type { Db } from 'mongodb';
 * declare const db: Db;
 * const agenda = new Agenda({ backend: new MongoBackend({ mongo: db }), notificationChannel: new MongoNotificationChannel({ db }) });
 * ```
 */
export class MongoNotificationChannel extends BaseNotificationChannel {
  private readonly collection: Collection<NotificationDocument>;
  private readonly pollIntervalMs: number;
  private readonly overlapMs: number;
  private readonly retentionMs: number;
  private readonly logger: Logger;
  /** One warning per outage, not one per read. */
  private readonly readFailures: RepeatedFailureLog;
  private readonly seen = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private readFrom = 0;
  private lastCleanupMs = 0;
  private polling: Promise<void> | null = null;

  /**
   * @param options - database and timings
   */
  constructor(options: MongoNotificationChannelOptions) {
    super({ channelName: NOTIFICATIONS_COLLECTION, reconnect: { enabled: false } });
    const d = DEFAULT_MONGO_NOTIFICATION_CHANNEL_OPTIONS;
    this.collection = options.db.collection<NotificationDocument>(NOTIFICATIONS_COLLECTION);
    this.pollIntervalMs = clamp(options.pollIntervalMs ?? d.pollIntervalMs, 10, 5_000);
    this.overlapMs = clamp(options.overlapMs ?? d.overlapMs, 0, 60_000);
    this.retentionMs = Math.max(10_000, options.retentionMs ?? d.retentionMs);
    this.logger = (options.logger ?? noopLogger).child({ component: 'notification-channel' });
    this.readFailures = new RepeatedFailureLog({ logger: this.logger, what: 'notification read' });
    // Publishing works from the start; see the class comment.
    this.setState('connected');
  }

  /** Creates the index the reads use. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ at: 1 }, { name: 'at' });
  }

  /** Starts reading notifications (those published from now on). Idempotent. */
  async connect(): Promise<void> {
    if (this.timer !== null) return;
    await this.ensureIndexes();
    this.readFrom = Date.now();
    this.setState('connected');
    this.schedule();
  }

  /** Stops reading and waits for a read in flight; publishing goes on working. Idempotent. */
  async disconnect(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.polling;
    this.seen.clear();
  }

  /**
   * Inserts a notification for the readers of every process.
   *
   * @param notification - the saved job, from Agenda
   * @throws the driver's error when the insert fails (Agenda logs it; the job is still saved)
   */
  async publish(notification: JobNotification): Promise<void> {
    const now = Date.now();
    await this.collection.insertOne({
      _id: new ObjectId(),
      at: new Date(now),
      jobId: String(notification.jobId),
      jobName: notification.jobName,
      nextRunAt: notification.nextRunAt,
      priority: notification.priority,
      source: notification.source ?? null,
    });
    if (now - this.lastCleanupMs > 10_000) {
      this.lastCleanupMs = now;
      await this.collection.deleteMany({ at: { $lt: new Date(now - this.retentionMs) } });
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = null;
        if (this.timer !== null) this.schedule();
      });
    }, this.pollIntervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    const startedMs = Date.now();
    const since = this.readFrom - this.overlapMs;
    try {
      const docs = await this.collection
        .find({ at: { $gte: new Date(since) } })
        .sort({ at: 1 })
        .limit(1_000)
        .toArray();
      this.readFrom = startedMs;
      this.readFailures.succeeded();
      for (const [id, atMs] of this.seen) if (atMs < since) this.seen.delete(id);
      // One delivery per job name and read: Agenda fills its queue for a name with every job it can lock.
      const soonest = new Map<string, NotificationDocument>();
      for (const doc of docs) {
        const key = doc._id.toHexString();
        if (this.seen.has(key)) continue;
        this.seen.set(key, doc.at.getTime());
        const other = soonest.get(doc.jobName);
        if (other === undefined || (doc.nextRunAt?.getTime() ?? 0) < (other.nextRunAt?.getTime() ?? 0)) soonest.set(doc.jobName, doc);
      }
      for (const doc of soonest.values()) {
        await this.notifyHandlers({
          jobId: doc.jobId as JobNotification['jobId'],
          jobName: doc.jobName,
          nextRunAt: doc.nextRunAt,
          priority: doc.priority,
          timestamp: doc.at,
          ...(doc.source === null ? {} : { source: doc.source }),
        });
      }
    } catch (error) {
      this.readFailures.failed(error);
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}

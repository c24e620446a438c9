import { isFinalJobStatus, pickCounters } from '@phx/core';
import type { ExtractionJob, Logger, PropertyOutcome } from '@phx/core';
import { JobEventFeed, JobEventLog, JobPropertyStore } from '@phx/jobs';
import type { Db } from 'mongodb';
import type { ProgressDisplay, ProgressSnapshot } from './progress-display.js';

/** What {@link followJob} works with. */
export interface FollowJobOptions {
  /** Database of the jobs. Borrowed. */
  readonly db: Db;
  /** The job as last read: the first snapshot's counters and status. */
  readonly job: ExtractionJob;
  /** Where the progress goes. */
  readonly display: ProgressDisplay;
  /**
   * `true` for a job this process just created or enqueued: every event of its
   * log is read. `false` for a job that may have run for a while (`--job-id
   * --wait`): only events after the last one already written.
   */
  readonly fromStart: boolean;
  /** For read errors of the failure reasons (the report at the end reads them again). */
  readonly logger: Logger;
  /** Stops following. */
  readonly signal?: AbortSignal;
  /** How long the event log's reads may fail in a row before following ends with the last error, in ms; default: never. */
  readonly giveUpAfterMs?: number;
}

/** Failed properties read per page while reading their reasons. */
const FAILURE_PAGE = 100;

/** Ms before the reasons of a failed property whose outcome was not stored yet are read again. */
const FAILURE_RETRY_MS = 250;

/**
 * Hands each failed property of a job to the display once, with its reasons,
 * read from the job's stored outcomes. A read starts when a `property-finished`
 * event says a property failed; an outcome is stored just after its event, so
 * one not found yet is shown by the next read, the last one at the end at the latest.
 */
class FailureReader {
  private readonly shown = new Set<string>();
  private running: Promise<void> | null = null;
  private again = false;
  /** Failed properties the events told of; more than {@link shown}: a read is tried again shortly. */
  private expected = 0;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: JobPropertyStore,
    private readonly jobId: string,
    private readonly show: (outcome: PropertyOutcome) => void,
    private readonly logger: Logger,
  ) {}

  /** A `property-finished` event said a property failed. */
  failed(): void {
    this.expected += 1;
    this.poke();
  }

  poke(): void {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.readAll().finally(() => {
      this.running = null;
      // Its outcome was not stored yet: look again soon rather than at the end.
      if (this.shown.size < this.expected) this.retry = setTimeout(() => this.poke(), FAILURE_RETRY_MS).unref();
    });
  }

  async drain(): Promise<void> {
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.expected = 0;
    await this.running;
    this.poke();
    await this.running;
  }

  private async readAll(): Promise<void> {
    do {
      this.again = false;
      try {
        for (let after = -1, more = true; more;) {
          const page = await this.store.page(this.jobId, { status: 'failed', first: FAILURE_PAGE, after });
          for (const entry of page.entries) {
            if (entry.outcome === null || this.shown.has(entry.outcome.propertyId)) continue;
            this.shown.add(entry.outcome.propertyId);
            this.show(entry.outcome);
          }
          more = page.hasNextPage;
          after = page.entries.at(-1)?.index ?? after;
        }
      } catch (error) {
        this.logger.warn({ err: error, jobId: this.jobId }, 'failure reasons unreadable; the report lists them');
      }
    } while (this.again);
  }
}

/**
 * Follows a job to its final status (or until `signal` aborts) on its event
 * log, the feed the GraphQL subscription reads: hands the display a snapshot
 * per event (status, counters, properties in flight) and each failed property
 * with its reasons as it happens.
 *
 * @param options - database, job, display, where to start
 * @returns the last snapshot (the display has been stopped)
 * @throws core's `NotFoundError` when the job does not exist
 * @throws the last read error when the event log's reads failed for `giveUpAfterMs`
 */
export async function followJob(options: FollowJobOptions): Promise<ProgressSnapshot> {
  const { db, job, display } = options;
  const t0 = Date.now();
  const inFlight = new Map<string, string>();
  const failures = new FailureReader(new JobPropertyStore({ db }), job.id, (o) => display.failure(o), options.logger);
  let snapshot: ProgressSnapshot = { ...pickCounters(job), jobId: job.id, status: job.status, inFlight: [], elapsedMs: 0 };
  display.update(snapshot);
  const last = options.fromStart ? null : await new JobEventLog({ db }).lastEvent(job.id);
  const feed = new JobEventFeed({
    db,
    pollIntervalMs: 100,
    logger: options.logger,
    ...(options.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: options.giveUpAfterMs }),
  });
  try {
    const events = await feed.open(
      { jobIds: [job.id], ...(last === null ? {} : { after: new Map([[job.id, last.seq]]) }) },
      options.signal,
    );
    for await (const event of events) {
      if (event.kind === 'property-started' && event.propertyId !== null) inFlight.set(event.propertyId, event.address ?? event.propertyId);
      if (event.kind === 'property-finished' && event.propertyId !== null) {
        inFlight.delete(event.propertyId);
        if (event.propertyStatus === 'failed') failures.failed();
      }
      if (isFinalJobStatus(event.status)) inFlight.clear();
      snapshot = {
        ...pickCounters(event.counters),
        jobId: job.id,
        status: event.status,
        inFlight: [...inFlight].map(([propertyId, address]) => ({ propertyId, address })),
        elapsedMs: Date.now() - t0,
      };
      display.update(snapshot);
    }
  } finally {
    feed.close();
    await failures.drain();
    snapshot = { ...snapshot, elapsedMs: Date.now() - t0 };
    display.stop(snapshot);
  }
  return snapshot;
}

import type { Agenda } from 'agenda';
import type { Clock, Logger } from '@phx/core';
import { EXTRACT_IMAGES_JOB } from '../agenda/job-payloads.js';
import { describeError } from '../errors/index.js';
import { endOfLog, settledProgressOf, writeJobEnd } from '../progress/job-end.js';
import { statusEventBody, toJobEventCounters } from '../progress/job-event.js';
import type { JobEventLog } from '../progress/job-event-log.js';
import type { JobRepository } from '../repository/job-repository.js';
import type { StoredExtractionJob } from '../repository/job-document.js';
import { isLeaseHeld } from '../repository/job-run-leases.js';
import type { JobRunLeases } from '../repository/job-run-leases.js';

/** The stores and settings of {@link JobEndsWithoutWorker}, borrowed from the service. */
export interface JobEndsWithoutWorkerOptions {
  readonly repository: JobRepository;
  readonly runs: JobRunLeases;
  readonly events: JobEventLog;
  readonly agenda: Agenda;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Lifetime of a run lease without heartbeat, in ms. */
  readonly lockLifetimeMs: number;
}

/**
 * The ends of jobs that no run writes (the service's part of the one
 * progress path): a pending job cancelled, a running job cancelled after its
 * worker died, a job that could not be queued. Each holds the job the way a
 * run does, by claiming the next run lease, so no worker takes it up
 * meanwhile, and writes as a run does: the final `status` event first, then
 * the job document. A crash between the two leaves the queue entry in place,
 * and the run that takes the job up next writes the document's end from the
 * log (`ExtractionRun`).
 */
export class JobEndsWithoutWorker {
  private readonly o: JobEndsWithoutWorkerOptions;

  /**
   * @param options - stores, queue, clock, logger, lease lifetime
   */
  constructor(options: JobEndsWithoutWorkerOptions) {
    this.o = options;
  }

  /**
   * Cancels a pending job before any run took it up: its `cancelled` event,
   * then the document, then its queue entry.
   *
   * @param job - the job as read (`pending`)
   * @param message - the `errorMessage`
   * @returns the cancelled job, or `null` when a run holds or took the job (the run then sees the cancel request)
   * @throws the driver's error when a write fails (the job is then not cancelled, or its end is completed by the next run)
   */
  async cancelPending(job: StoredExtractionJob, message: string): Promise<StoredExtractionJob | null> {
    return this.holding(job, async (now) => {
      const current = await this.o.repository.get(job.id);
      if (current?.status !== 'pending') return null;
      // A job handed back by a shutdown has finished properties: it ends counted by them, as a run's end is.
      const progress = await settledProgressOf(current, this.o.repository);
      await this.o.events.append(job.id, [statusEventBody('cancelled', toJobEventCounters(progress), message)]);
      const cancelled = await this.o.repository.cancelPending(job.id, now, message, progress);
      await this.o.agenda.cancel({ name: EXTRACT_IMAGES_JOB, data: { jobId: job.id } });
      return cancelled;
    });
  }

  /**
   * Cancels a running job whose run lease has expired (its worker or CLI
   * process died), since no run would notice the cancel request, counted by
   * its finished properties as a run's end is. When the log already ends with
   * the dead run's final status, that end is written instead.
   *
   * @param job - the job as read (`in_progress`)
   * @returns the job as ended, or `null` when a run holds it
   * @throws the driver's error when a write fails
   */
  async cancelAbandonedRun(job: StoredExtractionJob): Promise<StoredExtractionJob | null> {
    if (job.status !== 'in_progress') return null;
    return this.holding(job, async (now) => {
      const logged = endOfLog(await this.o.events.lastEvent(job.id), job);
      const ended =
        logged === null
          ? await writeJobEnd({
              ...this.o,
              log: this.o.events,
              jobId: job.id,
              runNumber: job.runNumber,
              end: {
                status: 'cancelled',
                errorMessage: 'cancelled by user; no worker was running it',
                progress: await settledProgressOf(job, this.o.repository),
                cancelRequestedAt: now,
              },
              now,
            })
          : await this.o.repository.endRun(job.id, job.runNumber, logged, now);
      await this.o.agenda.cancel({ name: EXTRACT_IMAGES_JOB, data: { jobId: job.id } });
      this.o.logger.info({ jobId: job.id, status: ended?.status }, 'abandoned running job ended');
      return ended;
    });
  }

  /**
   * Fails a job that could not be queued: its `failed` event, then the
   * document. Never throws: a failure is logged (the job stays pending without
   * a queue entry).
   *
   * @param job - the job just written
   * @param message - the `errorMessage`
   */
  async failUnqueued(job: StoredExtractionJob, message: string): Promise<void> {
    try {
      await this.o.events.append(job.id, [statusEventBody('failed', toJobEventCounters(job), message)]);
      await this.o.repository.markFailed(job.id, message, this.o.clock.now());
    } catch (error) {
      // The caller only sees JobQueueError: say so.
      this.o.logger.error({ jobId: job.id, err: describeError(error) }, 'unqueued job could not be marked failed');
    }
  }

  /** Runs `end` while holding the job by the next run lease; `null` when a run holds it or the claim is lost. */
  private async holding(
    job: StoredExtractionJob,
    end: (now: Date) => Promise<StoredExtractionJob | null>,
  ): Promise<StoredExtractionJob | null> {
    const now = this.o.clock.now();
    const latest = await this.o.runs.latest(job.id);
    if (isLeaseHeld(latest, now, this.o.lockLifetimeMs)) return null;
    const runNumber = Math.max(latest?.runNumber ?? 0, job.runNumber) + 1;
    if (!(await this.o.runs.claim(job.id, runNumber, `cancel:${process.pid}`, now))) return null;
    try {
      return await end(now);
    } finally {
      await this.o.runs.release(job.id, runNumber, now);
    }
  }
}

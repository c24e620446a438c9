import { readdir } from 'node:fs/promises';
import type { Db } from 'mongodb';
import { toPropertyId } from '@phx/core';
import type { FileImageStore, Logger } from '@phx/core';
import { JobResultCleanup, describeError } from '@phx/jobs';

/** Options of {@link startWorkerMaintenance}. Resources are borrowed. */
export interface WorkerMaintenanceOptions {
  /** Database of the jobs. */
  readonly db: Db;
  /** The worker's photo store, whose crashed writes leave temporary files. */
  readonly store: FileImageStore;
  /** How long finished jobs are kept (`JOB_RESULT_TTL`), in ms. */
  readonly jobResultTtlMs: number;
  /**
   * Age after which a temporary file is abandoned, in ms: the run lease
   * lifetime, since no live writer spends that long on one file and a worker
   * killed mid-write is taken over after it.
   */
  readonly tempFileMaxAgeMs: number;
  /** Pause between two sweeps, in ms. */
  readonly intervalMs: number;
  /** Logger. */
  readonly logger: Logger;
}

/** A running maintenance loop. */
export interface WorkerMaintenance {
  /** The first sweep (at start). Never rejects: failures are logged. */
  readonly firstSweep: Promise<void>;
  /** Stops the loop and waits for a sweep in progress. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the worker's housekeeping, at once and then every `intervalMs`:
 * deletes the temporary files that writers killed mid-write left in the
 * photo folders (`FileImageStore.removeTemporaryFiles`), and the finished
 * jobs past their result TTL with their run, cancel and queue documents
 * (`JobResultCleanup`; photos stay). Several workers may run it on one
 * database and one folder: every step is idempotent.
 *
 * @param options - database, store, ages, interval, logger
 * @returns the loop, to stop at shutdown
 */
export function startWorkerMaintenance(options: WorkerMaintenanceOptions): WorkerMaintenance {
  const logger = options.logger.child({ component: 'maintenance' });
  const cleanup = new JobResultCleanup({ db: options.db, resultTtlMs: options.jobResultTtlMs, logger });
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const sweep = async (): Promise<void> => {
    try {
      const files = await removeTemporaryFiles(options.store, options.tempFileMaxAgeMs);
      if (files > 0) logger.info({ files }, 'temporary files of interrupted writes removed');
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'temporary files not cleaned; next sweep retries');
    }
    try {
      await cleanup.sweep();
    } catch (error) {
      logger.warn({ err: describeError(error) }, 'expired jobs not deleted; next sweep retries');
    }
  };
  const firstSweep = (current = sweep());
  const timer = setInterval(() => {
    if (!stopped) current = current.then(sweep);
  }, options.intervalMs);
  timer.unref();
  return {
    firstSweep,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}

async function removeTemporaryFiles(store: FileImageStore, olderThanMs: number): Promise<number> {
  const entries = await readdir(store.rootDir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  });
  let removed = 0;
  for (const entry of entries) {
    // Property folders are named by property id; anything else in the root is not the store's.
    if (!entry.isDirectory() || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(entry.name)) continue;
    removed += await store.removeTemporaryFiles(toPropertyId(entry.name), olderThanMs);
  }
  return removed;
}

import { READINESS_TIMEOUT_MS, databaseAnswers, describeError, type DatabaseWatchdogState } from '@phx/jobs';
import type { HealthVerdict, WorkerHealth } from './metrics.server.js';

/** What {@link createWorkerHealth} reads, all from memory. */
export interface WorkerHealthSources {
  /** The database watchdog's last findings. */
  readonly watchdog: () => DatabaseWatchdogState;
  /**
   * Reads the worker's database (`probeDatabase` of `@phx/jobs` on its
   * client) within `timeoutMs`; rejects, naming why, when it did not answer.
   */
  readonly readDatabase: (timeoutMs: number) => Promise<void>;
  /** When the queue last looked for due jobs and got an answer, or `null` before the first. */
  readonly lastQueuePollAt: () => Date | null;
  /** Jobs this worker runs now. */
  readonly runningJobs: () => number;
  /** `MAX_CONCURRENT_JOBS`: a worker running that many does not look for more, so its queue poll may be old. */
  readonly maxConcurrentJobs: number;
  /** `WATCHDOG_INTERVAL_MS`. */
  readonly watchdogIntervalMs: number;
  /** `WATCHDOG_TIMEOUT_MS`. */
  readonly watchdogTimeoutMs: number;
  /** Clock in ms; default `Date.now`. */
  readonly nowMs?: () => number;
}

/** Longest age of the queue's last poll for a ready worker, in ms, at least (see {@link createWorkerHealth}). */
const QUEUE_POLL_MAX_AGE_MS = 30_000;

/**
 * The worker's `/healthz` and `/readyz`. Live: the process answers (a
 * connection the watchdog cannot repair makes the worker exit). Ready: a
 * read of the database made for the check answers within
 * `READINESS_TIMEOUT_MS` (2 s; `ping` is not enough: a stalled database still
 * answers it), the database answered the watchdog's last probe (none failed
 * since, and the answer is at most two intervals plus the probe deadline
 * old, so a hung probe counts too), and the queue looked for due jobs within
 * the last 30 s (or three watchdog intervals if longer), or the worker is
 * busy with `MAX_CONCURRENT_JOBS` jobs and so looks for none. A verdict
 * that is not ready names each failed condition in `reason`.
 *
 * @param sources - where the figures come from
 * @returns the checks the metrics server serves
 */
export function createWorkerHealth(sources: WorkerHealthSources): WorkerHealth {
  const now = sources.nowMs ?? Date.now;
  const ageMs = (at: Date | null): number | null => (at === null ? null : now() - at.getTime());
  return {
    live(): HealthVerdict {
      // Answering at all is the proof of life: a connection past repair makes the worker exit instead.
      return { ok: true, detail: { rebuilds: sources.watchdog().rebuilds } };
    },
    async ready(): Promise<HealthVerdict> {
      const readError = await sources.readDatabase(READINESS_TIMEOUT_MS).then(
        () => null,
        (error: unknown) => describeError(error),
      );
      const state = sources.watchdog();
      const { rebuilds } = state;
      const timings = { intervalMs: sources.watchdogIntervalMs, timeoutMs: sources.watchdogTimeoutMs };
      const { ok: databaseOk, ageMs: databaseAgeMs } = databaseAnswers(state, timings, now());
      const queuePollAgeMs = ageMs(sources.lastQueuePollAt());
      const runningJobs = sources.runningJobs();
      const busy = runningJobs >= sources.maxConcurrentJobs;
      const queueOk =
        busy || (queuePollAgeMs !== null && queuePollAgeMs <= Math.max(QUEUE_POLL_MAX_AGE_MS, 3 * sources.watchdogIntervalMs));
      const reasons = [
        ...(readError === null ? [] : [readError]),
        ...(databaseOk ? [] : [`the watchdog's last probe failed or is older than ${2 * timings.intervalMs + timings.timeoutMs} ms`]),
        ...(queueOk ? [] : ['the queue has not looked for due jobs recently']),
      ];
      return {
        ok: reasons.length === 0,
        detail: {
          databaseRead: readError === null,
          databaseOk,
          databaseAgeMs,
          queuePollAgeMs,
          runningJobs,
          rebuilds,
          ...(reasons.length === 0 ? {} : { reason: reasons.join('; ') }),
        },
      };
    },
  };
}

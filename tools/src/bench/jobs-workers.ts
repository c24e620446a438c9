import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startChildService } from '../process/child-service.js';
import type { ChildService } from '../process/child-service.js';
import { treeRssBytes } from './jobs-procfs.js';

/** Worker processes started for one benchmark phase, with their peak memory. */
export interface BenchWorkers {
  /** The processes. */
  readonly services: readonly ChildService[];
  /** Highest RSS seen per worker so far: the Node process alone and with its Chromium. */
  readonly peaks: readonly { ownBytes: number; treeBytes: number }[];
  /** Stops sampling and every worker (SIGTERM). */
  stop(): Promise<void>;
}

/** Settings of {@link startBenchWorkers}. */
export interface BenchWorkerOptions {
  /** The built worker entry. */
  readonly script: string;
  /** How many processes. */
  readonly count: number;
  /** Environment of every worker (`MONGODB_URI`, `MONGODB_DB`, …). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the logs go (one file per worker). */
  readonly logDir: string;
  /** The workers' photo folder (`PHX_IMAGES_DIR`), which the caller removes (see `createBenchScratch`). */
  readonly imagesDir: string;
  /** Phase name, part of the worker names. */
  readonly phase: string;
}

/**
 * Starts worker processes and samples their memory every 250 ms.
 *
 * @param options - entry, count, environment, log folder
 * @returns the running workers
 * @throws Error when a worker does not get ready (its log file is named)
 */
export async function startBenchWorkers(options: BenchWorkerOptions): Promise<BenchWorkers> {
  const imagesDir = options.imagesDir;
  const services = await Promise.all(
    Array.from({ length: options.count }, (_, i) =>
      withRetries(10, () =>
        startChildService({
          name: `worker ${i + 1}`,
          script: options.script,
          env: { PHX_IMAGES_DIR: imagesDir, METRICS_PORT: '0', ...options.env, WORKER_NAME: `bench-${options.phase}-${i + 1}` },
          readyPattern: /worker ready/,
          logFile: join(options.logDir, `${options.phase}-worker-${i + 1}.log`),
        }),
      ),
    ),
  );
  const peaks = services.map(() => ({ ownBytes: 0, treeBytes: 0 }));
  const sample = async (): Promise<void> => {
    await Promise.all(
      services.map(async (s, i) => {
        const pid = s.child.pid;
        const peak = peaks[i];
        if (pid === undefined || peak === undefined) return;
        const now = await treeRssBytes(pid);
        peak.ownBytes = Math.max(peak.ownBytes, now.ownBytes);
        peak.treeBytes = Math.max(peak.treeBytes, now.treeBytes);
      }),
    );
  };
  const timer = setInterval(() => void sample(), 250);
  return {
    services,
    peaks,
    async stop() {
      clearInterval(timer);
      await Promise.all(services.map((s) => s.stop()));
    },
  };
}

/** Runs `start` up to `attempts` times, 2 s apart: a build running beside the benchmark can briefly remove files a starting worker loads. */
async function withRetries<T>(attempts: number, start: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await start();
    } catch (error) {
      if (i >= attempts) throw error;
      await sleep(2_000);
    }
  }
}

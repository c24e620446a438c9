import type { Db } from 'mongodb';
import type { Logger, PropertyExtracting } from '@phx/core';
import { ExtractionMetrics, observeExtractor } from '@phx/jobs';
import type { JobRepository } from '@phx/jobs';
import type { ExtractorFactory } from '@phx/jobs/worker';
import type { WorkerConfig } from './config.js';
import { startMetricsServer } from './metrics.server.js';
import type { MetricsServer, WorkerHealth } from './metrics.server.js';

/** The worker's metrics, wired to its queue, extractors and `/metrics` endpoint. */
export interface WorkerMetrics {
  /**
   * Wraps a job's extractor so its photo events are counted.
   *
   * @param extractor - the extractor for one job
   * @returns the same extractor, observed
   */
  observe(extractor: PropertyExtracting): PropertyExtracting;
  /**
   * Sets `extraction_workers_active` for this worker.
   *
   * @param active - `true` once the queue runs, `false` when stopping
   */
  setActive(active: boolean): void;
  /** Stops the endpoint (when one was started). Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the worker's Prometheus metrics (`ExtractionMetrics` of `@phx/jobs`,
 * plus Node's process metrics), follows the queue's job ends, reads circuit
 * states from the extractor factory, and serves `/metrics` (and `/healthz`,
 * `/readyz` when `health` is given) on
 * `METRICS_HOST:METRICS_PORT` unless the port is 0. Logs `metrics listening`
 * with the URL; when the port cannot be bound (taken by another worker on
 * this machine) it logs an error and the worker runs without the endpoint.
 *
 * @param deps - configuration, database, queue, job documents, extractors, logger, health (all borrowed)
 * @returns the metrics handle
 */
export async function createWorkerMetrics(deps: {
  readonly config: Pick<WorkerConfig, 'metricsPort' | 'metricsHost' | 'workerName'>;
  readonly db: Db;
  readonly agenda: Parameters<ExtractionMetrics['watchQueue']>[0];
  readonly repository: JobRepository;
  readonly extractors: ExtractorFactory;
  readonly logger: Logger;
  /** `/healthz` and `/readyz` on the same port; default none. */
  readonly health?: WorkerHealth;
}): Promise<WorkerMetrics> {
  const { config, logger } = deps;
  const metrics = new ExtractionMetrics({
    db: deps.db,
    circuitStates: () => deps.extractors.circuitStates(),
    processMetrics: true,
    logger,
  });
  metrics.watchQueue(deps.agenda, { repository: deps.repository, workerName: config.workerName });
  let server: MetricsServer | null = null;
  if (config.metricsPort !== 0) {
    try {
      server = await startMetricsServer(metrics, {
        port: config.metricsPort,
        host: config.metricsHost,
        logger,
        ...(deps.health === undefined ? {} : { health: deps.health }),
      });
      logger.info({ url: server.url }, 'metrics listening');
    } catch (error) {
      // A taken port (a second worker on this machine) must not stop the extractions.
      logger.error(
        { port: config.metricsPort, err: error instanceof Error ? error.message : String(error) },
        'metrics endpoint not started; set METRICS_PORT per worker (0 = off)',
      );
    }
  }
  return {
    observe: (extractor) => observeExtractor(extractor, (event) => metrics.recordEvent(event)),
    setActive: (active) => metrics.setActive(active),
    close: async () => server?.close(),
  };
}

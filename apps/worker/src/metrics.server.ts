import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@phx/core';
import type { ExtractionMetrics } from '@phx/jobs';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) from the worker's metrics
 * registry; other paths and methods get 404 or 405.
 *
 * @param metrics - the worker's metrics (borrowed)
 * @param options - `port` (0 picks a free one) and `host` to bind; logger for scrape failures
 * @returns the listening server
 * @throws the listen error (port in use, for one)
 */
export async function startMetricsServer(
  metrics: ExtractionMetrics,
  options: { readonly port: number; readonly host: string; readonly logger: Logger },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
      },
    );
  });
  server.listen(options.port, options.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  const address = server.address() as AddressInfo;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${options.host}:${address.port}${METRICS_PATH}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

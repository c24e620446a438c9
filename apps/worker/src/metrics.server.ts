import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '@phx/core';
import type { ExtractionMetrics } from '@phx/jobs';

/** The path Prometheus scrapes. */
export const METRICS_PATH = '/metrics';

/** Liveness path: 200 while the process answers. */
export const HEALTHZ_PATH = '/healthz';
/** Readiness path: 200 when a read of the database answers within 2 s and the queue has polled recently, else 503. */
export const READYZ_PATH = '/readyz';
/** Longest a `/metrics` scrape may take before it answers 503 (some metrics read MongoDB), in ms. */
const SCRAPE_TIMEOUT_MS = 5_000;

/** A health verdict with what it was made from, served as JSON. */
export interface HealthVerdict {
  /** `true`: 200; `false`: 503. */
  readonly ok: boolean;
  /** What the verdict rests on (ages in ms, counts), for the operator. */
  readonly detail: Readonly<Record<string, unknown>>;
}

/** The worker's health checks. */
export interface WorkerHealth {
  /** Liveness (`/healthz`), from memory only: never waits on the database. */
  live(): HealthVerdict;
  /** Readiness (`/readyz`): reads the database under a short deadline, so it resolves within that deadline; never rejects. */
  ready(): Promise<HealthVerdict>;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  /** Stops listening and closes open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text format) from the worker's metrics
 * registry (503 when a scrape fails or takes over 5 s, e.g. while MongoDB
 * does not answer), and with `health` `/healthz` and `/readyz` (200 or 503,
 * JSON detail; `/readyz` reads the database, so it answers within its 2 s
 * deadline); other paths and methods get 404 or 405.
 *
 * @param metrics - the worker's metrics (borrowed)
 * @param options - `port` (0 picks a free one) and `host` to bind; logger for scrape failures; health checks
 * @returns the listening server
 * @throws the listen error (port in use, for one)
 */
export async function startMetricsServer(
  metrics: ExtractionMetrics,
  options: { readonly port: number; readonly host: string; readonly logger: Logger; readonly health?: WorkerHealth },
): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const health = options.health;
    if (health !== undefined && (path === HEALTHZ_PATH || path === READYZ_PATH)) {
      void (path === HEALTHZ_PATH ? Promise.resolve(health.live()) : health.ready()).then((verdict) => {
        res
          .writeHead(verdict.ok ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: verdict.ok, ...verdict.detail }));
      });
      return;
    }
    if (path !== METRICS_PATH) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    withTimeout(metrics.registry.metrics(), SCRAPE_TIMEOUT_MS).then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics scrape failed');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics could not be collected\n');
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

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

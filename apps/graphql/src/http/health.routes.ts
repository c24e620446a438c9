import type { Logger } from '@phx/core';
import { Router } from 'express';

/** Options of {@link createHealthRouter}. */
export interface HealthRouterOptions {
  /** Resolves when the server can serve requests (a read of the database answers in time); rejects, naming why, otherwise. */
  readonly checkReadiness: () => Promise<void>;
  /** Longest wait for `checkReadiness` before answering 503, in ms (a backstop: the check has its own, shorter deadline). */
  readonly readinessTimeoutMs: number;
  /** Whether the failure reason may be shown (outside production). */
  readonly exposeReasons: boolean;
  /** Logs failed readiness checks. */
  readonly logger: Logger;
}

/**
 * Makes the health-check routes: `GET /healthz` answers 200 while the
 * process serves HTTP (liveness); `GET /readyz` answers 200 when
 * `checkReadiness` succeeds in time and 503 otherwise (readiness). Both
 * answer JSON and are never cached.
 *
 * @param options - readiness check, timeout, logger
 * @returns an Express router
 */
export function createHealthRouter(options: HealthRouterOptions): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    res.set('cache-control', 'no-store');
    try {
      await withTimeout(options.checkReadiness(), options.readinessTimeoutMs);
      res.json({ status: 'ready' });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn({ reason }, 'graphql not ready');
      res.status(503).json({ status: 'unavailable', ...(options.exposeReasons ? { reason } : {}) });
    }
  });
  return router;
}

async function withTimeout(check: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

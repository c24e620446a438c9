import { Router, type RequestHandler } from 'express';
import type { GraphqlMetrics } from './graphql-metrics.js';

/** Path of the Prometheus endpoint. */
export const METRICS_PATH = '/metrics';

/**
 * Makes the `GET /metrics` route (Prometheus text format), behind the API
 * key check (Prometheus sends the key with `authorization: { credentials: <key> }`).
 *
 * @param metrics - the server's metrics
 * @param requireKey - the API key middleware
 * @returns an Express router
 */
export function createMetricsRouter(metrics: GraphqlMetrics, requireKey: RequestHandler): Router {
  const router = Router();
  router.get(METRICS_PATH, requireKey, async (_req, res, next) => {
    try {
      const body = await metrics.registry.metrics();
      res.set('content-type', metrics.registry.contentType).set('cache-control', 'no-store').send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

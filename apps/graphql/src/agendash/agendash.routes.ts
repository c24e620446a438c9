import type { createAgenda } from '@phx/jobs';
import { createExpressMiddleware } from 'agendash';
import { Router, type RequestHandler } from 'express';
import { principalOf } from '../auth/http-access.middleware.js';
import { sendJsonRefusal } from '../http/json-refusal.js';

/** Where Agendash is mounted. */
export const AGENDASH_PATH = '/agendash';

/** The Agenda queue Agendash shows: the one `createAgenda` of `@phx/jobs` makes (the server's `agenda` service). */
export type AgendashQueue = Awaited<ReturnType<typeof createAgenda>>;

/** Options of {@link createAgendashRouter}. */
export interface AgendashRouterOptions {
  /** The queue, connected to the server's database. Absent: `/agendash` answers 404 saying so. Borrowed. */
  readonly agenda?: AgendashQueue | undefined;
  /** The API key middleware (it stores the principal {@link principalOf} reads). */
  readonly requireKey: RequestHandler;
}

/**
 * Makes the routes of Agendash (npm `agendash`, the dashboard of Agenda v6)
 * under `/agendash/`: its page, assets and JSON API (`/agendash/api`,
 * `/agendash/api/jobs/...`), with Agendash's own Content-Security-Policy
 * (left as it is) plus `X-Frame-Options: DENY`, `nosniff` and `Referrer-Policy: no-referrer`.
 * Admin keys only: no key 401 `UNAUTHENTICATED`, a read key 403 `FORBIDDEN`
 * (JSON, as every keyed route). Without an `agenda` an admin gets 404
 * `NOT_FOUND` naming why. Agendash can change the queue (requeue, delete,
 * create jobs), hence admin only.
 *
 * @param options - the queue, key middleware
 * @returns an Express router
 */
export function createAgendashRouter(options: AgendashRouterOptions): Router {
  const router = Router();
  const requireAdmin: RequestHandler = (_req, res, next) => {
    const principal = principalOf(res);
    if (principal.role === 'admin') return next();
    sendJsonRefusal(
      res,
      403,
      'FORBIDDEN',
      `API key ${principal.keyId} (${principal.name}) has role "${principal.role}"; Agendash needs an "admin" key`,
    );
  };
  const dashboard: RequestHandler =
    options.agenda === undefined
      ? (_req, res) =>
          sendJsonRefusal(
            res,
            404,
            'NOT_FOUND',
            'Agendash is not available: this server was started without an Agenda queue (option agenda)',
          )
      : createExpressMiddleware(options.agenda);
  // Agendash's own CSP does not forbid framing: an admin page is never framed, sniffed or named in a Referer.
  const hardening: RequestHandler = (_req, res, next) => {
    res.set('x-frame-options', 'DENY').set('x-content-type-options', 'nosniff').set('referrer-policy', 'no-referrer');
    next();
  };
  router.use(AGENDASH_PATH, options.requireKey, requireAdmin, hardening, dashboard);
  return router;
}

import type { BrowserContext, Route } from 'playwright-core';
import { BrowserPool } from '../../src/browser/index.js';
import { installReplayRoutes } from '../../src/replay/index.js';
import type { ReplayArchive } from '../../src/replay/index.js';

/** What test code answers one intercepted request with; `hit` counts the requests from 1. */
export type Intercept = (route: Route, hit: number) => Promise<void>;

/** A pool whose pages are answered by a replay archive, except the requests `intercept` answers. */
export interface InterceptedPool {
  /** The pool; the caller closes it. */
  readonly pool: BrowserPool;
  /** How many requests were intercepted so far. */
  readonly hits: () => number;
  /** When each intercepted request came, in ms since the epoch, in order. */
  readonly times: readonly number[];
}

/**
 * A pool replaying the saved pages of `archive`, where `intercept` answers
 * the requests whose URL matches `glob` (Playwright route pattern), counting them.
 *
 * @param archive - the saved answers
 * @param glob - the URL or pattern to intercept
 * @param intercept - answers each intercepted request (fulfil, fall back to the archive, or hang)
 * @returns the pool and the requests seen
 */
export function interceptedPool(archive: ReplayArchive, glob: string, intercept: Intercept): InterceptedPool {
  const times: number[] = [];
  const pool = new BrowserPool({
    setupContext: async (context: BrowserContext) => {
      await installReplayRoutes(context, archive);
      await context.route(glob, (route) => {
        times.push(Date.now());
        return intercept(route, times.length);
      });
    },
  });
  return { pool, hits: () => times.length, times };
}

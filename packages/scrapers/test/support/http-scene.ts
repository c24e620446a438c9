import { BrowserPool } from '../../src/browser/index.js';
import { HttpPageClient } from '../../src/http/index.js';
import type { HttpPageClientOptions } from '../../src/http/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/index.js';
import type { PolitenessOptions } from '../../src/politeness/index.js';
import { ReplayArchive, ReplayPhotoServer, createReplayDispatcher, installReplayRoutes } from '../../src/replay/index.js';
import type { ReplayPageInput } from '../../src/replay/index.js';
import type { Dispatcher } from 'undici';
import { fixturesDir } from './fixtures.js';

/** A plain client and a browser pool, each answered by its own replay archive (the site may answer them differently). */
export interface HttpScene {
  /** The plain client, answered by the replay server of `httpPages`. */
  readonly http: HttpPageClient;
  /** A pool answered by the routes of `browserPages` (launched only when a page is read in the browser). */
  readonly pool: BrowserPool;
  /** Every request the plain client sent, in order (`https://host/path?query`). */
  readonly requests: string[];
  /** Scraper options for this scene (pool, client, replay politeness). */
  readonly scraperOptions: {
    readonly pool: BrowserPool;
    readonly http: HttpPageClient;
    readonly politenessDefaults: typeof REPLAY_POLITENESS_OPTIONS;
    readonly politeness: PolitenessOptions;
    readonly settleMs: number;
  };
  /** Closes the pool, the dispatcher and the server. */
  close(): Promise<void>;
}

/**
 * Builds a scene where the plain client sees the saved pages plus `httpPages`
 * and Chromium sees the saved pages plus `browserPages` (e.g. a wall served
 * to plain clients only).
 *
 * @param options - extra pages of each side, politeness, client options, pool options
 * @returns the scene; close it
 */
export async function httpScene(
  options: {
    readonly httpPages?: readonly ReplayPageInput[];
    readonly browserPages?: readonly ReplayPageInput[];
    readonly politeness?: PolitenessOptions;
    readonly client?: Omit<HttpPageClientOptions, 'dispatcher'>;
    readonly chromiumPath?: string;
  } = {},
): Promise<HttpScene> {
  const httpArchive = await ReplayArchive.load({ fixturesDir, extraPages: options.httpPages ?? [] });
  const browserArchive = await ReplayArchive.load({ fixturesDir, extraPages: options.browserPages ?? [] });
  const server = await ReplayPhotoServer.start(httpArchive);
  const requests: string[] = [];
  const base = createReplayDispatcher(server.origin);
  const counted: Dispatcher = base.compose((dispatch) => (opts, handler) => {
    requests.push(`${String(opts.origin)}${opts.path}`);
    return dispatch(opts, handler);
  });
  const http = new HttpPageClient({ timeoutMs: 10_000, ...options.client, dispatcher: counted });
  const pool = new BrowserPool({
    setupContext: (context) => installReplayRoutes(context, browserArchive),
    networkHosts: [],
    ...(options.chromiumPath === undefined ? {} : { chromiumPath: options.chromiumPath }),
  });
  return {
    http,
    pool,
    requests,
    scraperOptions: {
      pool,
      http,
      politenessDefaults: REPLAY_POLITENESS_OPTIONS,
      politeness: { maxRetries: 0, ...options.politeness },
      settleMs: 500,
    },
    async close() {
      await pool.close();
      await base.close();
      await server.close();
    },
  };
}

/** A saved answer for `extraPages`. */
export function answer(
  status: number,
  body: string | Buffer,
  contentType = 'text/html; charset=utf-8',
  headers: Record<string, string> = {},
  delayMs?: number,
): ReplayPageInput['response'] {
  return {
    status,
    contentType,
    body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    headers,
    ...(delayMs === undefined ? {} : { delayMs }),
  };
}

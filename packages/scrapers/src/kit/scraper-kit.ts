import { InvalidInputError, SOURCES, parseInput } from '@phx/core';
import type { Logger, Source } from '@phx/core';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { BrowserPool } from '../browser/browser-pool.js';
import type { BrowserPoolOptions } from '../browser/browser-pool-options.js';
import { HttpPhotoFetcher } from '../download/http-photo-fetcher.js';
import { PolitePhotoFetcher } from '../download/polite-photo-fetcher.js';
import { HttpPageClient } from '../http/http-page-client.js';
import { DEFAULT_POLITENESS_OPTIONS, REPLAY_POLITENESS_OPTIONS, resolvePolitenessOptions } from '../politeness/politeness-options.js';
import { RedfinScraper } from '../redfin/redfin-scraper.js';
import { ReplayArchive } from '../replay/replay-archive.js';
import { createReplayDispatcher } from '../replay/replay-dispatcher.js';
import { ReplayPhotoServer } from '../replay/replay-photo-server.js';
import { installReplayRoutes } from '../replay/replay-routes.js';
import { ProxyConfiguration } from '../sessions/proxy-configuration.js';
import { SessionPool } from '../sessions/session-pool.js';
import { ZillowScraper } from '../zillow/zillow-scraper.js';
import { checkScraperKitPaths } from './scraper-kit-paths.js';
import { scraperKitOptionsSchema } from './scraper-kit-options.js';
import type { ResolvedScraperKitOptions, ScraperKitOptions } from './scraper-kit-options.js';

// Replay answers every request through routes, so Chromium itself may connect nowhere (networkHosts: []).
function contextSetup(
  mode: ResolvedScraperKitOptions['mode'],
  archive: ReplayArchive | null,
): Pick<BrowserPoolOptions, 'setupContext' | 'recordHarPath' | 'networkHosts'> {
  if (archive !== null) return { setupContext: (context) => installReplayRoutes(context, archive), networkHosts: [] };
  if (mode.kind === 'record') return { recordHarPath: mode.harPath };
  if (mode.kind === 'har') {
    const harPath = mode.harPath;
    return {
      networkHosts: [],
      setupContext: (context) =>
        context.routeFromHAR(harPath, { notFound: 'abort' }).catch((cause: unknown) => {
          // Checked at creation already; this catches a HAR changed or removed since.
          const detail = cause instanceof Error ? (cause.message.split('\n', 1)[0] ?? '') : String(cause);
          throw new InvalidInputError(
            'scraper kit options',
            [{ path: 'mode.harPath', message: `"${harPath}" cannot be replayed: ${detail}` }],
            { cause },
          );
        }),
    };
  }
  return {};
}

/**
 * One {@link SessionPool} per source that has proxies (`ScraperKitOptions.proxies`); sources without any get none
 * and connect directly.
 */
function sessionPoolsOf(
  proxies: ResolvedScraperKitOptions['proxies'],
  baseDispatcher: Dispatcher,
  logger: Logger,
): Partial<Record<Source, SessionPool>> {
  const pools: Partial<Record<Source, SessionPool>> = {};
  for (const source of SOURCES) {
    const proxyUrls = proxies[source] ?? [];
    if (proxyUrls.length === 0) continue;
    pools[source] = new SessionPool({ source, proxyConfiguration: new ProxyConfiguration({ proxyUrls }), baseDispatcher, logger });
  }
  return pools;
}

/** What {@link createScraperKit} builds; the caller owns it and must `close()` it. */
export interface ScraperKit {
  /** One scraper per source, sharing one browser pool. */
  readonly scrapers: Readonly<Record<Source, ZillowScraper | RedfinScraper>>;
  /** The photo downloader: rate-limited and retried (in replay mode, served by the local replay photo server); closed with the kit. */
  readonly fetcher: PolitePhotoFetcher;
  /** The session pool of each source that has proxies (`ScraperKitOptions.proxies`); closed with the kit. */
  readonly sessions: Readonly<Partial<Record<Source, SessionPool>>>;
  /** The browser pool the scrapers use (never launched when every call runs in fetch mode `http`). */
  readonly pool: BrowserPool;
  /** The plain HTTP client of the `http` and `auto` fetch modes (in replay, answered by the local replay server); closed with the kit. */
  readonly http: HttpPageClient;
  /** The replay archive in replay mode, else `null`. */
  readonly archive: ReplayArchive | null;
  /**
   * Cancels every call in flight or waiting (listPhotos, findListingUrl,
   * fetchPhoto: they reject with `CancelledError`), then closes the
   * browsers, the replay photo server and the HTTP connections. Later calls
   * reject with `CancelledError` too. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Builds the Zillow and Redfin scrapers and the photo fetcher the apps use,
 * live or in replay. Pages are fetched in the kit's `fetchMode` (default
 * `auto`: plain HTTP first, Chromium when needed). In replay mode the browser
 * loads the real https URLs and a context route answers them with the saved
 * pages; the plain client and photo downloads reach a local server that
 * answers from the same archive and plays the photo hosts. With
 * `fetchMode: 'http'` Chromium is neither checked nor launched.
 *
 * @param options - mode, fetch mode, isolation, Chromium path, logger, timeouts, page and photo size caps
 * @returns the kit; nothing is launched until the first page
 * @throws `InvalidInputError` (core) listing every bad option: a missing or empty fixtures folder
 *   (`mode.fixturesDir`), a missing HAR file, a folder or a file that is not a HAR (not JSON, no
 *   `log.entries`) to replay, or a missing folder to record into (`mode.harPath`), a Chromium that is missing or not
 *   executable (`chromiumPath`), backoff bounds that contradict each other (`politeness.initialBackoffMs`,
 *   `politeness.maxBackoffMs`), each naming the path or value and what is wrong
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * declare const property: Property, listingUrl: string;
 * const kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: '../shared/fixtures' } });
 * try {
 *   const gallery = await kit.scrapers.zillow.listPhotos({ property, listingUrl });
 *   const [first] = gallery.photos;
 *   if (first !== undefined) await kit.fetcher.fetchPhoto({ url: first.url });
 * } finally {
 *   await kit.close();
 * }
 * ```
 */
export async function createScraperKit(options: ScraperKitOptions): Promise<ScraperKit> {
  // Past this line only the parsed options `o` are read: defaults filled in, every field checked.
  const o = parseInput(scraperKitOptionsSchema, options, 'scraper kit options');
  const logger = o.logger.child({ component: 'scraper-kit' });
  let archive: ReplayArchive | null = null;
  let photoServer: ReplayPhotoServer | null = null;
  let dispatcher: Dispatcher | null = null;
  const pathIssues = await checkScraperKitPaths(o.mode, o.fetchMode === 'http' ? null : o.chromiumPath);
  if (pathIssues.length > 0) throw new InvalidInputError('scraper kit options', pathIssues);
  const politenessDefaults = o.mode.kind === 'live' || o.mode.kind === 'record' ? DEFAULT_POLITENESS_OPTIONS : REPLAY_POLITENESS_OPTIONS;
  resolvePolitenessOptions(o.politeness, politenessDefaults); // nonsensical combinations fail here, before anything starts
  if (o.mode.kind === 'replay') {
    const { fixturesDir, extraPages } = o.mode;
    archive = await ReplayArchive.load({ fixturesDir, extraPages });
    photoServer = await ReplayPhotoServer.start(archive);
    dispatcher = createReplayDispatcher(photoServer.origin);
    logger.info(
      { fixturesDir, pages: archive.listings.length, photos: archive.photoCount, photoServer: photoServer.origin },
      'replay mode',
    );
  }
  const pool = new BrowserPool({
    isolationMode: o.isolationMode,
    ...(o.retireContextAfterPages === undefined ? {} : { retireContextAfterPages: o.retireContextAfterPages }),
    chromiumPath: o.chromiumPath,
    extraArgs: o.extraChromiumArgs,
    logger: o.logger,
    proxyUrls: [...(o.proxies.zillow ?? []), ...(o.proxies.redfin ?? [])],
    ...contextSetup(o.mode, archive),
  });
  if (o.mode.kind === 'record' || o.mode.kind === 'har') logger.info({ mode: o.mode.kind, harPath: o.mode.harPath }, 'HAR mode');
  const politeness = { ...(o.politeness === undefined ? {} : { politeness: o.politeness }), politenessDefaults };
  // record and har replay what Chromium loads: plain HTTP would bypass them.
  const viaBrowserOnly = o.mode.kind === 'record' || o.mode.kind === 'har';
  const pageDispatcher = dispatcher ?? new Agent({ connections: 16 });
  const http = new HttpPageClient({ dispatcher: pageDispatcher, timeoutMs: o.navigationTimeoutMs, maxBodyBytes: o.maxPageBytes });
  const sessionPools = sessionPoolsOf(o.proxies, pageDispatcher, o.logger);
  const scraperOptions = {
    pool,
    http,
    fetchMode: viaBrowserOnly ? ('browser' as const) : o.fetchMode,
    browserOnlySources: o.browserOnlySources,
    ...(o.autoFetch === undefined ? {} : { autoFetch: o.autoFetch }),
    navigationTimeoutMs: o.navigationTimeoutMs,
    logger: o.logger,
    ...politeness,
  };
  const httpFetcher = new HttpPhotoFetcher({
    timeoutMs: o.downloadTimeoutMs,
    maxBytes: o.maxPhotoBytes,
    logger: o.logger,
    ...(dispatcher === null ? {} : { dispatcher }),
  });
  const fetcher = new PolitePhotoFetcher({ fetcher: httpFetcher, logger: o.logger, ...politeness });
  let closing: Promise<void> | null = null;
  return {
    scrapers: Object.freeze({
      zillow: new ZillowScraper({ ...scraperOptions, sessions: sessionPools.zillow ?? null }),
      redfin: new RedfinScraper({ ...scraperOptions, sessions: sessionPools.redfin ?? null }),
    }),
    sessions: Object.freeze(sessionPools),
    fetcher,
    pool,
    http,
    archive,
    close(): Promise<void> {
      closing ??= (async () => {
        fetcher.close(); // first, synchronously: a download cut by the closing dispatcher is then a cancellation
        await pool.close();
        await Promise.all(Object.values(sessionPools).map((sessions) => sessions.close()));
        await dispatcher?.close().catch(() => undefined);
        if (pageDispatcher !== dispatcher) await pageDispatcher.close().catch(() => undefined);
        await photoServer?.close();
      })();
      return closing;
    },
  };
}

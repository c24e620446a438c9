import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../src/browser/index.js';
import { browserPid } from '../../src/browser/browser-process.js';
import { BotWallError, BrowserCrashedError, NavigationError, SourceBlockedError } from '../../src/errors/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/index.js';
import type { PolitenessOptions } from '../../src/politeness/index.js';
import { RedfinScraper } from '../../src/redfin/index.js';
import { ReplayArchive } from '../../src/replay/index.js';
import { ZillowScraper } from '../../src/zillow/index.js';
import { fixturesDir, readOwnFixture } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';
import { interceptedPool } from '../support/replay-scene.js';
import type { Intercept, InterceptedPool } from '../support/replay-scene.js';

const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const VANCOUVER = 'https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679';

let archive: ReplayArchive;
const pools: BrowserPool[] = [];

beforeAll(async () => {
  archive = await ReplayArchive.load({ fixturesDir });
});

afterEach(async () => {
  const pids = chromiumProcessesOfThisTest();
  await Promise.all(pools.splice(0).map((p) => p.close()));
  const deadline = Date.now() + 10_000;
  while (stillAlive(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(stillAlive(pids)).toEqual([]);
});

/** A pool replaying the saved pages, where `intercept` answers the requests for `url` (counting them). */
function scene(url: string, intercept: Intercept): InterceptedPool {
  const intercepted = interceptedPool(archive, url, intercept);
  pools.push(intercepted.pool);
  return intercepted;
}

function zillow(
  pool: BrowserPool,
  politeness: PolitenessOptions = {},
  extra: { navigationTimeoutMs?: number; attemptTimeoutMs?: number } = {},
): ZillowScraper {
  return new ZillowScraper({
    pool,
    politeness,
    politenessDefaults: REPLAY_POLITENESS_OPTIONS,
    settleMs: 500,
    fetchMode: 'browser',
    ...extra,
  });
}

describe('retries on transient answers (Chromium, replay)', () => {
  it('waits out a 429 with Retry-After in seconds, then reads the listing', async () => {
    const { pool, hits } = scene(AUSTIN, (route, hit) =>
      hit === 1 ? route.fulfill({ status: 429, headers: { 'retry-after': '1' }, body: 'slow down' }) : route.fallback(),
    );
    const started = Date.now();
    const listing = await zillow(pool).listPhotos({ property: property('429'), listingUrl: AUSTIN });
    expect(listing.photos).toHaveLength(38);
    expect(hits()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });

  it('waits out a 503 with Retry-After as an HTTP date', async () => {
    const { pool, hits } = scene(AUSTIN, (route, hit) =>
      hit === 1
        ? route.fulfill({ status: 503, headers: { 'retry-after': new Date(Date.now() + 2_000).toUTCString() }, body: 'maintenance' })
        : route.fallback(),
    );
    const listing = await zillow(pool).listPhotos({ property: property('503'), listingUrl: AUSTIN });
    expect(listing.photos).toHaveLength(38);
    expect(hits()).toBe(2);
  });

  it('gives up after maxRetries with the transient NavigationError, and does not wait out a Retry-After over maxBackoffMs', async () => {
    const always429 = scene(AUSTIN, (route) => route.fulfill({ status: 429, headers: { 'retry-after': '0' }, body: 'no' }));
    const err = await zillow(always429.pool, { maxRetries: 2 })
      .listPhotos({ property: property('x'), listingUrl: AUSTIN })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NavigationError);
    expect((err as NavigationError).status).toBe(429);
    expect(always429.hits()).toBe(3);
    const longWait = scene(AUSTIN, (route) => route.fulfill({ status: 429, headers: { 'retry-after': '3600' }, body: 'no' }));
    const long = await zillow(longWait.pool, { maxBackoffMs: 60_000 })
      .listPhotos({ property: property('y'), listingUrl: AUSTIN })
      .catch((e: unknown) => e);
    expect((long as NavigationError).retryAfterMs).toBe(3_600_000);
    expect(longWait.hits()).toBe(1);
  });

  it('times out a response that never comes as a transient NavigationError', async () => {
    const { pool, hits } = scene(AUSTIN, () => new Promise<void>(() => undefined));
    const started = Date.now();
    const err = await zillow(pool, { maxRetries: 1 }, { navigationTimeoutMs: 2_000 })
      .listPhotos({ property: property('hang'), listingUrl: AUSTIN })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NavigationError);
    expect((err as NavigationError).timedOut).toBe(true);
    expect(hits()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
  });
});

describe('circuit breaker per source (Chromium, replay)', () => {
  it('opens after repeated bot walls and refuses Zillow without a request, while Redfin goes on', async () => {
    const wall = readOwnFixture('zillow-px-captcha-403.html');
    const { pool, hits } = scene('https://www.zillow.com/**', (route) =>
      route.fulfill({ status: 403, contentType: 'text/html', body: wall }),
    );
    const z = zillow(pool, { blocksToOpenCircuit: 2 });
    const redfin = new RedfinScraper({ pool, politenessDefaults: REPLAY_POLITENESS_OPTIONS, settleMs: 500, fetchMode: 'browser' });
    for (const n of [1, 2]) {
      await expect(z.listPhotos({ property: property(`wall ${n}`), listingUrl: AUSTIN })).rejects.toBeInstanceOf(BotWallError);
    }
    const refused = await z.listPhotos({ property: property('wall 3'), listingUrl: AUSTIN }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceBlockedError);
    expect([(refused as SourceBlockedError).kind, (refused as SourceBlockedError).source]).toEqual(['blocked', 'zillow']);
    expect(hits()).toBe(2);
    expect(z.guard.circuitState).toBe('open');
    expect((await redfin.listPhotos({ property: property('redfin'), listingUrl: VANCOUVER })).photos).toHaveLength(40);
  });
});

describe('browser crash and hang (Chromium, replay)', () => {
  it('replaces a Chromium killed in the middle of a property and retries the property once', async () => {
    const { pool, hits } = scene(AUSTIN, async (route, hit) => {
      if (hit > 1) return route.fallback();
      const browser = route.request().frame().page().context().browser();
      const pid = browser === null ? null : browserPid(browser);
      expect(pid).not.toBeNull();
      process.kill(-pid!, 'SIGKILL'); // the whole Chromium, while the page waits for its HTML
    });
    const crashes: string[] = [];
    const z = new ZillowScraper({
      pool,
      politenessDefaults: REPLAY_POLITENESS_OPTIONS,
      settleMs: 500,
      fetchMode: 'browser',
      logger: recordingLogger((msg, ctx) => {
        if (msg.startsWith('browser failed')) crashes.push(String(ctx['failure']));
      }),
    });
    const listing = await z.listPhotos({ property: property('crash'), listingUrl: AUSTIN });
    expect(listing.photos).toHaveLength(38);
    expect(hits()).toBe(2);
    expect(crashes).toEqual(['crashed']);
  });

  it('gives up with BrowserCrashedError when the browser dies on the retry too', async () => {
    const { pool, hits } = scene(AUSTIN, async (route) => {
      const browser = route.request().frame().page().context().browser();
      process.kill(-browserPid(browser!)!, 'SIGKILL');
    });
    const err = await zillow(pool)
      .listPhotos({ property: property('crash twice'), listingUrl: AUSTIN })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserCrashedError);
    expect((err as BrowserCrashedError).failure).toBe('crashed');
    expect(hits()).toBe(2);
  });

  it('kills a Chromium that stops answering (SIGSTOP), replaces it and retries once', async () => {
    const { pool, hits } = scene(AUSTIN, async (route, hit) => {
      if (hit > 1) return route.fallback();
      const browser = route.request().frame().page().context().browser();
      process.kill(-browserPid(browser!)!, 'SIGSTOP'); // frozen: it answers nothing, not even Browser.close
    });
    const listing = await zillow(pool, {}, { navigationTimeoutMs: 4_000, attemptTimeoutMs: 6_000 }).listPhotos({
      property: property('hung'),
      listingUrl: AUSTIN,
    });
    expect(listing.photos).toHaveLength(38);
    expect(hits()).toBe(2);
  });
});

function recordingLogger(onWarn: (msg: string, ctx: Record<string, unknown>) => void) {
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (ctx: Record<string, unknown>, msg: string) => onWarn(msg, ctx),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

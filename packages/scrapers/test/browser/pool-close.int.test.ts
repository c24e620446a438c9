import { CancelledError } from '@phx/core';
import type { BrowserContext, Route } from 'playwright-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/index.js';
import { ReplayArchive, installReplayRoutes } from '../../src/replay/index.js';
import { ZillowScraper } from '../../src/zillow/index.js';
import { fixturesDir, readListing } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';

const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
/** A listing URL whose answer never comes (held by the test's route). */
const HANGING_LISTING = 'https://www.zillow.com/homedetails/9-Held-St-Phoenix-AZ-85001/9_zpid/';
/** A first-party script the saved page loads while parsing; held, so the page's `load` event never fires. */
const HELD_SCRIPT = 'https://www.zillowstatic.com/phx-test/held.js';
/** A script the page adds once its DOM is parsed (the navigation is over); its request is the signal to close. */
const LATE_SCRIPT = 'https://www.zillowstatic.com/phx-test/late.js';

let archive: ReplayArchive;
const pools: BrowserPool[] = [];
const held: Route[] = [];

beforeAll(async () => {
  archive = await ReplayArchive.load({ fixturesDir });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  held.splice(0);
});

/** Resolves the first time the route of `url` is hit; the request is held, never answered. */
function holdRequests(url: string): { setup: (context: BrowserContext) => Promise<void>; arrived: Promise<void> } {
  let arrive: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    arrive = resolve;
  });
  const setup = async (context: BrowserContext): Promise<void> => {
    await context.route(url, (route) => {
      held.push(route);
      arrive();
    });
  };
  return { setup, arrived };
}

/** A pool on the saved pages, plus what `extra` installs after the replay routes (so it answers first). */
function replayPool(extra: (context: BrowserContext) => Promise<void>): BrowserPool {
  const pool = new BrowserPool({
    isolationMode: 'context',
    setupContext: async (context) => {
      await installReplayRoutes(context, archive);
      await extra(context);
    },
  });
  pools.push(pool);
  return pool;
}

function zillow(pool: BrowserPool, settleMs = 500): ZillowScraper {
  return new ZillowScraper({
    pool,
    politeness: { pageConcurrency: 1, maxBackoffMs: 3_600_000 },
    politenessDefaults: REPLAY_POLITENESS_OPTIONS,
    settleMs,
    fetchMode: 'browser',
  });
}

async function expectNoChromiumLeft(pids: readonly number[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (stillAlive(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(stillAlive(pids)).toEqual([]);
  expect(chromiumProcessesOfThisTest()).toEqual([]);
}

function outcomes(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? 'fulfilled' : (r.reason as Error).constructor.name));
}

describe('BrowserPool.close() while listPhotos calls run or wait for a slot (Chromium, replay)', () => {
  it('rejects the running call and the three queued behind it with CancelledError, and leaves no Chromium', async () => {
    const hold = holdRequests(HANGING_LISTING);
    const pool = replayPool(hold.setup);
    const scraper = zillow(pool);
    const calls = [
      scraper.listPhotos({ property: property('running'), listingUrl: HANGING_LISTING }),
      scraper.listPhotos({ property: property('queued 1'), listingUrl: AUSTIN }),
      scraper.listPhotos({ property: property('queued 2'), listingUrl: AUSTIN }),
      scraper.listPhotos({ property: property('queued 3'), listingUrl: AUSTIN }),
    ];
    const settled = Promise.allSettled(calls); // handled from the start: the rejections come during close()
    await hold.arrived;
    const pids = chromiumProcessesOfThisTest();
    expect(pids.length).toBeGreaterThan(0);
    await pool.close();
    expect(outcomes(await settled)).toEqual(['CancelledError', 'CancelledError', 'CancelledError', 'CancelledError']);
    await expectNoChromiumLeft(pids);
  });

  it('rejects a call backing off after a 429 (Retry-After 600 s) with CancelledError, not after the wait', async () => {
    let answered: () => void = () => undefined;
    const first429 = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const pool = replayPool(async (context) => {
      await context.route(AUSTIN, async (route) => {
        await route.fulfill({ status: 429, headers: { 'retry-after': '600' }, body: 'slow down' });
        answered();
      });
    });
    const scraper = zillow(pool);
    const settled = Promise.allSettled(
      [1, 2, 3].map((n) => scraper.listPhotos({ property: property(`backoff ${n}`), listingUrl: AUSTIN })),
    );
    await first429;
    const pids = chromiumProcessesOfThisTest();
    await pool.close();
    expect(outcomes(await settled)).toEqual(['CancelledError', 'CancelledError', 'CancelledError']);
    await expectNoChromiumLeft(pids);
  });

  it('reports a page closed under its load as CancelledError, never as PhotoDataMissingError', async () => {
    // The listing's data is withheld from the served HTML (its __NEXT_DATA__ renamed), so the scraper cannot read the page
    // before it has loaded: it waits for the data in the DOM, and the close always comes first.
    const page = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html')
      .replace('id="__NEXT_DATA__"', 'id="__NEXT_DATA_WITHHELD__"')
      .replace(
        '</head>',
        `<script async src="${HELD_SCRIPT}"></script>` +
          `<script>addEventListener('DOMContentLoaded', () => document.head.append(Object.assign(document.createElement('script'), { src: '${LATE_SCRIPT}' })));</script></head>`,
      );
    const early = holdRequests(HELD_SCRIPT);
    const late = holdRequests(LATE_SCRIPT);
    const pool = replayPool(async (context) => {
      await context.route(AUSTIN, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: page }));
      await early.setup(context);
      await late.setup(context);
    });
    const call = zillow(pool, 30_000)
      .listPhotos({ property: property('mid-load'), listingUrl: AUSTIN })
      .catch((e: unknown) => e);
    await late.arrived; // the DOM is parsed (navigation over); the page now waits for its `load` event and its data
    await pool.close();
    const err = await call;
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).message).toBe('browser pool is closed');
  });
});

import { InvalidInputError, toPropertyId } from '@phx/core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import type { BrowserPoolOptions } from '../../src/browser/index.js';
import { ReplayArchive, installReplayRoutes } from '../../src/replay/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { htmlAnswer } from '../support/page-edits.js';
import { HUNG_URL, withHungIframe } from '../support/slow-pages.js';

// Issue 10 item 10: memory over long runs. The shared context of `virtual`
// mode is retired after a number of pages, and a closed page is not kept
// reachable by a route still in flight.
const PAGE_URL = 'https://www.zillow.com/homedetails/1-Retire-St-Phoenix-AZ-85001/1_zpid/';
const HUNG_PAGE_URL = 'https://www.zillow.com/homedetails/2-Retire-St-Phoenix-AZ-85001/2_zpid/';
const a = toPropertyId('1 Retire St, Phoenix, AZ');

let archive: ReplayArchive;
beforeAll(async () => {
  archive = await ReplayArchive.load({
    fixturesDir,
    extraPages: [
      { url: PAGE_URL, response: htmlAnswer('<!DOCTYPE html><html><body><p>test page</p></body></html>') },
      { url: HUNG_PAGE_URL, response: htmlAnswer(withHungIframe('<!DOCTYPE html><html><body><p>hung iframe</p></body></html>')) },
      // Answered after 10 minutes: a request still in flight when its page closes.
      { url: `${HUNG_URL}?frame`, response: { ...htmlAnswer('<html></html>'), delayMs: 600_000 } },
    ],
  });
});

const pools: BrowserPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(options: BrowserPoolOptions = {}): BrowserPool {
  const p = new BrowserPool({ isolationMode: 'virtual', setupContext: (context) => installReplayRoutes(context, archive), ...options });
  pools.push(p);
  return p;
}

/** Loads the test page and gives its context. */
function contextOfPage(p: BrowserPool): Promise<BrowserContext> {
  return p.withPage(a, async (page) => {
    await page.goto(PAGE_URL);
    return page.context();
  });
}

/** What `new BrowserPool(options)` throws, or `null`. */
function constructionError(options: BrowserPoolOptions): unknown {
  try {
    pools.push(new BrowserPool(options));
    return null;
  } catch (error) {
    return error;
  }
}

/** Runs full garbage collections, letting the tasks between them drop what they held (vitest runs with --expose-gc). */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run vitest with --expose-gc (test.execArgv in vitest.config.ts)');
  for (let round = 0; round < 5; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
}

describe('BrowserPool retires the shared context of virtual mode', () => {
  it('after retireContextAfterPages pages, the next page opens in a fresh context and the old one is closed', async () => {
    const p = pool({ retireContextAfterPages: 3 });
    const first = [await contextOfPage(p), await contextOfPage(p), await contextOfPage(p)];
    expect(new Set(first).size).toBe(1);
    const fourth = await contextOfPage(p);
    expect(fourth).not.toBe(first[0]);
    // The browser holds the fresh context only: the retired one was closed once its last page was done.
    expect(fourth.browser()?.contexts()).toEqual([fourth]);
    expect(await contextOfPage(p)).toBe(fourth);
  });

  it('lets a page in flight on the retired context finish, and closes that context after it', async () => {
    const p = pool({ retireContextAfterPages: 2 });
    let letGo: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      letGo = resolve;
    });
    let opened: () => void = () => undefined;
    const pageOpen = new Promise<void>((resolve) => {
      opened = resolve;
    });
    // The first page of the context stays open across the retirement, then loads a page.
    const inFlight = p.withPage(a, async (page) => {
      opened();
      await held;
      await page.goto(PAGE_URL);
      return { context: page.context(), text: await page.textContent('p') };
    });
    await pageOpen;
    const second = await contextOfPage(p); // the context's last page: it is retired now
    const third = await contextOfPage(p);
    expect(third).not.toBe(second);
    // The retired context is still open under the page in flight.
    expect(second.browser()?.contexts()).toEqual([second, third]);
    letGo();
    const done = await inFlight;
    expect(done).toEqual({ context: second, text: 'test page' });
    expect(third.browser()?.contexts()).toEqual([third]);
  });

  it('never retires the context when retireContextAfterPages is null', async () => {
    const p = pool({ retireContextAfterPages: null });
    const first = await contextOfPage(p);
    for (let i = 0; i < 4; i += 1) expect(await contextOfPage(p)).toBe(first);
  });

  it('rejects a retireContextAfterPages that is not a whole number of pages of at least 1, or null', () => {
    for (const bad of [0, -1, 2.5, '100']) {
      const error = constructionError({ retireContextAfterPages: bad as number });
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues.map((i) => i.path)).toEqual(['retireContextAfterPages']);
    }
  });

  it('rejects retiring the context of a pool that records a HAR (one context, one file)', () => {
    const error = constructionError({ recordHarPath: '/tmp/never-written.har', retireContextAfterPages: 50 });
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'retireContextAfterPages',
        message: 'recordHarPath records one context into one file: leave retireContextAfterPages out or null',
      },
    ]);
  });
});

describe('BrowserPool releases closed pages', () => {
  it('does not keep a closed page reachable through a replay route still holding its request', async () => {
    const p = pool({ retireContextAfterPages: null });
    let ref: WeakRef<Page> | undefined;
    const text = await p.withPage(a, async (page) => {
      ref = new WeakRef(page);
      const hungRequest = page.waitForRequest((request) => request.url().startsWith(HUNG_URL));
      await page.goto(HUNG_PAGE_URL, { waitUntil: 'domcontentloaded' });
      // The iframe's request is now held by the replay route for 10 minutes.
      await hungRequest;
      return page.textContent('p');
    });
    expect(text).toBe('hung iframe');
    await collectGarbage();
    expect(ref?.deref()).toBeUndefined();
  });
});

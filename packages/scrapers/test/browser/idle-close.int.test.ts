import { toPropertyId } from '@phx/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import type { BrowserPoolOptions } from '../../src/browser/index.js';
import { ReplayArchive, installReplayRoutes } from '../../src/replay/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { htmlAnswer } from '../support/page-edits.js';

// A pool that read a page now and then (auto mode's fallbacks and sample checks) closes its Chromium while idle.
const PAGE_URL = 'https://www.zillow.com/homedetails/1-Idle-St-Phoenix-AZ-85001/1_zpid/';
const a = toPropertyId('1 Idle St, Phoenix, AZ');

let archive: ReplayArchive;
beforeAll(async () => {
  archive = await ReplayArchive.load({
    fixturesDir,
    extraPages: [{ url: PAGE_URL, response: htmlAnswer('<!DOCTYPE html><html><body><p>idle page</p></body></html>') }],
  });
});

const pools: BrowserPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function pool(options: BrowserPoolOptions): BrowserPool {
  const p = new BrowserPool({ setupContext: (context) => installReplayRoutes(context, archive), ...options });
  pools.push(p);
  return p;
}

/** Loads the page; gives the browser that served it. */
function browserOfPage(p: BrowserPool): Promise<Browser> {
  return p.withPage(a, async (page) => {
    await page.goto(PAGE_URL);
    const browser = page.context().browser();
    if (browser === null) throw new Error('no browser');
    return browser;
  });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end;) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('a browser pool closes its Chromium after idleCloseMs without a page', () => {
  it.each(['virtual', 'context'] as const)('%s mode: closed when idle, launched again for the next page', async (isolationMode) => {
    const p = pool({ isolationMode, idleCloseMs: 1_000 });
    const first = await browserOfPage(p);
    expect(first.isConnected()).toBe(true);
    expect(await until(() => !first.isConnected(), 15_000)).toBe(true);
    const second = await browserOfPage(p);
    expect(second).not.toBe(first);
    expect(second.isConnected()).toBe(true);
  });

  it('not while a page is open, however long it takes', async () => {
    const p = pool({ isolationMode: 'virtual', idleCloseMs: 1_000 });
    const browser = await p.withPage(a, async (page) => {
      await page.goto(PAGE_URL);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(page.context().browser()?.isConnected()).toBe(true);
      return page.context().browser();
    });
    expect(browser?.isConnected()).toBe(true);
    expect(await until(() => browser?.isConnected() === false, 15_000)).toBe(true);
  });

  it('never with idleCloseMs null', async () => {
    const p = pool({ isolationMode: 'virtual', idleCloseMs: null });
    const browser = await browserOfPage(p);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(browser.isConnected()).toBe(true);
  });
});

import { CancelledError, InvalidInputError, toPropertyId } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { ReplayArchive, installReplayRoutes } from '../../src/replay/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';

const PAGE_URL = 'https://www.zillow.com/homedetails/1-Test-St-Phoenix-AZ-85001/1_zpid/';
const PAGE = `<!DOCTYPE html><html><head>
<link rel="stylesheet" href="https://fonts.example-cdn.com/font.css">
<script src="https://www.googletagmanager.com/gtag.js"></script>
<script src="https://www.zillowstatic.com/app.js"></script>
</head><body>
<img src="https://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-cc_ft_384.jpg">
<video src="https://www.zillow.com/tour.mp4"></video>
<p>test page</p></body></html>`;

const a = toPropertyId('1 A St, Phoenix, AZ');
const b = toPropertyId('2 B St, Phoenix, AZ');
let archive: ReplayArchive;

beforeAll(async () => {
  archive = await ReplayArchive.load({
    fixturesDir,
    extraPages: [{ url: PAGE_URL, response: { status: 200, contentType: 'text/html', body: Buffer.from(PAGE) } }],
  });
});

function pool(isolationMode: 'virtual' | 'context' | 'browser'): BrowserPool {
  return new BrowserPool({ isolationMode, setupContext: (context) => installReplayRoutes(context, archive) });
}

describe('BrowserPool', () => {
  const pools: BrowserPool[] = [];
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('blocks images, media, fonts and third-party requests while letting first-party scripts through', async () => {
    const p = pool('virtual');
    pools.push(p);
    const seen = await p.withPage(a, async (page) => {
      const failed: string[] = [];
      const finished: string[] = [];
      page.on('requestfailed', (r) => failed.push(`${r.resourceType()} ${new URL(r.url()).hostname} ${r.failure()?.errorText ?? ''}`));
      page.on('requestfinished', (r) => finished.push(`${r.resourceType()} ${new URL(r.url()).hostname}`));
      await page.goto(PAGE_URL, { waitUntil: 'load' });
      return { failed, finished };
    });
    expect(seen.failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^image photos\.zillowstatic\.com net::ERR_BLOCKED_BY_CLIENT/),
        expect.stringMatching(/^script www\.googletagmanager\.com net::ERR_BLOCKED_BY_CLIENT/),
        expect.stringMatching(/^stylesheet fonts\.example-cdn\.com net::ERR_BLOCKED_BY_CLIENT/),
      ]),
    );
    // The first-party script was let through to the replay route (which has no such file), not blocked by us.
    expect(seen.failed.filter((f) => f.includes('www.zillowstatic.com') && f.includes('ERR_BLOCKED_BY_CLIENT'))).toEqual([]);
    expect([...seen.failed, ...seen.finished].some((f) => f.startsWith('script www.zillowstatic.com'))).toBe(true);
  });

  it('virtual mode shares one context across properties', async () => {
    const p = pool('virtual');
    pools.push(p);
    const ca = await p.withPage(a, async (page) => page.context());
    const cb = await p.withPage(b, async (page) => page.context());
    expect(ca).toBe(cb);
  });

  it('context mode gives each property its own context, kept until releaseProperty', async () => {
    const p = pool('context');
    pools.push(p);
    const ca1 = await p.withPage(a, async (page) => page.context());
    const ca2 = await p.withPage(a, async (page) => page.context());
    const cb = await p.withPage(b, async (page) => page.context());
    expect(ca1).toBe(ca2);
    expect(cb).not.toBe(ca1);
    expect(ca1.browser()).toBe(cb.browser()); // one Chromium
    await p.releaseProperty(a);
    await p.releaseProperty(a); // idempotent
    const ca3 = await p.withPage(a, async (page) => page.context());
    expect(ca3).not.toBe(ca1);
  });

  it('browser mode runs a Chromium per property and ends it on releaseProperty', async () => {
    const p = pool('browser');
    pools.push(p);
    const ba = await p.withPage(a, async (page) => page.context().browser());
    const bb = await p.withPage(b, async (page) => page.context().browser());
    const ba2 = await p.withPage(a, async (page) => page.context().browser());
    expect(ba).not.toBe(bb);
    expect(ba2).toBe(ba);
    await p.releaseProperty(a);
    expect(ba?.isConnected()).toBe(false);
    expect(bb?.isConnected()).toBe(true);
    await p.close();
    expect(bb?.isConnected()).toBe(false);
  });

  it('replaces a browser that died, in every isolation mode', async () => {
    for (const mode of ['virtual', 'context', 'browser'] as const) {
      const p = pool(mode);
      pools.push(p);
      const first = await p.withPage(a, async (page) => page.context().browser());
      await first?.close(); // what a crash looks like to the pool: the browser disconnects
      const title = await p.withPage(a, async (page) => {
        await page.goto(PAGE_URL);
        return page.textContent('p');
      });
      expect(title).toBe('test page');
    }
  });

  it('rejects work once closed, and aborts a page when the signal fires', async () => {
    const p = pool('virtual');
    const controller = new AbortController();
    const pending = p.withPage(
      a,
      async (page) => {
        controller.abort();
        await page.waitForTimeout(10_000);
      },
      controller.signal,
    );
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    await p.close();
    await expect(p.withPage(a, async () => 1)).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('BrowserPool.close', () => {
  it('leaves no Chromium process behind, in every isolation mode', async () => {
    for (const mode of ['virtual', 'context', 'browser'] as const) {
      const p = pool(mode);
      await p.withPage(a, (page) => page.goto(PAGE_URL));
      await p.withPage(b, (page) => page.goto(PAGE_URL));
      const pids = chromiumProcessesOfThisTest();
      expect(pids.length).toBeGreaterThan(0);
      await p.close();
      // Processes are counted with pgrep; children re-parented after the browser exits still count.
      const deadline = Date.now() + 5_000;
      while (stillAlive(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(stillAlive(pids)).toEqual([]);
    }
  });
});

describe('BrowserPool launch', () => {
  it('names a chromiumPath that does not exist in an InvalidInputError, from withPage and from a scraper (not retried)', async () => {
    const { ZillowScraper } = await import('../../src/zillow/index.js');
    const p = new BrowserPool({ chromiumPath: '/nonexistent/chromium' });
    try {
      const issue = {
        path: 'chromiumPath',
        message: '"/nonexistent/chromium" does not exist; install Chromium (apt-get install chromium) or give its path',
      };
      const direct = await p.withPage(a, async () => 1).catch((e: unknown) => e);
      expect(direct).toBeInstanceOf(InvalidInputError);
      expect((direct as InvalidInputError).issues).toEqual([issue]);
      const viaScraper = await new ZillowScraper({ pool: p, fetchMode: 'browser' })
        .listPhotos({ property: { id: a, address: '1 A St, Phoenix, AZ', listingUrls: {} }, listingUrl: PAGE_URL })
        .catch((e: unknown) => e);
      expect(viaScraper).toBeInstanceOf(InvalidInputError);
      expect((viaScraper as InvalidInputError).issues).toEqual([issue]);
    } finally {
      await p.close();
    }
  });
});

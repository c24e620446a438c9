import { toPropertyId } from '@phx/core';
import type { FetchMode, Property } from '@phx/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { SourceBlockedError } from '../../src/errors/index.js';
import { createScraperKit } from '../../src/kit/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/politeness-options.js';
import { ProxyConfiguration, SessionPool } from '../../src/sessions/index.js';
import { parseZillowListingPage } from '../../src/zillow/zillow-page.js';
import { ZillowScraper } from '../../src/zillow/zillow-scraper.js';
import { fixturesDir, readListing } from '../support/fixtures.js';
import { makeSiteCertificate, startLoopbackProxy, startStandInSite } from '../support/proxy-scene.js';
import type { LoopbackProxy } from '../support/proxy-scene.js';

const CHICAGO_URL = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const page = readListing('zillow', 'zillow-hdp-chicago-il-119974210.html');
const expected = parseZillowListingPage(page, CHICAGO_URL);
const address = '235 W Van Buren St UNIT 1509, Chicago, IL 60607';
const property: Property = { id: toPropertyId(address), address, listingUrls: {} };

let ca: string;
/** Its tunnels end at a stand-in www.zillow.com that answers the saved Chicago page. */
let good: LoopbackProxy;
/** Its tunnels end at a stand-in that answers every listing with the PerimeterX wall. */
let walled: LoopbackProxy;
let browsers: BrowserPool;
const pools: SessionPool[] = [];

beforeAll(async () => {
  const certificate = await makeSiteCertificate();
  ca = certificate.cert;
  good = await startLoopbackProxy(startStandInSite(certificate, 'listing', page));
  walled = await startLoopbackProxy(startStandInSite(certificate, 'wall', page));
  browsers = new BrowserPool({
    isolationMode: 'context',
    networkHosts: [],
    proxyUrls: [walled.url, good.url],
    extraArgs: ['--ignore-certificate-errors'],
  });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const proxy of [good, walled]) {
    proxy.log.length = 0;
    proxy.site.requests.length = 0;
  }
});

afterAll(async () => {
  await browsers?.close();
  await Promise.all([good, walled].map((p) => p?.close()));
});

/** A Zillow scraper whose sessions take the given proxies round-robin (the first session the first proxy). */
function scraperBehind(proxyUrls: string[], fetchMode: FetchMode): ZillowScraper {
  const sessions = new SessionPool({
    source: 'zillow',
    proxyConfiguration: new ProxyConfiguration({ proxyUrls, retireProxyAfterRetiredSessions: 1 }),
    proxyAgentOptions: { requestTls: { ca } },
    proxyTimeoutMs: 5_000,
  });
  pools.push(sessions);
  return new ZillowScraper({ pool: browsers, sessions, fetchMode, politenessDefaults: REPLAY_POLITENESS_OPTIONS, settleMs: 0 }); // settleMs 0: a wall is read at once (Playwright takes a timeout of 0 as none)
}

/** Paths the stand-in behind `proxy` was asked for. */
function pathsAt(proxy: LoopbackProxy): string[] {
  return proxy.site.requests.map((r) => r.split(' ')[1] ?? '');
}

describe('a scraper with sessions', () => {
  it.each(['http', 'browser', 'auto'] as const)(
    'in %s mode reads the page through its session’s proxy and moves a walled session to another proxy',
    async (mode) => {
      const scraper = scraperBehind([walled.url, good.url], mode);
      const listing = await scraper.listPhotos({ property, listingUrl: CHICAGO_URL });
      expect(listing.fetchMode).toBe(mode === 'browser' ? 'browser' : 'http');
      expect(listing.photos.map((p) => p.url)).toEqual(expected.photos.map((p) => p.url));
      expect(listing.declaredPhotoCount).toBe(expected.declaredPhotoCount);
      const detail = new URL(CHICAGO_URL).pathname;
      // The first session's proxy was walled (auto: over plain HTTP, then in Chromium, in that session): it retired
      // and the page was read through the other proxy. Nothing reached a site except through a proxy.
      // Chromium also asks the site for the page's own scripts and styles: count the listing page itself.
      const detailRequests = (proxy: LoopbackProxy): number => pathsAt(proxy).filter((p) => p === detail).length;
      expect(detailRequests(walled)).toBe(mode === 'auto' ? 2 : 1);
      expect(detailRequests(good)).toBe(1);
      // Every connection went through a proxy as a tunnel; a page's requests to other sites are blocked, but Chromium may
      // still open a preconnect tunnel its hints name (seen once: www.googletagmanager.com), which carries no request.
      for (const proxy of [walled, good]) {
        expect(proxy.log.length).toBeGreaterThan(0);
        expect(proxy.log.filter((line) => !/^CONNECT [\w.-]+:443$/.test(line))).toEqual([]);
        expect(proxy.log.filter((line) => /\.(zillow|zillowstatic)\.com:443$/.test(line)).length).toBeGreaterThan(0);
      }
      await scraper.releaseProperty(property.id);
    },
  );

  it('reports the source blocked, not the listing failed, when every proxy walls it', async () => {
    const scraper = scraperBehind([walled.url], 'http');
    const error = await scraper.listPhotos({ property, listingUrl: CHICAGO_URL }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceBlockedError);
    expect((error as SourceBlockedError).kind).toBe('blocked');
    expect((error as SourceBlockedError).reason).toMatch(/cool-down/);
    expect(pathsAt(good)).toEqual([]);
  });

  it('refuses a session pool of another source', async () => {
    const sessions = new SessionPool({ source: 'redfin', proxyConfiguration: new ProxyConfiguration({ proxyUrls: [good.url] }) });
    pools.push(sessions);
    const scraper = new ZillowScraper({ pool: browsers, sessions, fetchMode: 'http', politenessDefaults: REPLAY_POLITENESS_OPTIONS });
    await expect(scraper.listPhotos({ property, listingUrl: CHICAGO_URL })).rejects.toThrow(
      /sessions: is the session pool of redfin, not of zillow/,
    );
  });
});

describe('the kit’s proxies option', () => {
  it('names a bad proxy URL by source and index, without quoting it', async () => {
    const error = await createScraperKit({
      mode: { kind: 'live' },
      fetchMode: 'http',
      proxies: { zillow: ['http://127.0.0.1:3128', 'socks5://user:hunter2@127.0.0.1:1080'] },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/proxies\.zillow\.1/);
    expect(String(error)).not.toMatch(/hunter2/);
  });

  it('is refused in replay, where pages are answered locally', async () => {
    await expect(
      createScraperKit({ mode: { kind: 'replay', fixturesDir }, fetchMode: 'http', proxies: { redfin: [good.url] } }),
    ).rejects.toThrow(/proxies: proxies are for the live sites/);
  });

  it('gives each source with proxies its own session pool, closed with the kit', async () => {
    const kit = await createScraperKit({ mode: { kind: 'live' }, fetchMode: 'http', proxies: { zillow: [good.url] } });
    try {
      expect(kit.sessions.zillow?.source).toBe('zillow');
      expect(kit.sessions.zillow?.proxyConfiguration?.proxyUrls).toEqual([good.plainUrl]);
      expect(kit.sessions.redfin).toBeUndefined();
    } finally {
      await kit.close();
    }
    expect(() => kit.sessions.zillow?.sessionFor('after-close')).toThrow(/session pool is closed/);
  });
});

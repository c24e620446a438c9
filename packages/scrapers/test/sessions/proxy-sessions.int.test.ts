import { CancelledError, toPropertyId } from '@phx/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { SourceBlockedError } from '../../src/errors/index.js';
import { ProxyConfiguration, SessionPool, runWithSessionRotation } from '../../src/sessions/index.js';
import type { Session, SessionPoolOptions } from '../../src/sessions/index.js';
import { assertNotZillowBotWall } from '../../src/zillow/zillow-page.js';
import {
  SITE,
  closedPort,
  getWithSession,
  makeSiteCertificate,
  startLoopbackProxy,
  startSilentProxy,
  startStandInSite,
} from '../support/proxy-scene.js';
import type { LoopbackProxy, SiteCertificate, SilentProxy } from '../support/proxy-scene.js';

let certificate: SiteCertificate;
/** Serves listings through its tunnels. */
let good: LoopbackProxy;
/** Another proxy that serves listings, and requires credentials. */
let guarded: LoopbackProxy;
/** Its tunnels end at a site that answers the PerimeterX wall. */
let walled: LoopbackProxy;
let silent: SilentProxy;
let refusingUrl: string;
let browsers: BrowserPool;

/** Time a proxy gets to answer in these tests, in ms (a silent proxy is given up after it). */
const PROXY_TIMEOUT_MS = 1_500;
const property = toPropertyId('1 Proxy St, Phoenix, AZ 85001');

beforeAll(async () => {
  certificate = await makeSiteCertificate();
  good = await startLoopbackProxy(startStandInSite(certificate, 'listing'));
  guarded = await startLoopbackProxy(startStandInSite(certificate, 'listing'), { user: 'scraper', password: 's3cret' });
  walled = await startLoopbackProxy(startStandInSite(certificate, 'wall'));
  silent = await startSilentProxy();
  refusingUrl = `http://127.0.0.1:${await closedPort()}`;
  browsers = new BrowserPool({
    isolationMode: 'context',
    // Chromium resolves nothing by itself: a page reaches www.zillow.com only through a session's proxy.
    networkHosts: [],
    proxyUrls: [good.url, guarded.url, walled.url, silent.url, refusingUrl],
    extraArgs: ['--ignore-certificate-errors'],
  });
});

afterAll(async () => {
  await browsers?.close();
  await Promise.all([good, guarded, walled, silent].map((p) => p?.close()));
});

const pools: SessionPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const proxy of [good, guarded, walled]) {
    proxy.log.length = 0;
    proxy.site.requests.length = 0;
  }
});

function sessionPool(
  proxyUrls: string[],
  options: Partial<SessionPoolOptions> & { retireProxyAfterRetiredSessions?: number } = {},
): SessionPool {
  const { retireProxyAfterRetiredSessions, ...rest } = options;
  const pool = new SessionPool({
    source: 'zillow',
    proxyConfiguration: new ProxyConfiguration({
      proxyUrls,
      ...(retireProxyAfterRetiredSessions === undefined ? {} : { retireProxyAfterRetiredSessions }),
    }),
    proxyTimeoutMs: PROXY_TIMEOUT_MS,
    proxyAgentOptions: { requestTls: { ca: certificate.cert } },
    ...rest,
  });
  pools.push(pool);
  return pool;
}

function sessionOf(pool: SessionPool, key: string): Session {
  const session = pool.sessionFor(key);
  if (session === null) throw new Error('no session');
  return session;
}

/** Loads `path` in a page of the session's context; returns the status and the body's text. */
function loadInBrowser(session: Session, path: string): Promise<{ status: number; html: string }> {
  return browsers.withPage(
    property,
    async (page) => {
      const response = await page.goto(`${SITE}${path}`, { timeout: 10_000 });
      return { status: response?.status() ?? 0, html: await page.content() };
    },
    { session, timeoutMs: 30_000, source: 'zillow' },
  );
}

/** Reads a listing the way a scraper does: a wall is a `BotWallError`. */
function readListing(status: number, html: string): string {
  const url = `${SITE}/listing`;
  assertNotZillowBotWall({ requestedUrl: url, finalUrl: url, status, html, renderedHtml: html });
  return html;
}

describe('every request of a session goes through its proxy', () => {
  it('with the HTTP client (session.dispatcher), credentials included', async () => {
    const pool = sessionPool([guarded.url, good.url]);
    const session = sessionOf(pool, 'p1');
    expect(session.proxyUrl).toBe(guarded.plainUrl);
    for (const path of ['/echo', '/listing', '/echo']) expect((await getWithSession(session, path)).status).toBe(200);

    expect(guarded.site.requests.map((r) => r.split(' ')[1])).toEqual(['/echo', '/listing', '/echo']);
    expect(guarded.log.length).toBeGreaterThan(0);
    expect(guarded.log.every((line) => line === 'CONNECT www.zillow.com:443')).toBe(true);
    expect(good.log).toEqual([]);
    expect(good.site.requests).toEqual([]);
  });

  it('with Chromium (a page in the session context), and a page without a session reaches neither the site nor the proxy', async () => {
    const pool = sessionPool([good.url, guarded.url]);
    const first = sessionOf(pool, 'p1');
    const second = sessionOf(pool, 'p2');
    expect([first.proxyUrl, second.proxyUrl]).toEqual([good.plainUrl, guarded.plainUrl]);

    expect((await loadInBrowser(first, '/listing')).html).toContain('the listing');
    expect((await loadInBrowser(second, '/echo')).html).toContain('cookie=');
    expect((await loadInBrowser(first, '/echo')).html).toContain('cookie=');

    expect(good.site.requests.map((r) => r.split(' ')[1])).toEqual(['/listing', '/echo']);
    expect(guarded.site.requests.map((r) => r.split(' ')[1])).toEqual(['/echo']);
    // Chromium asks without credentials first and answers the proxy's 407 with them.
    expect(new Set([...good.log, ...guarded.log])).toEqual(new Set(['CONNECT www.zillow.com:443', 'refused www.zillow.com:443 (407)']));
    expect(good.log.every((line) => line === 'CONNECT www.zillow.com:443')).toBe(true);

    const seen = { good: good.log.length, guarded: guarded.log.length };
    const direct = await browsers.withPage(property, async (page) => {
      const site = await page.goto(`${SITE}/listing`, { timeout: 10_000 }).then(
        () => 'loaded',
        (error: Error) => error.message,
      );
      const proxyPort = await page.goto(`${good.plainUrl}/`, { timeout: 10_000 }).then(
        () => 'loaded',
        (error: Error) => error.message,
      );
      return { site, proxyPort };
    });
    expect(direct.site).toContain('ERR_NAME_NOT_RESOLVED');
    expect(direct.proxyPort).toContain('ERR_NAME_NOT_RESOLVED');
    expect({ good: good.log.length, guarded: guarded.log.length }).toEqual(seen);
    expect(good.site.requests).toHaveLength(2);
  });
});

describe('cookies stick to their session', () => {
  it('are shared by the HTTP client and Chromium of one session and never reach another', async () => {
    const pool = sessionPool([good.url]);
    const mine = sessionOf(pool, 'mine');
    const other = sessionOf(pool, 'other');

    await getWithSession(mine, '/cookie/visitor/alpha');
    expect((await getWithSession(mine, '/echo')).body).toBe('cookie=visitor=alpha');
    // The jar's cookie is in the session's browser context, and a cookie the page gets goes back into the jar.
    expect(await loadInBrowser(mine, '/echo').then((a) => a.html)).toContain('cookie=visitor=alpha');
    await loadInBrowser(mine, '/cookie/seen/browser');
    expect((await getWithSession(mine, '/echo')).body).toBe('cookie=visitor=alpha; seen=browser');

    expect((await getWithSession(other, '/echo')).body).toBe('cookie=');
    expect(await loadInBrowser(other, '/echo').then((a) => a.html)).toContain('cookie=<');
    expect(await other.cookieJar.getCookieString(SITE)).toBe('');
  });
});

describe('runWithSessionRotation', () => {
  /** Reads the listing of key `p1` with rotation; `load` gets the page with a session. */
  async function readWithRotation(pool: SessionPool, load: (session: Session) => Promise<{ status: number; html: string }>) {
    const tried: Session[] = [];
    const html = await runWithSessionRotation(pool, 'p1', undefined, async (session) => {
      tried.push(session);
      const answer = await load(session);
      return readListing(answer.status, answer.html);
    });
    return { html, tried };
  }

  it('retires a session the site walls and moves the work to a session on another proxy (HTTP client)', async () => {
    const pool = sessionPool([walled.url, good.url]);
    const { html, tried } = await readWithRotation(pool, (session) =>
      getWithSession(session, '/listing').then((a) => ({ status: a.status, html: a.body })),
    );
    expect(html).toContain('the listing');
    expect(tried.map((s) => s.proxyUrl)).toEqual([walled.plainUrl, good.plainUrl]);
    expect(tried[0]?.retired).toBe(true);
    expect(tried[0]?.retireReason).toContain('blocked: perimeterx bot wall (HTTP 403)');
    expect(tried[1]?.retired).toBe(false);
    expect(tried[1]?.usageCount).toBe(1);
    expect(pool.sessionFor('p1')).toBe(tried[1]);
    expect(walled.site.requests).toHaveLength(1);
    expect(good.site.requests).toHaveLength(1);
  });

  it('does the same for Chromium, and closes the walled session’s context', async () => {
    const pool = sessionPool([walled.url, good.url]);
    const contextClosed: Promise<void>[] = [];
    const { html, tried } = await readWithRotation(pool, (session) =>
      browsers.withPage(
        property,
        async (page) => {
          contextClosed.push(new Promise((resolve) => page.context().once('close', () => resolve())));
          const response = await page.goto(`${SITE}/listing`, { timeout: 10_000 });
          return { status: response?.status() ?? 0, html: await page.content() };
        },
        { session, timeoutMs: 30_000 },
      ),
    );
    expect(html).toContain('the listing');
    expect(tried.map((s) => s.proxyUrl)).toEqual([walled.plainUrl, good.plainUrl]);
    expect(walled.site.requests.map((r) => r.split(' ')[1])).toEqual(['/listing']);
    expect(good.site.requests.map((r) => r.split(' ')[1])).toEqual(['/listing']);
    await contextClosed[0]; // the walled session's context closes; the good one's stays for its next page
    expect(tried[1]?.retired).toBe(false);
  });

  it('retires a proxy that refuses connections and retries on another (HTTP client and Chromium)', async () => {
    const pool = sessionPool([refusingUrl, good.url]);
    const configuration = pool.proxyConfiguration as ProxyConfiguration;
    const viaHttp: Session[] = [];
    await runWithSessionRotation(pool, 'http', undefined, async (session) => {
      viaHttp.push(session);
      return getWithSession(session, '/listing');
    });
    expect(viaHttp.map((s) => s.proxyUrl)).toEqual([refusingUrl, good.plainUrl]);
    expect(viaHttp[0]?.retireReason).toBe('proxy-failed: the proxy connection failed (ECONNREFUSED)');
    expect(configuration.isCoolingDown(configuration.proxies[0]!)).toBe(true);

    const chromiumPool = sessionPool([refusingUrl, good.url]);
    const viaChromium: Session[] = [];
    const answer = await runWithSessionRotation(chromiumPool, 'chromium', undefined, async (session) => {
      viaChromium.push(session);
      return loadInBrowser(session, '/listing');
    });
    expect(answer.html).toContain('the listing');
    expect(viaChromium.map((s) => s.proxyUrl)).toEqual([refusingUrl, good.plainUrl]);
    expect(viaChromium[0]?.retireReason).toContain('ERR_PROXY_CONNECTION_FAILED');
  });

  it('retires a proxy that never answers once proxyTimeoutMs has passed and retries on another', async () => {
    const pool = sessionPool([silent.url, good.url]);
    const tried: Session[] = [];
    const before = silent.connections();
    const answer = await runWithSessionRotation(pool, 'p1', undefined, async (session) => {
      tried.push(session);
      return getWithSession(session, '/listing');
    });
    expect(answer.status).toBe(200);
    expect(tried.map((s) => s.proxyUrl)).toEqual([silent.url, good.plainUrl]);
    expect(tried[0]?.retireReason).toBe('proxy-failed: the proxy connection failed (UND_ERR_HEADERS_TIMEOUT)');
    expect(silent.connections()).toBeGreaterThan(before);
  });

  it('reports the source blocked, not the listing failed, when no session is left', async () => {
    const pool = sessionPool([walled.url, refusingUrl], { retireProxyAfterRetiredSessions: 1 });
    const tried: Session[] = [];
    const failure = await runWithSessionRotation(
      pool,
      'p1',
      undefined,
      async (session) => {
        tried.push(session);
        const answer = await getWithSession(session, '/listing');
        return readListing(answer.status, answer.body);
      },
      { url: `${SITE}/listing` },
    ).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SourceBlockedError);
    const blocked = failure as SourceBlockedError;
    expect(blocked.kind).toBe('blocked');
    expect(blocked.source).toBe('zillow');
    expect(blocked.url).toBe(`${SITE}/listing`);
    expect(blocked.reason).toMatch(
      /^every proxy is set aside for its cool-down after zillow-1 via http:\/\/127\.0\.0\.1:\d+: perimeterx bot wall/,
    );
    expect(blocked.reason).toContain('ECONNREFUSED');
    expect(blocked.reopensAt).toBeInstanceOf(Date);
    expect(tried).toHaveLength(2);
    expect(tried.every((s) => s.retired)).toBe(true);
    expect(pool.sessionFor('p1')).toBeNull();
  });

  it('stops at once when cancelled, even while the work never settles', async () => {
    const pool = sessionPool([silent.url]);
    const controller = new AbortController();
    const run = runWithSessionRotation(pool, 'p1', controller.signal, () => new Promise<never>(() => undefined));
    setTimeout(() => controller.abort(new Error('the job was cancelled')), 50);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    // A cancelled run is no verdict on the session.
    expect(pool.sessionFor('p1')?.retired).toBe(false);
  });
});

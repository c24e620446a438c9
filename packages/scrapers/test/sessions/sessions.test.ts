import { CancelledError, InvalidInputError, toPropertyId } from '@phx/core';
import type { Clock } from '@phx/core';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { BrowserPool } from '../../src/browser/index.js';
import { chromiumLaunchArgs } from '../../src/browser/chromium-launch.js';
import { chromiumProxyRoutes } from '../../src/browser/chromium-proxy-routes.js';
import { BotWallError, ListingRemovedError, NavigationError, SourceBlockedError } from '../../src/errors/index.js';
import { ProxyConfiguration, SessionPool, proxyFailureOf, runWithSessionRotation } from '../../src/sessions/index.js';
import type { ProxyConfigurationOptions, Session } from '../../src/sessions/index.js';

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let nowMs = Date.UTC(2026, 11, 7, 12);
  return { now: () => new Date(nowMs), advance: (ms) => (nowMs += ms) };
}

function issuesOf(make: () => unknown): string[] {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('no error');
}

const wall = (): BotWallError =>
  new BotWallError('https://www.zillow.com/homedetails/1_zpid/', 'zillow', { vendor: 'perimeterx', status: 403, markers: ['px-captcha'] });

const pools: SessionPool[] = [];
function sessionPool(options: ConstructorParameters<typeof SessionPool>[0]): SessionPool {
  const pool = new SessionPool(options);
  pools.push(pool);
  return pool;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

function proxies(urls: string[], options: Omit<ProxyConfigurationOptions, 'proxyUrls'> = {}): ProxyConfiguration {
  return new ProxyConfiguration({ proxyUrls: urls, ...options });
}

describe('ProxyConfiguration', () => {
  it('refuses a bad proxy URL with an InvalidInputError naming its index, never quoting a password', () => {
    const issues = issuesOf(() =>
      proxies([
        'http://ok:8000',
        'socks5://10.0.0.1:1080',
        'not a url',
        'http://user@10.0.0.2:3128',
        'http://10.0.0.3:3128/path',
        'http://u:topsecret@a,b:80',
      ]),
    );
    expect(issues).toEqual([
      'proxyUrls.1: has scheme "socks5"; only http:// and https:// proxies work with both the HTTP client and Chromium',
      'proxyUrls.2: is not a URL; write a proxy as http://host:port or http://user:password@host:port',
      'proxyUrls.3: has a user name without a password or a password without a user name; give both (user:password@) or neither',
      'proxyUrls.4: has a path, query or fragment; a proxy URL is only scheme://[user:password@]host[:port]',
      'proxyUrls.5: has a host that is not a DNS name or IP address',
    ]);
    expect(issues.join(' ')).not.toContain('topsecret');
    expect(issuesOf(() => new ProxyConfiguration({ proxyUrls: 'http://a:1' } as never))[0]).toMatch(/^proxyUrls: /);
  });

  it('reads credentials (percent-decoded) apart from the URL it shows, with the scheme’s default port', () => {
    const [first, second] = proxies(['http://u%40x:p%3Ass@Proxy.Example.com:3128', 'https://[::1]']).proxies;
    expect(first).toEqual({
      url: 'http://proxy.example.com:3128',
      scheme: 'http',
      host: 'proxy.example.com',
      port: 3128,
      username: 'u@x',
      password: 'p:ss',
    });
    expect(second).toEqual({ url: 'https://[::1]:443', scheme: 'https', host: '[::1]', port: 443, username: null, password: null });
  });

  it('hands out proxies round-robin and sets one aside after N retired sessions in a row, for its cool-down', () => {
    const clock = manualClock();
    const config = proxies(['http://a:1', 'http://b:1', 'http://c:1'], {
      retireProxyAfterRetiredSessions: 2,
      proxyCoolDownMs: 60_000,
      clock,
    });
    const [a, b, c] = config.proxies as [never, never, never];
    expect([config.nextProxy(), config.nextProxy(), config.nextProxy(), config.nextProxy()]).toEqual([a, b, c, a]);

    expect(config.reportRetiredSession(b)).toBe(false);
    config.reportGood(b); // a good session in between: the count starts again
    expect(config.reportRetiredSession(b)).toBe(false);
    expect(config.reportRetiredSession(b)).toBe(true);
    expect(config.isCoolingDown(b)).toBe(true);
    expect([config.nextProxy(), config.nextProxy(), config.nextProxy()]).toEqual([c, a, c]);

    config.reportProxyFailed(a);
    config.reportProxyFailed(c);
    expect(config.nextProxy()).toBeNull();
    expect(config.nextAvailableAt()).toEqual(new Date(clock.now().getTime() + 60_000));
    clock.advance(60_000);
    expect(config.nextAvailableAt()).toBeNull();
    expect(config.nextProxy()).not.toBeNull();
  });
});

describe('SessionPool', () => {
  it('keeps one session per key until it retires; the next one takes the next proxy', () => {
    const pool = sessionPool({ source: 'zillow', proxyConfiguration: proxies(['http://a:1', 'http://u:pw@b:2']) });
    const first = pool.sessionFor('p1') as Session;
    expect(pool.sessionFor('p1')).toBe(first);
    const other = pool.sessionFor('p2') as Session;
    expect([first.id, first.proxyUrl, first.browserProxy]).toEqual(['zillow-1', 'http://a:1', { server: 'http://a:1' }]);
    expect([other.id, other.proxyUrl, other.browserProxy]).toEqual([
      'zillow-2',
      'http://b:2',
      { server: 'http://b:2', username: 'u', password: 'pw' },
    ]);
    expect(first.dispatcher).not.toBe(other.dispatcher);

    first.markBlocked('perimeterx bot wall');
    expect([first.retired, first.retireReason, first.retiredSignal.aborted]).toEqual([true, 'blocked: perimeterx bot wall', true]);
    const next = pool.sessionFor('p1') as Session;
    expect([next.id, next.proxyUrl]).toEqual(['zillow-3', 'http://a:1']);
    expect(next.cookieJar).not.toBe(first.cookieJar);
  });

  it('retires a session after maxUsageCount good uses, and the least recently used beyond maxSessions', () => {
    const pool = sessionPool({ source: 'redfin', maxUsageCount: 2, maxSessions: 2 });
    const s = pool.sessionFor('a') as Session;
    s.markGood();
    expect(s.retired).toBe(false);
    s.markGood();
    expect([s.retired, s.usageCount, s.retireReason]).toEqual([true, 2, 'used-up: used 2 times (maxUsageCount)']);

    const a = pool.sessionFor('a') as Session;
    const b = pool.sessionFor('b') as Session;
    pool.sessionFor('a'); // a is now the most recently used
    pool.sessionFor('c');
    expect([a.retired, b.retired, b.retireReason]).toEqual([false, true, 'evicted: more than maxSessions (2) sessions']);
    expect(pool.size).toBe(2);
  });

  it('without proxies: direct sessions on the base dispatcher, no browser proxy', () => {
    const base = new Agent();
    const pool = sessionPool({ source: 'zillow', baseDispatcher: base });
    const s = pool.sessionFor('p') as Session;
    expect([s.proxyUrl, s.browserProxy, s.dispatcher]).toEqual([null, null, base]);
    s.retire();
    expect(base.closed).toBe(false);
    void base.close();
  });

  it('refuses bad options and keys, and every call once closed', async () => {
    expect(issuesOf(() => new SessionPool({ source: 'trulia', maxUsageCount: 0, proxyConfiguration: ['http://a:1'] } as never))).toEqual([
      expect.stringMatching(/^source: /),
      'proxyConfiguration: must be a ProxyConfiguration or null',
      expect.stringMatching(/^maxUsageCount: /),
    ]);
    const pool = sessionPool({ source: 'zillow' });
    expect(issuesOf(() => pool.sessionFor(''))).toEqual([': must be a non-empty key, e.g. a property id']);
    const s = pool.sessionFor('p') as Session;
    await pool.close();
    expect(s.retired).toBe(true);
    expect(() => pool.sessionFor('p')).toThrow(CancelledError);
  });
});

describe('runWithSessionRotation without proxies', () => {
  it('moves a walled key to fresh sessions, then reports the source blocked after maxSessionRotations', async () => {
    const pool = sessionPool({ source: 'zillow' });
    const tried: string[] = [];
    const error = await runWithSessionRotation(
      pool,
      'p1',
      undefined,
      async (session) => {
        tried.push(session.id);
        throw wall();
      },
      { maxSessionRotations: 2, url: 'https://www.zillow.com/homedetails/1_zpid/' },
    ).catch((e: unknown) => e);
    expect(tried).toEqual(['zillow-1', 'zillow-2', 'zillow-3']);
    expect(error).toBeInstanceOf(SourceBlockedError);
    const blocked = error as SourceBlockedError;
    expect(blocked.reason).toBe(
      '3 sessions in a row were blocked or lost their proxy (zillow-1 via no proxy: perimeterx bot wall (HTTP 403); ' +
        'zillow-2 via no proxy: perimeterx bot wall (HTTP 403); zillow-3 via no proxy: perimeterx bot wall (HTTP 403))',
    );
    expect(blocked.cause).toBeInstanceOf(BotWallError);
    expect(blocked.reopensAt).toBeNull();
    expect(blocked.message).toContain('zillow is blocked: 3 sessions in a row');
  });

  it('throws other failures as they are and keeps the session (a refused connection is no proxy’s fault without one)', async () => {
    const pool = sessionPool({ source: 'zillow' });
    const gone = new ListingRemovedError('https://www.zillow.com/homedetails/1_zpid/', 'zillow', 404, 'HTTP 404');
    await expect(runWithSessionRotation(pool, 'p1', undefined, () => Promise.reject(gone))).rejects.toBe(gone);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    await expect(runWithSessionRotation(pool, 'p1', undefined, () => Promise.reject(refused))).rejects.toBe(refused);
    expect((pool.sessionFor('p1') as Session).id).toBe('zillow-1');
    expect(await runWithSessionRotation(pool, 'p1', undefined, async (s) => s.usageCount)).toBe(0);
    expect((pool.sessionFor('p1') as Session).usageCount).toBe(1);
  });

  it('checks its signal and options', async () => {
    const pool = sessionPool({ source: 'zillow' });
    await expect(runWithSessionRotation(pool, 'p', 'soon' as never, async () => 1)).rejects.toThrow(/signal: must be an AbortSignal/);
    await expect(runWithSessionRotation(pool, 'p', undefined, async () => 1, { maxSessionRotations: -1 })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(runWithSessionRotation(pool, 'p', AbortSignal.abort(), async () => 1)).rejects.toThrow(CancelledError);
  });
});

describe('proxyFailureOf', () => {
  it('tells a proxy’s failures from the site’s answers, through wrapped causes', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    const tunnel = new Error('Proxy response (407) !== 200 when HTTP Tunneling');
    const chromium = new Error('page.goto: net::ERR_TUNNEL_CONNECTION_FAILED at https://www.zillow.com/');
    const timedOut = new NavigationError('https://www.zillow.com/', 'zillow', { message: 'timed out', timedOut: true });
    expect(proxyFailureOf(new Error('fetch failed', { cause: refused }))).toBe('the proxy connection failed (ECONNREFUSED)');
    expect(proxyFailureOf(tunnel)).toBe('the proxy refused the tunnel (HTTP 407)');
    expect(proxyFailureOf(new NavigationError('https://www.zillow.com/', 'zillow', { message: 'x', cause: chromium }))).toBe(
      'the proxy connection failed (ERR_TUNNEL_CONNECTION_FAILED)',
    );
    expect(proxyFailureOf(timedOut)).toBe('the request through the proxy timed out');
    expect(proxyFailureOf(wall())).toBeNull();
    expect(proxyFailureOf(new Error('page.goto: net::ERR_NAME_NOT_RESOLVED'))).toBeNull();
    expect(proxyFailureOf('ECONNREFUSED')).toBeNull();
  });
});

describe('Chromium and the sessions’ proxies', () => {
  it('maps each proxy name to its own port before every other name fails; nothing is excluded', () => {
    const [plain, other, secure] = proxies(['http://u:p@127.0.0.1:8000', 'http://127.0.0.1:8001', 'https://proxy.example.com:8443'])
      .proxies as [never, never, never];
    const routes = chromiumProxyRoutes([plain, other, secure]);
    expect(routes.resolverRules).toEqual([
      'MAP proxy-0.proxy.phx-pool 127.0.0.1:8000',
      'MAP proxy-1.proxy.phx-pool 127.0.0.1:8001',
      'MAP proxy.example.com proxy.example.com:8443',
    ]);
    expect(routes.serverFor('http://127.0.0.1:8001')).toBe('http://proxy-1.proxy.phx-pool:8001');
    expect(routes.serverFor('https://proxy.example.com:8443')).toBe('https://proxy.example.com:8443');
    expect(routes.serverFor('http://127.0.0.1:9')).toBeUndefined();
    expect(chromiumLaunchArgs([], ['zillow.com'], routes.resolverRules).at(-1)).toBe(
      '--host-resolver-rules=MAP proxy-0.proxy.phx-pool 127.0.0.1:8000, MAP proxy-1.proxy.phx-pool 127.0.0.1:8001, ' +
        'MAP proxy.example.com proxy.example.com:8443, MAP * ~NOTFOUND, EXCLUDE zillow.com, EXCLUDE *.zillow.com',
    );
    expect(
      chromiumLaunchArgs(['--host-resolver-rules=MAP www.zillow.com 127.0.0.1:1'], [], ['MAP proxy-0.proxy.phx-pool 127.0.0.1:8000']).at(
        -1,
      ),
    ).toBe('--host-resolver-rules=MAP www.zillow.com 127.0.0.1:1, MAP proxy-0.proxy.phx-pool 127.0.0.1:8000, MAP * ~NOTFOUND');
  });

  it('a pool refuses two https proxies on one host, and a session whose proxy it was not given', async () => {
    expect(issuesOf(() => new BrowserPool({ proxyUrls: ['https://p.example.com:1', 'https://p.example.com:2'] }))).toEqual([
      'proxyUrls.1: a second https proxy on p.example.com (ports 1 and 2); Chromium can reach one port per https proxy host',
    ]);
    const browsers = new BrowserPool({ proxyUrls: ['http://127.0.0.1:8000'] });
    const pool = sessionPool({ source: 'zillow', proxyConfiguration: proxies(['http://127.0.0.1:8001']) });
    const session = pool.sessionFor('p') as Session;
    const property = toPropertyId('1 Main St, Phoenix, AZ 85001');
    await expect(browsers.withPage(property, async () => 1, { session })).rejects.toThrow(
      "Invalid withPage options: session: its proxy http://127.0.0.1:8001 is not in the pool's proxyUrls; Chromium can reach only those",
    );
    await expect(browsers.withPage(property, async () => 1, { session: {} as Session })).rejects.toThrow(
      'session: must be a Session from a SessionPool',
    );
    await browsers.close();
  });
});

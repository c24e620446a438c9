import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { CookieJar } from 'tough-cookie';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ListingRemovedError,
  NavigationError,
  OffSiteRedirectError,
  PageTooLargeError,
  UnexpectedContentError,
} from '../../src/errors/index.js';
import { CHROMIUM_USER_AGENT, HttpPageClient } from '../../src/http/index.js';
import { createReplayDispatcher } from '../../src/replay/index.js';
import { ZillowScraper } from '../../src/zillow/index.js';
import { readListing } from '../support/fixtures.js';
import { answer, httpScene } from '../support/http-scene.js';
import type { HttpScene } from '../support/http-scene.js';
import { property } from '../support/kit.js';

const AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const austin = readListing('zillow', 'zillow-hdp-austin-tx-29423592.html');
/** Austin's listing under an older address slug: the same zpid. */
const OLD_AUSTIN_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Drive-Austin-TX-78758/029423592_zpid/';
const url = (n: number): string => `https://www.zillow.com/homedetails/Case-${n}/${900000 + n}_zpid/`;
const redirect = (status: number, location: string): ReturnType<typeof answer> => answer(status, '', 'text/html', { location });

/** Every case is a saved answer the replay server gives the plain client over real HTTP. */
const CASES = [
  { url: url(1), response: answer(404, 'gone') },
  { url: url(2), response: answer(410, 'gone for good') },
  { url: url(3), response: answer(429, 'slow down', 'text/plain', { 'retry-after': '1' }) },
  { url: url(4), response: answer(503, 'down', 'text/plain') },
  { url: url(5), response: redirect(302, 'https://login.example.com/consent?next=/homedetails') },
  { url: url(6), response: redirect(301, 'http://www.zillow.com/homedetails/Case-6/900006_zpid/') },
  { url: url(7), response: redirect(301, new URL(AUSTIN_URL).pathname) },
  { url: OLD_AUSTIN_URL, response: redirect(301, new URL(AUSTIN_URL).pathname) },
  ...Array.from({ length: 12 }, (_, i) => ({ url: url(100 + i), response: redirect(302, url(101 + i)) })),
  { url: url(8), response: answer(200, '{"property":{}}', 'application/json') },
  { url: url(9), response: answer(200, austin, 'text/html; charset=utf-8', {}, 5_000) },
  { url: url(10), response: answer(200, austin.repeat(2)) },
];

let s: HttpScene;
beforeAll(async () => {
  // a missing Chromium: none of these calls may check or launch it
  s = await httpScene({ httpPages: CASES, client: { maxBodyBytes: 1024 * 1024 }, chromiumPath: '/nonexistent/chromium' });
});
afterAll(async () => {
  await s.close();
});

function zillow(politeness: { maxRetries?: number } = {}): ZillowScraper {
  return new ZillowScraper({
    ...s.scraperOptions,
    politeness: { ...s.scraperOptions.politeness, ...politeness },
    fetchMode: 'http',
    navigationTimeoutMs: 1_000,
  });
}
const read = (scraper: ZillowScraper, listingUrl: string): Promise<unknown> =>
  scraper.listPhotos({ property: property(listingUrl), listingUrl }).catch((e: unknown) => e);

describe('plain HTTP answers typed as in the browser path (replay server, real HTTP)', () => {
  it('reads a saved page over HTTP without Chromium', async () => {
    const got = await zillow().listPhotos({ property: property('austin'), listingUrl: AUSTIN_URL });
    expect(got).toMatchObject({ fetchMode: 'http', listingUrl: AUSTIN_URL });
    expect(got.photos).toHaveLength(38);
  });

  it('404 and 410: ListingRemovedError; a URL not in the archive: replayMiss', async () => {
    expect(await read(zillow(), url(1))).toMatchObject({ code: 'LISTING_REMOVED', status: 404, replayMiss: false });
    expect(await read(zillow(), url(2))).toMatchObject({ code: 'LISTING_REMOVED', status: 410 });
    const miss = await read(zillow(), url(99));
    expect(miss).toBeInstanceOf(ListingRemovedError);
    expect(miss).toMatchObject({ replayMiss: true, status: 404 });
  });

  it('429 with Retry-After: transient NavigationError; the guard waits it out before the retry', async () => {
    const error = await read(zillow(), url(3));
    expect(error).toBeInstanceOf(NavigationError);
    expect(error).toMatchObject({ status: 429, retryAfterMs: 1_000, kind: 'transient' });
    const started = s.requests.length;
    const t0 = Date.now();
    await read(zillow({ maxRetries: 1 }), url(3));
    expect(s.requests.length - started).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_000);
  });

  it('503: transient NavigationError', async () => {
    expect(await read(zillow(), url(4))).toMatchObject({ code: 'NAVIGATION_FAILED', status: 503, kind: 'transient' });
  });

  it('a redirect off the site is not followed: OffSiteRedirectError naming both URLs', async () => {
    const before = s.requests.length;
    const error = await read(zillow(), url(5));
    expect(error).toBeInstanceOf(OffSiteRedirectError);
    expect(error).toMatchObject({ from: url(5), location: 'https://login.example.com/consent?next=/homedetails', kind: 'permanent' });
    expect((error as Error).message).toContain(url(5));
    expect((error as Error).message).toContain('login.example.com');
    expect(s.requests.slice(before)).toHaveLength(1);
    expect(await read(zillow(), url(6))).toMatchObject({
      code: 'OFF_SITE_REDIRECT',
      location: 'http://www.zillow.com/homedetails/Case-6/900006_zpid/',
    });
  });

  it('a redirect within the site to the same listing (same zpid, another slug) is followed', async () => {
    const got = await zillow().listPhotos({ property: property('moved'), listingUrl: OLD_AUSTIN_URL });
    expect(got.listingUrl).toBe(AUSTIN_URL);
    expect(got.photos).toHaveLength(38);
  });

  it("a redirect to another listing (another zpid) is LISTING_REMOVED naming both, never that home's photos", async () => {
    const error = await read(zillow(), url(7));
    expect(error).toBeInstanceOf(ListingRemovedError);
    expect(error).toMatchObject({ code: 'LISTING_REMOVED', kind: 'permanent', replayMiss: false });
    expect((error as Error).message).toContain(url(7));
    expect((error as Error).message).toContain(`another listing, ${AUSTIN_URL} (zpid 29423592, not 900007)`);
  });

  it('more than 10 redirects: NavigationError', async () => {
    const before = s.requests.length;
    const error = await read(zillow(), url(100));
    expect(error).toBeInstanceOf(NavigationError);
    expect((error as Error).message).toContain('more than 10 redirects');
    expect(s.requests.length - before).toBe(11);
  });

  it('a page that is not HTML: UnexpectedContentError', async () => {
    const error = await read(zillow(), url(8));
    expect(error).toBeInstanceOf(UnexpectedContentError);
    expect(error).toMatchObject({ contentType: 'application/json', expected: 'HTML', status: 200 });
  });

  it('an answer slower than the navigation timeout: NavigationError timedOut', async () => {
    expect(await read(zillow(), url(9))).toMatchObject({ code: 'NAVIGATION_FAILED', timedOut: true });
  });

  it('a body over maxBodyBytes: PageTooLargeError', async () => {
    const error = await read(zillow(), url(10));
    expect(error).toBeInstanceOf(PageTooLargeError);
    expect(error).toMatchObject({ maxBytes: 1024 * 1024 });
    expect((error as PageTooLargeError).seenBytes).toBeGreaterThan(1024 * 1024);
  });
});

describe('HttpPageClient on a loopback server', () => {
  let server: Server;
  let origin: string;
  const seen: IncomingHttpHeaders[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url?.endsWith('/gzip')) {
        const body = gzipSync(Buffer.from('<html><title>zipped</title></html>'));
        res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': String(body.length) });
        res.end(body);
        return;
      }
      if (req.url?.endsWith('/big-chunked')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        for (let i = 0; i < 100; i += 1) res.write(Buffer.alloc(8 * 1024, 0x61));
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'sid=abc123; Path=/; Secure' });
      res.end('<html></html>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  afterEach(() => {
    for (const x of servers.splice(0)) x.close();
  });

  it('sends Chromium headers, keeps cookies per jar and decompresses gzip', async () => {
    const dispatcher = createReplayDispatcher(origin, ['www.zillow.com']);
    const client = new HttpPageClient({ dispatcher });
    const cookieJar = new CookieJar();
    await client.get({ url: 'https://www.zillow.com/first', source: 'zillow', kind: 'page', session: { dispatcher, cookieJar } });
    const zipped = await client.get({
      url: 'https://www.zillow.com/gzip',
      source: 'zillow',
      kind: 'api',
      session: { dispatcher, cookieJar },
    });
    await client.get({
      url: 'https://www.zillow.com/other-jar',
      source: 'zillow',
      kind: 'page',
      session: { dispatcher, cookieJar: new CookieJar() },
    });
    await dispatcher.close();
    expect(zipped.body).toBe('<html><title>zipped</title></html>');
    const [first, second, third] = seen.slice(-3);
    expect(first).toMatchObject({ 'user-agent': CHROMIUM_USER_AGENT, 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' });
    expect(first?.['accept-encoding']).toBe('gzip, deflate, br');
    expect(first?.['sec-ch-ua']).toContain('Chromium');
    expect(first?.cookie).toBeUndefined();
    expect(second).toMatchObject({ cookie: 'sid=abc123', 'sec-fetch-mode': 'cors' });
    expect(third?.cookie).toBeUndefined();
  });

  it('stops a chunked body over the limit (no Content-Length) with PageTooLargeError', async () => {
    const dispatcher = createReplayDispatcher(origin, ['www.zillow.com']);
    const client = new HttpPageClient({ dispatcher, maxBodyBytes: 64 * 1024 });
    const error = await client.get({ url: 'https://www.zillow.com/big-chunked', source: 'zillow', kind: 'page' }).catch((e: unknown) => e);
    await dispatcher.close();
    expect(error).toBeInstanceOf(PageTooLargeError);
    expect(error).toMatchObject({ maxBytes: 64 * 1024 });
  });

  it('a connection refused is a transient NavigationError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const dispatcher = createReplayDispatcher(`http://127.0.0.1:${port}`, ['www.zillow.com']);
    const error = await new HttpPageClient({ dispatcher })
      .get({ url: 'https://www.zillow.com/x', source: 'zillow', kind: 'page' })
      .catch((e: unknown) => e);
    await dispatcher.close();
    expect(error).toBeInstanceOf(NavigationError);
    expect(error).toMatchObject({ kind: 'transient', timedOut: false });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});

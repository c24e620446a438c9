import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CancelledError } from '@phx/core';
import sharp from 'sharp';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPhotoFetcher } from '../../src/download/index.js';
import { DisallowedHostError, DownloadError, NotAPhotoError, PhotoTooLargeError } from '../../src/errors/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { createReplayDispatcher } from '../../src/replay/index.js';
import { replayKit } from '../support/kit.js';

const HOST = 'photos.zillowstatic.com';
const OTHER_ALLOWED = 'ssl.cdn-redfin.com';
let server: Server;
let dispatcher: Dispatcher;
let jpeg: Buffer;
/** Requests the photo host server answered, by path: shows whether a refused URL was still fetched. */
const served: string[] = [];

/** A test server playing a photo host: each path shows one way a download goes wrong. */
async function startServer(): Promise<Server> {
  jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#884422' } })
    .jpeg()
    .toBuffer();
  const s = createServer((req, res) => {
    const path = (req.url ?? '').replace(/^\/[^/]+/, '');
    served.push(path);
    switch (path) {
      case '/ok.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg', etag: '"v1"', 'last-modified': 'Fri, 01 Nov 2024 00:00:00 GMT' });
        res.end(jpeg);
        return;
      case '/html.jpg':
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!DOCTYPE html><html><body>Access denied</body></html>');
        return;
      case '/html-as-jpeg.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end('<!DOCTYPE html><html><body>Not found</body></html>');
        return;
      case '/big-declared.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(10 * 1024 * 1024) });
        res.end();
        return;
      case '/big-streamed.jpg': {
        res.writeHead(200, { 'content-type': 'image/jpeg' }); // chunked, no length
        const chunk = Buffer.alloc(64 * 1024, 0xff);
        let sent = 0;
        const push = (): void => {
          if (sent >= 40 || res.destroyed) return void res.end();
          sent += 1;
          if (res.write(chunk)) setImmediate(push);
          else res.once('drain', push);
        };
        push();
        return;
      }
      case '/missing.jpg':
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('no');
        return;
      case '/busy.jpg':
        res.writeHead(503, { 'retry-after': '7' });
        res.end();
        return;
      case '/redirect-inside.jpg':
        res.writeHead(302, { location: `https://${OTHER_ALLOWED}/ok.jpg` });
        res.end();
        return;
      case '/redirect-other-port.jpg':
        res.writeHead(302, { location: `https://${OTHER_ALLOWED}:8443/port-ok.jpg` });
        res.end();
        return;
      case '/port-ok.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.end(jpeg);
        return;
      case '/redirect-outside.jpg':
        res.writeHead(302, { location: 'https://evil.example.com/ok.jpg' });
        res.end();
        return;
      case '/hang.jpg':
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        res.write(jpeg.subarray(0, 10)); // then nothing
        return;
      default:
        res.writeHead(404);
        res.end();
    }
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return s;
}

beforeAll(async () => {
  server = await startServer();
  dispatcher = createReplayDispatcher(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, [
    HOST,
    OTHER_ALLOWED,
    'evil.example.com',
  ]);
});
afterAll(async () => {
  await dispatcher?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

const fetcher = (options: { maxBytes?: number; timeoutMs?: number } = {}): HttpPhotoFetcher =>
  new HttpPhotoFetcher({ dispatcher, maxBytes: options.maxBytes ?? 1024 * 1024, timeoutMs: options.timeoutMs ?? 5_000 });
const url = (path: string): string => `https://${HOST}${path}`;

describe('HttpPhotoFetcher over real HTTP', () => {
  it('downloads a photo with its caching headers', async () => {
    const photo = await fetcher().fetchPhoto({ url: url('/ok.jpg') });
    expect(photo.bytes.equals(jpeg)).toBe(true);
    expect(photo).toMatchObject({
      url: url('/ok.jpg'),
      contentType: 'image/jpeg',
      etag: '"v1"',
      lastModified: 'Fri, 01 Nov 2024 00:00:00 GMT',
    });
  });

  it('rejects an HTML page, whether announced as HTML or as a JPEG', async () => {
    for (const path of ['/html.jpg', '/html-as-jpeg.jpg']) {
      const err = await fetcher()
        .fetchPhoto({ url: url(path) })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotAPhotoError);
      expect((err as NotAPhotoError).kind).toBe('permanent');
      expect((err as NotAPhotoError).firstBytesHex.startsWith(Buffer.from('<!DOC').toString('hex'))).toBe(true);
    }
  });

  it('stops at the byte cap, from Content-Length or while streaming', async () => {
    const declared = await fetcher({ maxBytes: 1024 * 1024 })
      .fetchPhoto({ url: url('/big-declared.jpg') })
      .catch((e: unknown) => e);
    expect(declared).toBeInstanceOf(PhotoTooLargeError);
    expect((declared as PhotoTooLargeError).seenBytes).toBe(10 * 1024 * 1024);
    const streamed = await fetcher({ maxBytes: 1024 * 1024 })
      .fetchPhoto({ url: url('/big-streamed.jpg') })
      .catch((e: unknown) => e);
    expect(streamed).toBeInstanceOf(PhotoTooLargeError);
    expect((streamed as PhotoTooLargeError).seenBytes).toBeGreaterThan(1024 * 1024);
    expect((streamed as PhotoTooLargeError).seenBytes).toBeLessThan(2 * 1024 * 1024);
  });

  it('reports 404 as permanent and 503 as transient with Retry-After', async () => {
    const missing = (await fetcher()
      .fetchPhoto({ url: url('/missing.jpg') })
      .catch((e: unknown) => e)) as DownloadError;
    expect(missing).toBeInstanceOf(DownloadError);
    expect([missing.status, missing.kind]).toEqual([404, 'permanent']);
    const busy = (await fetcher()
      .fetchPhoto({ url: url('/busy.jpg') })
      .catch((e: unknown) => e)) as DownloadError;
    expect([busy.status, busy.kind, busy.retryAfterMs]).toEqual([503, 'transient', 7_000]);
  });

  it('follows redirects within the allowed photo hosts only', async () => {
    const inside = await fetcher().fetchPhoto({ url: url('/redirect-inside.jpg') });
    expect(inside.url).toBe(`https://${OTHER_ALLOWED}/ok.jpg`);
    const outside = await fetcher()
      .fetchPhoto({ url: url('/redirect-outside.jpg') })
      .catch((e: unknown) => e);
    expect(outside).toBeInstanceOf(DisallowedHostError);
    expect((outside as DisallowedHostError).host).toBe('evil.example.com');
    await expect(fetcher().fetchPhoto({ url: 'http://photos.zillowstatic.com/ok.jpg' })).rejects.toBeInstanceOf(DisallowedHostError);
  });

  it('refuses an allowed photo host on another port, asked for or redirected to, before any request reaches it', async () => {
    served.length = 0;
    const direct = (await fetcher()
      .fetchPhoto({ url: `https://${HOST}:8443/port-ok.jpg` })
      .catch((e: unknown) => e)) as DisallowedHostError;
    expect(direct).toBeInstanceOf(DisallowedHostError);
    expect(direct.host).toBe(`${HOST}:8443`);
    expect(direct.message).toContain(`host "${HOST}:8443" is not an allowed photo host`);
    const redirected = (await fetcher()
      .fetchPhoto({ url: url('/redirect-other-port.jpg') })
      .catch((e: unknown) => e)) as DisallowedHostError;
    expect(redirected).toBeInstanceOf(DisallowedHostError);
    expect(redirected.host).toBe(`${OTHER_ALLOWED}:8443`);
    expect(served).toEqual(['/redirect-other-port.jpg']);
    // The default port written out is the same origin, and a port listed with its host is allowed.
    expect((await fetcher().fetchPhoto({ url: `https://${HOST}:443/port-ok.jpg` })).bytes.equals(jpeg)).toBe(true);
    const listed = new HttpPhotoFetcher({ dispatcher, allowedHosts: [`${HOST}:8443`], timeoutMs: 5_000 });
    expect((await listed.fetchPhoto({ url: `https://${HOST}:8443/port-ok.jpg` })).bytes.equals(jpeg)).toBe(true);
    await expect(listed.fetchPhoto({ url: `https://${HOST}/port-ok.jpg` })).rejects.toBeInstanceOf(DisallowedHostError);
  });

  it('names the scheme, not the host, when an allowed photo host is asked for over http', async () => {
    const http = (await fetcher()
      .fetchPhoto({ url: 'http://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-cc_ft_1536.jpg' })
      .catch((e: unknown) => e)) as DisallowedHostError;
    expect(http).toBeInstanceOf(DisallowedHostError);
    expect([http.scheme, http.host]).toEqual(['http', 'photos.zillowstatic.com']);
    expect(http.message).toBe(
      'http://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-cc_ft_1536.jpg cannot be downloaded: its scheme is http: photos are downloaded over https only',
    );
    const both = (await fetcher()
      .fetchPhoto({ url: 'ftp://evil.example.com/a.jpg' })
      .catch((e: unknown) => e)) as DisallowedHostError;
    expect(both.message).toMatch(
      /^ftp:\/\/evil\.example\.com\/a\.jpg cannot be downloaded: its scheme is ftp: photos are downloaded over https only; host "evil\.example\.com" is not an allowed photo host \(/,
    );
  });

  it('times out a hanging body as a transient DownloadError, and honours the abort signal', async () => {
    const started = Date.now();
    const hung = (await fetcher({ timeoutMs: 500 })
      .fetchPhoto({ url: url('/hang.jpg') })
      .catch((e: unknown) => e)) as DownloadError;
    expect(hung).toBeInstanceOf(DownloadError);
    expect([hung.timedOut, hung.kind]).toEqual([true, 'transient']);
    expect(Date.now() - started).toBeLessThan(3_000);
    const controller = new AbortController();
    const pending = fetcher({ timeoutMs: 10_000 }).fetchPhoto({ url: url('/hang.jpg'), signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('replayed photo hosts', () => {
  let kit: ScraperKit;
  beforeAll(async () => {
    kit = await replayKit();
  });
  afterAll(async () => {
    await kit?.close();
  });

  const key = '0908196da96088046519d08b7d069684'; // first photo of zillow-hdp-austin-tx-29423592

  it('serves each size of a photo at the width the URL asks for', async () => {
    for (const [variant, width] of [
      ['cc_ft_384.jpg', 384],
      ['uncropped_scaled_within_1536_1152.jpg', 1536],
      ['o_a.jpg', 1024],
      ['d_d.webp', 800],
    ] as const) {
      const photo = await kit.fetcher.fetchPhoto({ url: `https://photos.zillowstatic.com/fp/${key}-${variant}` });
      const meta = await sharp(photo.bytes).metadata();
      expect(meta.width).toBe(width);
      expect(meta.format).toBe(variant.endsWith('webp') ? 'webp' : 'jpeg');
      expect(photo.etag).toMatch(/^"[0-9a-f]{40}"$/);
    }
    const redfin = await kit.fetcher.fetchPhoto({ url: 'https://ssl.cdn-redfin.com/photo/256/bigphoto/944/R3088944_4.jpg' });
    expect((await sharp(redfin.bytes).metadata()).width).toBe(2048); // the width the page states for bigphoto
  });

  it('serves the same picture at every size and a different one for another photo', async () => {
    const tiny = async (u: string): Promise<Buffer> =>
      sharp((await kit.fetcher.fetchPhoto({ url: u })).bytes)
        .resize(8, 8, { fit: 'fill' })
        .greyscale()
        .raw()
        .toBuffer();
    const diff = (a: Buffer, b: Buffer): number => a.reduce((sum, v, i) => sum + Math.abs(v - (b[i] ?? 0)), 0) / a.length;
    const small = await tiny(`https://photos.zillowstatic.com/fp/${key}-cc_ft_384.jpg`);
    const large = await tiny(`https://photos.zillowstatic.com/fp/${key}-uncropped_scaled_within_1536_1152.jpg`);
    const other = await tiny('https://photos.zillowstatic.com/fp/f0df7bb34618b59134c105b004ce221e-cc_ft_384.jpg');
    expect(diff(small, large)).toBeLessThan(6);
    expect(diff(small, other)).toBeGreaterThan(10);
  });

  it('answers photo ids of no saved page with 404 and never reaches another host', async () => {
    const unknown = (await kit.fetcher
      .fetchPhoto({ url: 'https://photos.zillowstatic.com/fp/00000000000000000000000000000000-o_a.jpg' })
      .catch((e: unknown) => e)) as DownloadError;
    expect([unknown.status, unknown.kind]).toEqual([404, 'permanent']);
    const headshot = (await kit.fetcher
      .fetchPhoto({ url: `https://photos.zillowstatic.com/fp/${key}-h_n.jpg` })
      .catch((e: unknown) => e)) as DownloadError;
    expect(headshot.status).toBe(404);
  });
});

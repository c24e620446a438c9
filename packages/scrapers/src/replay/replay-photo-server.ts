import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { REDFIN_PHOTO_HOST, parseRedfinPhotoUrl } from '../redfin/redfin-urls.js';
import { STREET_VIEW_HOST, parseStreetViewUrl } from '../zillow/zillow-street-view.js';
import { ZILLOW_PHOTO_HOST, isZillowListingPhotoUrl, parseZillowPhotoUrl } from '../zillow/zillow-urls.js';
import { REPLAY_MISS_HEADER } from '../listing/index.js';
import type { ReplayArchive, ReplayResponse } from './replay-archive.js';

/** Hosts the replay photo server answers for. */
export const REPLAY_PHOTO_HOSTS: readonly string[] = Object.freeze([ZILLOW_PHOTO_HOST, REDFIN_PHOTO_HOST, STREET_VIEW_HOST]);

/** Page and site-API hosts the replay server answers from the archive's saved pages (for the plain HTTP client). */
export const REPLAY_PAGE_HOSTS: readonly string[] = Object.freeze([
  'www.zillow.com',
  'zillow.com',
  'www.redfin.com',
  'redfin.com',
  'www.redfin.ca',
  'redfin.ca',
]);

/**
 * Widths in px replay gives Redfin's size folders, which do not state one
 * (`bigphoto` uses the width the page states, else the first entry).
 */
const REDFIN_REPLAY_WIDTHS: Readonly<Record<string, number>> = Object.freeze({
  bigphoto: 1536,
  mbpaddedwide: 1024,
  islphoto: 1024,
  mbphotov3: 1024,
  mbphoto: 640,
  bcsphoto: 600,
  midphoto: 480,
  tmbphoto: 160,
});

/** A rendered photo: what one real photo URL answers in replay. */
interface RenderedPhoto {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
}

/** Options of {@link ReplayPhotoServer.start}. */
export interface ReplayPhotoServerOptions {
  /**
   * Folder where rendered photos are kept between processes (tests, workers
   * and the demo render the same photos), or `null` for memory only.
   * Default `<os tmpdir>/phx-replay-photos`.
   */
  readonly cacheDir?: string | null;
}

/** Defaults of {@link ReplayPhotoServerOptions}. */
const DEFAULT_REPLAY_PHOTO_SERVER_OPTIONS = Object.freeze({
  cacheDir: path.join(tmpdir(), 'phx-replay-photos') as string | null,
});

/** Bumped when rendering changes, so that stale cached renders are not served. */
const RENDER_VERSION = 1;

/** Fixed `Last-Modified` of replayed photos, so that re-runs see stable caching headers. */
const LAST_MODIFIED = 'Fri, 01 Nov 2024 00:00:00 GMT';
const CACHE_LIMIT = 256;

/**
 * RFC 9110 §13.2.2 for a GET: `If-None-Match` (a list, weak comparison, `*`)
 * decides when present; otherwise `If-Modified-Since` against the fixed `Last-Modified`.
 */
function isNotModified(req: IncomingMessage, etag: string): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');
    return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && since >= Date.parse(LAST_MODIFIED);
}

/**
 * A local HTTP server (127.0.0.1, random port) that plays Zillow's and
 * Redfin's photo hosts (and Google Street View for Zillow's placeholder): a request for `/<host>/<path>` of a real photo URL
 * is answered with the real photo assigned to that photo id, resized with
 * sharp to the width the URL asks for and encoded in its format. Sizes of one
 * photo are the same picture; different photos differ. Unknown photo URLs get 404.
 *
 * Any other host (the sites' pages and APIs, {@link REPLAY_PAGE_HOSTS}) is
 * answered from the same archive the browser's replay routes use
 * (`ReplayArchive.lookup`): the saved status, headers and body, held back
 * `delayMs`; a saved redirect is a real 3xx with its `location`; a URL with
 * no saved answer is a 404 marked with the replay-miss header. So the plain
 * HTTP client runs its live code (redirects, cookies, status checks) on the
 * saved pages. Requests reach it through {@link createReplayDispatcher}.
 *
 * @example
 * ```ts
 * import { HttpPhotoFetcher } from '@phx/scrapers';
 * import { ReplayArchive } from './replay-archive.js';
 * import { createReplayDispatcher } from './replay-dispatcher.js';
 * const archive = await ReplayArchive.load({ fixturesDir: '../shared/fixtures' });
 * const server = await ReplayPhotoServer.start(archive);
 * const fetcher = new HttpPhotoFetcher({ dispatcher: createReplayDispatcher(server.origin) });
 * await server.close();
 * ```
 */
export class ReplayPhotoServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  private readonly server: Server;
  private readonly cache = new Map<string, Promise<RenderedPhoto | null>>();
  private readonly archive: ReplayArchive;
  private readonly cacheDir: string | null;

  private constructor(server: Server, archive: ReplayArchive, cacheDir: string | null) {
    this.server = server;
    this.archive = archive;
    this.cacheDir = cacheDir;
    const address = server.address() as AddressInfo;
    this.origin = `http://127.0.0.1:${address.port}`;
  }

  /**
   * Starts a server for an archive.
   *
   * @param archive - the archive whose photo assignment to serve
   * @param options - where rendered photos are cached
   * @returns the listening server
   */
  static async start(archive: ReplayArchive, options: ReplayPhotoServerOptions = {}): Promise<ReplayPhotoServer> {
    const holder: { self?: ReplayPhotoServer } = {};
    const server = createServer((req, res) => {
      void holder.self?.handle(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.self = new ReplayPhotoServer(
      server,
      archive,
      options.cacheDir === undefined ? DEFAULT_REPLAY_PHOTO_SERVER_OPTIONS.cacheDir : options.cacheDir,
    );
    return holder.self;
  }

  /**
   * Renders what a real photo URL answers in replay, without HTTP.
   *
   * @param url - a real photo URL, e.g. `https://photos.zillowstatic.com/fp/<key>-o_a.jpg`
   * @returns the bytes and content type, or `null` when the URL is no replayed photo
   */
  render(url: string): Promise<RenderedPhoto | null> {
    let hit = this.cache.get(url);
    if (hit === undefined) {
      hit = this.renderUncached(url);
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value ?? '');
      this.cache.set(url, hit);
    }
    return hit;
  }

  /** Stops the server; open connections are ended. Idempotent. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const slash = (req.url ?? '/').indexOf('/', 1);
    const host = slash > 0 ? (req.url ?? '').slice(1, slash) : '';
    const url = `https://${host}${slash > 0 ? (req.url ?? '').slice(slash) : '/'}`;
    if (!REPLAY_PHOTO_HOSTS.includes(host)) {
      await this.answerPage(req, res, url);
      return;
    }
    try {
      const photo = REPLAY_PHOTO_HOSTS.includes(host) && (req.method === 'GET' || req.method === 'HEAD') ? await this.render(url) : null;
      if (photo === null) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`phx replay: no photo for ${url}`);
        return;
      }
      if (isNotModified(req, photo.etag)) {
        res.writeHead(304, { etag: photo.etag, 'last-modified': LAST_MODIFIED });
        res.end();
        return;
      }
      res.writeHead(200, {
        'content-type': photo.contentType,
        'content-length': String(photo.body.length),
        etag: photo.etag,
        'last-modified': LAST_MODIFIED,
        'cache-control': 'public, max-age=31536000',
      });
      res.end(req.method === 'HEAD' ? undefined : photo.body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`phx replay: cannot render ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Answers a page or API URL from the archive (see the class comment). */
  private async answerPage(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const saved: ReplayResponse | null = req.method === 'GET' || req.method === 'HEAD' ? this.archive.lookup(url) : null;
    if (saved === null) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', [REPLAY_MISS_HEADER]: '1' });
      res.end(`phx replay: no saved response for ${req.method ?? 'GET'} ${url}`);
      return;
    }
    const delayMs = saved.delayMs ?? 0;
    if (delayMs > 0) {
      const whole = await new Promise<boolean>((resolve) => {
        const onClose = (): void => {
          clearTimeout(timer);
          resolve(false);
        };
        const timer = setTimeout(() => {
          res.off('close', onClose);
          resolve(true);
        }, delayMs).unref();
        res.once('close', onClose);
      });
      if (!whole) return; // the client went away while the answer was held
    }
    res.writeHead(saved.status, { ...saved.headers, 'content-type': saved.contentType, 'content-length': String(saved.body.length) });
    res.end(req.method === 'HEAD' ? undefined : saved.body);
  }

  private async renderUncached(url: string): Promise<RenderedPhoto | null> {
    const target = this.resolve(url);
    if (target === null) return null;
    const body = await this.renderCached(target);
    const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
    return { body, contentType: target.format === 'webp' ? 'image/webp' : 'image/jpeg', etag };
  }

  private async renderCached(target: { file: string; sha256: string; widthPx: number; format: 'jpeg' | 'webp' }): Promise<Buffer> {
    const name = `${target.sha256}-${target.widthPx}-v${RENDER_VERSION}.${target.format === 'webp' ? 'webp' : 'jpg'}`;
    const cached = this.cacheDir === null ? null : await readFile(path.join(this.cacheDir, name)).catch(() => null);
    if (cached !== null) return cached;
    // Upscaling a 720 px photo gains nothing from a costly kernel.
    const image = sharp(target.file).rotate().resize({ width: target.widthPx, kernel: 'cubic' });
    const body = target.format === 'webp' ? await image.webp({ quality: 80 }).toBuffer() : await image.jpeg({ quality: 85 }).toBuffer();
    if (this.cacheDir !== null) {
      const tmp = path.join(this.cacheDir, `${name}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
      await mkdir(this.cacheDir, { recursive: true })
        .then(() => writeFile(tmp, body))
        .then(() => rename(tmp, path.join(this.cacheDir ?? '', name)))
        .catch(() => undefined); // a cache that cannot be written only costs time
    }
    return body;
  }

  private resolve(url: string): { file: string; sha256: string; widthPx: number; format: 'jpeg' | 'webp' } | null {
    const z = parseZillowPhotoUrl(url);
    if (z !== null) {
      const source = isZillowListingPhotoUrl(url) ? this.archive.photoFor('zillow', z.key) : null;
      if (source === null || z.widthPx === null) return null;
      return { file: source.photo.file, sha256: source.photo.sha256, widthPx: z.widthPx, format: z.format === 'webp' ? 'webp' : 'jpeg' };
    }
    const view = parseStreetViewUrl(url);
    if (view !== null) {
      const source = this.archive.photoFor('zillow', view.photoId);
      if (source === null || view.widthPx === null) return null;
      return { file: source.photo.file, sha256: source.photo.sha256, widthPx: view.widthPx, format: 'jpeg' };
    }
    const r = parseRedfinPhotoUrl(url);
    if (r !== null) {
      const source = this.archive.photoFor('redfin', r.photoId);
      const width = r.size === 'bigphoto' ? (source?.fullWidthPx ?? REDFIN_REPLAY_WIDTHS['bigphoto']) : REDFIN_REPLAY_WIDTHS[r.size];
      if (source === null || width === undefined) return null;
      return { file: source.photo.file, sha256: source.photo.sha256, widthPx: width, format: r.format === 'webp' ? 'webp' : 'jpeg' };
    }
    return null;
  }
}

import { CancelledError, inSpan, noopLogger, parseInput, throwIfCancelled } from '@phx/core';
import type { FetchedPhoto, Logger, NotModifiedPhoto, PhotoFetchRequest, PhotoFetcher, Source } from '@phx/core';
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { DisallowedHostError, DownloadError, NotAPhotoError, PhotoTooLargeError } from '../errors/index.js';
import { firstBytesHex, sniffImageSignature } from './image-signature.js';
import { checkPhotoFetchRequest } from './photo-fetch-request.js';
import { eitherSignal } from '../politeness/abortable.js';
import { DEFAULT_PHOTO_HOSTS, parseRetryAfterMs, sourceOfPhotoHost } from './photo-hosts.js';

/** Largest photo accepted by default, in bytes: 25 MiB (the fetcher's `maxBytes`, the kit's `maxPhotoBytes`). */
export const DEFAULT_MAX_PHOTO_BYTES = 25 * 1024 * 1024;

/**
 * Run-time schema of {@link HttpPhotoFetcherOptions}, with their defaults (the
 * one place they are written; the scraper kit's download settings are these
 * fields). `HttpPhotoFetcher` parses its options with it once.
 */
export const httpPhotoFetcherOptionsSchema = z
  .object({
    /**
     * Hosts photos may come from, also after redirects: exact names, on https's
     * port 443; a host on another port is allowed only when listed with it
     * (`photos.example.com:8443`). Default {@link DEFAULT_PHOTO_HOSTS}.
     */
    allowedHosts: z.array(z.string().min(1)).min(1).readonly().default(DEFAULT_PHOTO_HOSTS),
    /** Time allowed for one download, headers and body, in ms (100-600 000). Default 30 000. */
    timeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Largest photo accepted, in bytes (1-1 GiB). Default 25 MiB. */
    maxBytes: z
      .number()
      .int()
      .min(1)
      .max(1024 ** 3)
      .default(DEFAULT_MAX_PHOTO_BYTES),
    /** Redirects followed at most (0-10). Default 5. */
    maxRedirects: z.number().int().min(0).max(10).default(5),
    /** `User-Agent` sent. Default a desktop Chrome string. */
    userAgent: z
      .string()
      .min(1)
      .default('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'),
    /** undici dispatcher to send requests through (replay uses one that serves photos locally). Default undici's global one. */
    dispatcher: z
      .custom<Dispatcher>((v) => typeof v === 'object' && v !== null, { message: 'must be an undici Dispatcher' })
      .exactOptional(),
    /** Logger; default drops everything. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).default(() => noopLogger),
  })
  .strict();

/** Options of {@link HttpPhotoFetcher}. */
export type HttpPhotoFetcherOptions = z.input<typeof httpPhotoFetcherOptionsSchema>;

/**
 * Downloads listing photos over HTTP with undici: streamed with a byte cap,
 * a timeout covering headers and body, redirects followed only within the
 * allowed photo hosts, and a content-type plus magic-byte check so that an
 * HTML error page is never taken for a photo. Returns `ETag` and
 * `Last-Modified` for incremental re-runs, and sends them back on request
 * (`ifNoneMatch`, `ifModifiedSince`) so that an unchanged photo costs a 304
 * and no body. Does not retry: callers retry
 * errors of kind `transient` (see {@link DownloadError.retryAfterMs}).
 *
 * Concurrency: `fetchPhoto` may be called many times at once; the fetcher
 * holds no per-call state.
 *
 * @example
 * ```ts
 * const fetcher = new HttpPhotoFetcher({ maxBytes: 10 * 1024 * 1024 });
 * const photo = await fetcher.fetchPhoto({ url: 'https://photos.zillowstatic.com/fp/…-o_a.jpg' });
 * ```
 */
export class HttpPhotoFetcher implements PhotoFetcher {
  private readonly allowedHosts: readonly string[];
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly userAgent: string;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly logger: Logger;

  /**
   * @param options - see {@link HttpPhotoFetcherOptions}
   * @throws `InvalidInputError` (core) listing every bad option
   */
  constructor(options: HttpPhotoFetcherOptions = {}) {
    const o = parseInput(httpPhotoFetcherOptionsSchema, options, 'HttpPhotoFetcher options');
    this.allowedHosts = o.allowedHosts.map((h) => h.toLowerCase());
    this.timeoutMs = o.timeoutMs;
    this.maxBytes = o.maxBytes;
    this.maxRedirects = o.maxRedirects;
    this.userAgent = o.userAgent;
    this.dispatcher = o.dispatcher;
    this.logger = o.logger.child({ component: 'photo-fetcher' });
  }

  /**
   * Downloads one photo, or revalidates a copy the caller holds: `req.ifNoneMatch`
   * is sent as `If-None-Match` (the tags joined by `, `) and `req.ifModifiedSince`
   * as `If-Modified-Since`; a 304 answer to such a request is returned as a
   * `NotModifiedPhoto` (core), with no bytes.
   *
   * @param given - the https URL on an allowed host (a string, or a `URL` object read as its `href`), an abort signal, and optionally the validators of the copy held
   * @returns the bytes as served, content type, ETag, Last-Modified and the URL after redirects;
   *   or, for a conditional request answered 304, `notModified: true`, empty bytes and the host's ETag and Last-Modified
   * @throws {@link DisallowedHostError} when the URL or a redirect leaves the allowed hosts, or is not https
   * @throws {@link DownloadError} on a status other than 200 (or 304 to a conditional request; transient for 408/429/5xx), a timeout or a connection error
   * @throws {@link PhotoTooLargeError} when the body exceeds `maxBytes`
   * @throws {@link NotAPhotoError} when the body is not an image (content type or magic bytes)
   * @throws `CancelledError` (core) when `req.signal` aborts
   * @throws `InvalidInputError` (core) `fetchPhoto request` naming each bad field (`url`, `signal`, `ifNoneMatch`, `ifModifiedSince`, unknown keys)
   */
  async fetchPhoto(given: PhotoFetchRequest): Promise<FetchedPhoto> {
    const req = checkPhotoFetchRequest(given);
    return inSpan('photo', { 'server.address': hostOf(req.url) }, async (span) => {
      const photo = await this.download(req, (status) => span.setAttribute('http.response.status_code', status));
      span.setAttributes({ 'phx.photo.bytes': photo.bytes.length, 'phx.photo.not_modified': photo.notModified === true });
      return photo;
    });
  }

  /** {@link fetchPhoto} of a checked request; `onStatus` hears each answer's HTTP status (redirects included). */
  private async download(req: PhotoFetchRequest, onStatus: (status: number) => void): Promise<FetchedPhoto> {
    throwIfCancelled(req.signal);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const joined = req.signal === undefined ? null : eitherSignal(req.signal, timeout);
    const signal = joined ?? timeout;
    let url = req.url;
    try {
      for (let hop = 0; ; hop += 1) {
        const source = this.assertAllowed(url);
        const res = await request(url, {
          method: 'GET',
          signal,
          headers: { 'user-agent': this.userAgent, accept: 'image/avif,image/webp,image/jpeg,image/*;q=0.8', ...conditionalHeaders(req) },
          ...(this.dispatcher === undefined ? {} : { dispatcher: this.dispatcher }),
        });
        onStatus(res.statusCode);
        const location = header(res.headers, 'location');
        if (res.statusCode >= 300 && res.statusCode < 400 && location !== null) {
          discard(res.body);
          if (hop >= this.maxRedirects) {
            throw new DownloadError(req.url, source, { message: `more than ${this.maxRedirects} redirects`, status: res.statusCode });
          }
          url = new URL(location, url).href;
          continue;
        }
        if (res.statusCode === 304 && isConditional(req)) {
          discard(res.body);
          this.logger.debug({ url, redirects: hop }, 'photo not modified');
          return notModified(url, res.headers);
        }
        if (res.statusCode !== 200) {
          discard(res.body);
          const retryAfterMs = parseRetryAfterMs(header(res.headers, 'retry-after'));
          throw new DownloadError(url, source, { message: `HTTP ${res.statusCode}`, status: res.statusCode, retryAfterMs });
        }
        const photo = await this.readBody(url, source, res);
        this.logger.debug({ url, bytes: photo.bytes.length, redirects: hop }, 'photo downloaded');
        return photo;
      }
    } catch (error) {
      throw this.translate(error, url, req.signal, timeout);
    } finally {
      joined?.clear();
    }
  }

  private assertAllowed(url: string): Source | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DisallowedHostError(url, null, '(not a URL)', this.allowedHosts, null);
    }
    // `host` keeps a port other than the scheme's default, so another port of an allowed name is another host.
    const host = parsed.host.toLowerCase();
    const source = sourceOfPhotoHost(parsed.hostname);
    if (parsed.protocol !== 'https:' || !this.allowedHosts.includes(host)) {
      throw new DisallowedHostError(url, source, host, this.allowedHosts, parsed.protocol.replace(/:$/, ''));
    }
    return source;
  }

  private async readBody(url: string, source: Source | null, res: Dispatcher.ResponseData): Promise<FetchedPhoto> {
    const contentType = header(res.headers, 'content-type');
    const declared = Number(header(res.headers, 'content-length') ?? Number.NaN);
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      discard(res.body);
      throw new PhotoTooLargeError(url, source, this.maxBytes, declared);
    }
    const mime = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? null;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += buf.length;
      if (size > this.maxBytes) {
        discard(res.body);
        throw new PhotoTooLargeError(url, source, this.maxBytes, size);
      }
      chunks.push(buf);
      // An HTML page announced as such is rejected from its first bytes, not after the whole body.
      if (chunks.length === 1 && mime !== null && !mime.startsWith('image/') && mime !== 'application/octet-stream') {
        discard(res.body);
        throw new NotAPhotoError(url, source, { contentType, firstBytesHex: firstBytesHex(buf) });
      }
    }
    const bytes = Buffer.concat(chunks, size);
    if (sniffImageSignature(bytes) === null) {
      throw new NotAPhotoError(url, source, { contentType, firstBytesHex: firstBytesHex(bytes) });
    }
    return { url, bytes, contentType, etag: header(res.headers, 'etag'), lastModified: header(res.headers, 'last-modified') };
  }

  private translate(error: unknown, url: string, callerSignal: AbortSignal | undefined, timeout: AbortSignal): unknown {
    if (callerSignal?.aborted) {
      return error instanceof CancelledError ? error : new CancelledError(`download of ${url} cancelled`, { cause: error });
    }
    if (
      error instanceof DownloadError ||
      error instanceof NotAPhotoError ||
      error instanceof PhotoTooLargeError ||
      error instanceof DisallowedHostError
    ) {
      return error;
    }
    const source = safeSource(url);
    if (timeout.aborted) {
      return new DownloadError(url, source, { message: `no complete answer within ${this.timeoutMs} ms`, timedOut: true, cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new DownloadError(url, source, { message, cause: error });
  }
}

/** Whether the request carries a validator, so that a 304 answers it. */
function isConditional(req: PhotoFetchRequest): boolean {
  return (req.ifNoneMatch?.length ?? 0) > 0 || req.ifModifiedSince !== undefined;
}

/** `If-None-Match` and `If-Modified-Since` of a conditional request; none for a plain one. */
function conditionalHeaders(req: PhotoFetchRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (req.ifNoneMatch !== undefined && req.ifNoneMatch.length > 0) headers['if-none-match'] = req.ifNoneMatch.join(', ');
  if (req.ifModifiedSince !== undefined) headers['if-modified-since'] = req.ifModifiedSince.toUTCString();
  return headers;
}

function notModified(url: string, headers: Record<string, string | string[] | undefined>): NotModifiedPhoto {
  return {
    url,
    bytes: Buffer.alloc(0),
    contentType: null,
    etag: header(headers, 'etag'),
    lastModified: header(headers, 'last-modified'),
    notModified: true,
  };
}

/** Drops a body we will not read; undici reports the abort as an 'error' event nobody else listens to. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const v = headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? (v[0] ?? null) : v;
}

function safeSource(url: string): Source | null {
  try {
    return sourceOfPhotoHost(new URL(url).hostname);
  } catch {
    return null;
  }
}

/** The host name of a URL, or `(not a URL)` (the fetch then fails naming it). */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '(not a URL)';
  }
}

import { pipeline } from 'node:stream';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { throwIfCancelled } from '@phx/core';
import type { Source } from '@phx/core';
import type { CookieJar } from 'tough-cookie';
import { getGlobalDispatcher, request } from 'undici';
import type { Dispatcher } from 'undici';
import { NavigationError, OffSiteRedirectError, PageTooLargeError } from '../errors/index.js';
import { abortable } from '../politeness/abortable.js';
import { browserHeaders } from './browser-headers.js';
import type { HttpRequestKind } from './browser-headers.js';

/** Default largest page or API body the plain client reads, in bytes (after decompression): 8 MiB. */
export const DEFAULT_MAX_PAGE_BYTES = 8 * 1024 * 1024;
/** Redirects followed within a site for one request, at most. */
export const MAX_HTTP_REDIRECTS = 10;

/** The hosts of each site a plain-HTTP redirect may lead to (https, port 443 only). */
export const SITE_HOSTS: Readonly<Record<Source, readonly string[]>> = Object.freeze({
  zillow: Object.freeze(['www.zillow.com', 'zillow.com']),
  redfin: Object.freeze(['www.redfin.com', 'redfin.com', 'www.redfin.ca', 'redfin.ca']),
});

/**
 * Where a plain request goes and whose cookies it carries. A `Session` of
 * the session pool satisfies it (its proxy agent and its jar); by default
 * the scraper uses the kit's dispatcher and one jar per property.
 */
export interface HttpSession {
  /** The undici dispatcher to send through (an `Agent`, a `ProxyAgent`, the replay dispatcher). Borrowed. */
  readonly dispatcher: Dispatcher;
  /** Cookies sent and kept, or `null` to send none. */
  readonly cookieJar: CookieJar | null;
}

/** One GET of {@link HttpPageClient.get}. */
export interface HttpGetRequest {
  /** The https URL. */
  readonly url: string;
  /** The site, for errors and for which hosts a redirect may lead to. */
  readonly source: Source;
  /** A page navigation or a site-API call (which headers to send). */
  readonly kind: HttpRequestKind;
  /** Dispatcher and cookie jar; default the client's dispatcher and no cookies. */
  readonly session?: HttpSession;
  /** The page an API call is made from, sent as `referer`. */
  readonly referer?: string;
  /** Time allowed for the whole answer (redirects, headers and body), in ms. Default the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Aborts the request. */
  readonly signal?: AbortSignal;
}

/** What a plain GET answered, after redirects within the site. */
export interface HttpAnswer {
  /** URL asked for. */
  readonly requestedUrl: string;
  /** URL that answered, after redirects. */
  readonly finalUrl: string;
  /** HTTP status of the last answer. */
  readonly status: number;
  /** Response headers of the last answer, lower-case names, first value of each. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8 (after decompression). */
  readonly body: string;
}

/** Options of {@link HttpPageClient}. */
export interface HttpPageClientOptions {
  /** Default dispatcher (borrowed, never closed by the client). Default undici's global dispatcher. */
  readonly dispatcher?: Dispatcher;
  /** Default time allowed for one GET, in ms. Default 45 000. */
  readonly timeoutMs?: number;
  /** Largest body read, in bytes, after decompression. Default {@link DEFAULT_MAX_PAGE_BYTES}. */
  readonly maxBodyBytes?: number;
}

/** A redirect status with a `location`, else `null`. */
function redirectTarget(status: number, headers: Readonly<Record<string, string>>, from: string): string | null {
  const location = [301, 302, 303, 307, 308].includes(status) ? headers['location'] : undefined;
  return location === undefined ? null : new URL(location, from).href;
}

function onSite(url: string, source: Source): boolean {
  const u = new URL(url);
  return u.protocol === 'https:' && u.port === '' && SITE_HOSTS[source].includes(u.hostname.toLowerCase());
}

function firstValues(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.toLowerCase()] = first;
  }
  return out;
}

function decoded(body: Readable, encoding: string | undefined): Readable {
  const codec = encoding?.trim().toLowerCase();
  const inflater =
    codec === 'gzip' || codec === 'x-gzip'
      ? createGunzip()
      : codec === 'br'
        ? createBrotliDecompress()
        : codec === 'deflate'
          ? createInflate()
          : null;
  return inflater === null ? body : pipeline(body, inflater, () => undefined);
}

/**
 * The plain HTTP client of the `http` and `auto` fetch modes (undici): GETs
 * a page or a site API with the headers of a current Chromium, sends and
 * keeps cookies in the request's jar (tough-cookie), follows redirects
 * within the site by hand (at most {@link MAX_HTTP_REDIRECTS}, each hop's
 * cookies kept), decompresses gzip, deflate and brotli, and stops reading a
 * body over `maxBodyBytes`. It never interprets the status: a 404 or a wall
 * is returned for the caller's checks (the same ones the browser path uses).
 * Safe for concurrent use.
 *
 * @example
 * ```ts
 * import { CookieJar } from 'tough-cookie';
 * import { Agent } from 'undici';
 * const client = new HttpPageClient();
 * const answer = await client.get({
 *   url: 'https://www.zillow.com/homedetails/…/29423592_zpid/',
 *   source: 'zillow',
 *   kind: 'page',
 *   session: { dispatcher: new Agent(), cookieJar: new CookieJar() },
 * });
 * ```
 */
export class HttpPageClient {
  /** Largest body read, in bytes. */
  readonly maxBodyBytes: number;
  /** Default time allowed for one GET, in ms. */
  readonly timeoutMs: number;
  /** The dispatcher requests go through when the request names no session (undici's global one unless given). */
  readonly dispatcher: Dispatcher;

  /**
   * @param options - default dispatcher, timeout and body size limit
   */
  constructor(options: HttpPageClientOptions = {}) {
    this.dispatcher = options.dispatcher ?? getGlobalDispatcher();
    this.timeoutMs = options.timeoutMs ?? 45_000;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_PAGE_BYTES;
  }

  /**
   * GETs a URL like Chromium would, following redirects within the site.
   *
   * @param req - URL, site, kind, session, timeout and signal
   * @returns the last answer with its status, headers and body (any status: the caller types it)
   * @throws {@link OffSiteRedirectError} when a redirect leads off the site's https hosts (not followed)
   * @throws {@link PageTooLargeError} when a body is over `maxBodyBytes` (announced or read)
   * @throws {@link NavigationError} (transient) on a timeout (`timedOut`), a connection or protocol error, or more than {@link MAX_HTTP_REDIRECTS} redirects
   * @throws `CancelledError` (core) when `req.signal` aborts
   */
  async get(req: HttpGetRequest): Promise<HttpAnswer> {
    throwIfCancelled(req.signal);
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const onAbort = (): void => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      let url = req.url;
      for (let hop = 0; ; hop += 1) {
        // undici does not stop waiting for a proxy's CONNECT answer when the signal aborts: the wait is bounded here.
        const pending = this.once(req, url, controller.signal);
        pending.catch(() => undefined);
        const answer = await abortable(pending, controller.signal);
        const target = redirectTarget(answer.status, answer.headers, url);
        if (target === null) return { ...answer, requestedUrl: req.url };
        if (!onSite(target, req.source)) throw new OffSiteRedirectError(req.url, req.source, { from: url, location: target });
        if (hop + 1 > MAX_HTTP_REDIRECTS) {
          throw new NavigationError(req.url, req.source, { message: `more than ${MAX_HTTP_REDIRECTS} redirects (last to ${target})` });
        }
        url = target;
      }
    } catch (error) {
      throwIfCancelled(req.signal);
      if (!controller.signal.aborted || !(error instanceof Error) || error instanceof NavigationError) throw this.typed(error, req);
      throw new NavigationError(req.url, req.source, { message: `no whole answer within ${timeoutMs} ms`, timedOut: true, cause: error });
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  private typed(error: unknown, req: HttpGetRequest): unknown {
    if (error instanceof OffSiteRedirectError || error instanceof PageTooLargeError || error instanceof NavigationError) return error;
    const message = error instanceof Error ? `${error.message}${'code' in error ? ` (${String(error.code)})` : ''}` : String(error);
    return new NavigationError(req.url, req.source, { message: `the request failed: ${message}`, cause: error });
  }

  private async once(req: HttpGetRequest, url: string, signal: AbortSignal): Promise<Omit<HttpAnswer, 'requestedUrl'>> {
    const jar = req.session?.cookieJar ?? null;
    const cookie = jar === null ? '' : await jar.getCookieString(url);
    const headers = { ...browserHeaders(req.kind, req.referer ?? null), ...(cookie === '' ? {} : { cookie }) };
    const dispatcher = req.session?.dispatcher ?? this.dispatcher;
    const res = await request(url, { method: 'GET', headers, signal, dispatcher });
    const setCookie = res.headers['set-cookie'];
    if (jar !== null && setCookie !== undefined) {
      for (const c of Array.isArray(setCookie) ? setCookie : [setCookie]) await jar.setCookie(c, url, { ignoreError: true });
    }
    const answerHeaders = firstValues(res.headers);
    if (redirectTarget(res.statusCode, answerHeaders, url) !== null) {
      await res.body.dump();
      return { finalUrl: url, status: res.statusCode, headers: answerHeaders, body: '' };
    }
    const body = await this.readBody(res.body, answerHeaders, url, req.source);
    return { finalUrl: url, status: res.statusCode, headers: answerHeaders, body };
  }

  private async readBody(body: Readable, headers: Readonly<Record<string, string>>, url: string, source: Source): Promise<string> {
    const announced = Number(headers['content-length'] ?? NaN);
    const encoding = headers['content-encoding'];
    if ((encoding === undefined || encoding === 'identity') && announced > this.maxBodyBytes) {
      body.destroy();
      throw new PageTooLargeError(url, source, { maxBytes: this.maxBodyBytes, seenBytes: announced });
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    const stream = decoded(body, encoding);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > this.maxBodyBytes) {
        stream.destroy();
        body.destroy();
        throw new PageTooLargeError(url, source, { maxBytes: this.maxBodyBytes, seenBytes: bytes });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

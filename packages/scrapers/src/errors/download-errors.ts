import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * A photo download failed at the HTTP level: a status other than 200, a
 * timeout, a connection error. `transient` for 408, 429, 5xx, timeouts and
 * connection errors; `permanent` otherwise (404, 410, 403...).
 */
export class DownloadError extends ScraperError {
  /** HTTP status when the server answered, else `null`. */
  readonly status: number | null;
  /** `true` when the download timed out. */
  readonly timedOut: boolean;
  /** Delay the server asked for through `Retry-After`, in ms, else `null`. */
  readonly retryAfterMs: number | null;

  /**
   * @param url - the photo URL
   * @param source - the site the photo host belongs to, or `null`
   * @param detail - what happened; `status`, `timedOut`, `retryAfterMs`
   */
  constructor(
    url: string,
    source: Source | null,
    detail: {
      readonly message: string;
      readonly status?: number | null;
      readonly timedOut?: boolean;
      readonly retryAfterMs?: number | null;
      readonly cause?: unknown;
    },
  ) {
    const status = detail.status ?? null;
    const transient = detail.timedOut === true || status === null || status === 408 || status === 429 || status >= 500;
    super('DOWNLOAD_FAILED', `Downloading ${url} failed: ${detail.message}`, transient ? 'transient' : 'permanent', {
      url,
      source,
      cause: detail.cause,
    });
    this.status = status;
    this.timedOut = detail.timedOut ?? false;
    this.retryAfterMs = detail.retryAfterMs ?? null;
  }
}

/**
 * The photo URL answered with something that is not an image (an HTML error
 * page, JSON, an empty body): wrong content type or wrong magic bytes.
 * Permanent.
 */
export class NotAPhotoError extends ScraperError {
  /** `Content-Type` served, or `null`. */
  readonly contentType: string | null;
  /** The first bytes served, as hex (at most 16 bytes). */
  readonly firstBytesHex: string;

  /**
   * @param url - the photo URL
   * @param source - the site, or `null`
   * @param seen - content type and first bytes
   */
  constructor(url: string, source: Source | null, seen: { readonly contentType: string | null; readonly firstBytesHex: string }) {
    super(
      'NOT_A_PHOTO',
      `${url} did not return a photo (Content-Type ${seen.contentType ?? 'none'}, first bytes ${seen.firstBytesHex || 'none'})`,
      'permanent',
      { url, source },
    );
    this.contentType = seen.contentType;
    this.firstBytesHex = seen.firstBytesHex;
  }
}

/** The photo is larger than the byte cap; the download was stopped. Permanent. */
export class PhotoTooLargeError extends ScraperError {
  /** The cap, in bytes. */
  readonly maxBytes: number;
  /** Bytes announced by `Content-Length` or received before stopping. */
  readonly seenBytes: number;

  /**
   * @param url - the photo URL
   * @param source - the site, or `null`
   * @param maxBytes - the cap
   * @param seenBytes - announced or received bytes
   */
  constructor(url: string, source: Source | null, maxBytes: number, seenBytes: number) {
    super(
      'PHOTO_TOO_LARGE',
      `${url} is larger than the ${maxBytes}-byte cap (saw ${seenBytes} bytes); raise maxPhotoBytes if the photo is genuine`,
      'permanent',
      { url, source },
    );
    this.maxBytes = maxBytes;
    this.seenBytes = seenBytes;
  }
}

/** A photo URL or a redirect points outside the allowed photo hosts. Permanent. */
export class DisallowedHostError extends ScraperError {
  /** The host that is not allowed, or `(not a URL)`. */
  readonly host: string;
  /** The URL's scheme without the colon (`http`, `ftp`, ...), or `null` when it is not a URL. */
  readonly scheme: string | null;

  /**
   * @param url - the URL asked for or redirected to
   * @param source - the site, or `null`
   * @param host - the host of the URL (allowed or not), or `(not a URL)`
   * @param allowedHosts - the hosts that are allowed
   * @param scheme - the URL's scheme without the colon; default `https`
   */
  constructor(url: string, source: Source | null, host: string, allowedHosts: readonly string[], scheme: string | null = 'https') {
    const hosts = allowedHosts.join(', ');
    const problems =
      scheme === null
        ? [`it is not a URL; expected https://<photo host>/… on ${hosts}`]
        : [
            ...(scheme === 'https' ? [] : [`its scheme is ${scheme}: photos are downloaded over https only`]),
            ...(allowedHosts.includes(host.toLowerCase()) ? [] : [`host "${host}" is not an allowed photo host (${hosts})`]),
          ];
    super('DISALLOWED_HOST', `${url} cannot be downloaded: ${problems.join('; ')}`, 'permanent', { url, source });
    this.host = host;
    this.scheme = scheme;
  }
}

import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * A plain-HTTP answer redirected off the site's own hosts (another domain,
 * another port, or `http:`). The redirect is not followed. Kind
 * `permanent`: the listing URL does not lead to the listing over plain HTTP
 * (live, such a redirect is mostly a login or consent page of another host).
 */
export class OffSiteRedirectError extends ScraperError {
  /** The URL that answered with the redirect. */
  readonly from: string;
  /** Where the redirect pointed (absolute), not followed. */
  readonly location: string;

  /**
   * @param url - the URL that was asked for
   * @param source - the site
   * @param hop - `from`: the URL that answered the redirect; `location`: its absolute target
   */
  constructor(url: string, source: Source, hop: { readonly from: string; readonly location: string }) {
    super(
      'OFF_SITE_REDIRECT',
      `The ${source} answer to ${url} redirected from ${hop.from} to ${hop.location}, off ${source}'s own https hosts; ` +
        'the redirect was not followed: check the URL, or read it with fetchMode browser',
      'permanent',
      { url, source },
    );
    this.from = hop.from;
    this.location = hop.location;
  }
}

/**
 * A page or site-API body over the plain HTTP client's size limit
 * (`maxPageBytes`, counted after decompression). Reading stopped at the
 * limit. Kind `permanent`.
 */
export class PageTooLargeError extends ScraperError {
  /** The limit, in bytes. */
  readonly maxBytes: number;
  /** Bytes announced (`Content-Length`) or read before stopping, in bytes (more than `maxBytes`). */
  readonly seenBytes: number;

  /**
   * @param url - the URL whose body was too large
   * @param source - the site
   * @param sizes - the limit and what was announced or read, in bytes
   */
  constructor(url: string, source: Source, sizes: { readonly maxBytes: number; readonly seenBytes: number }) {
    super(
      'PAGE_TOO_LARGE',
      `The ${source} answer to ${url} is over ${sizes.maxBytes} bytes (saw ${sizes.seenBytes}); ` +
        'raise maxPageBytes if such pages are expected',
      'permanent',
      { url, source },
    );
    this.maxBytes = sizes.maxBytes;
    this.seenBytes = sizes.seenBytes;
  }
}

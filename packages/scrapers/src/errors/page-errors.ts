import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/** Which bot protection answered instead of the listing. */
export type BotWallVendor = 'perimeterx' | 'aws-waf' | 'unknown';

/**
 * The site answered with a bot wall (PerimeterX "Press & Hold" captcha,
 * AWS WAF challenge) instead of the listing. Kind `blocked`: retrying at once
 * will not help; the source's circuit breaker should open.
 */
export class BotWallError extends ScraperError {
  /** Protection vendor recognised from the page. */
  readonly vendor: BotWallVendor;
  /** HTTP status of the page (403 and 202 are typical; 200 is possible). */
  readonly status: number;
  /** The markers found on the page, e.g. `['px-captcha', '_pxAppId']`. */
  readonly markers: readonly string[];

  /**
   * @param url - the page URL
   * @param source - the site
   * @param seen - vendor, HTTP status and markers found
   */
  constructor(
    url: string,
    source: Source,
    seen: { readonly vendor: BotWallVendor; readonly status: number; readonly markers: readonly string[] },
  ) {
    super(
      'BOT_WALL',
      `${source} answered ${url} with ${/^[aeiou]/.test(seen.vendor) ? 'an' : 'a'} ${seen.vendor} bot wall (HTTP ${seen.status}; saw ${seen.markers.join(', ')}); ` +
        'back off from this source and retry later',
      'blocked',
      { url, source },
    );
    this.vendor = seen.vendor;
    this.status = seen.status;
    this.markers = seen.markers;
  }
}

/**
 * The listing page no longer exists or no longer shows a listing (HTTP
 * 404/410, redirect to a search page). Permanent. In replay, a URL with no
 * saved page is reported the same way (the page is absent) but says so:
 * `replayMiss` is `true` and the message names the saved fixtures.
 */
export class ListingRemovedError extends ScraperError {
  /** HTTP status of the page. */
  readonly status: number;
  /** What was seen, e.g. `HTTP 404` or `redirected to search page https://…`. */
  readonly seen: string;
  /** `true` when replay has no saved page for the URL (nothing is known about the live listing). */
  readonly replayMiss: boolean;

  /**
   * @param url - the listing URL that was asked for
   * @param source - the site
   * @param status - HTTP status of the page
   * @param seen - what showed the listing is gone
   * @param options - `replayMiss`: the replay has no saved page for `url` (default `false`)
   */
  constructor(url: string, source: Source, status: number, seen: string, options: { readonly replayMiss?: boolean } = {}) {
    const replayMiss = options.replayMiss ?? false;
    const message = replayMiss
      ? `The ${source} page ${url} is not in the saved fixtures (replay miss: ${seen}); replay it from a saved page (mode.extraPages) or record it (phx-record)`
      : `The ${source} listing ${url} is no longer available: ${seen}`;
    super('LISTING_REMOVED', message, 'permanent', { url, source });
    this.status = status;
    this.seen = seen;
    this.replayMiss = replayMiss;
  }
}

/**
 * The listing page loaded but its photo data was not where the parser looks,
 * or was shaped differently (a layout change). Permanent for this page
 * version; the message names the page and every path tried.
 */
export class PhotoDataMissingError extends ScraperError {
  /** Every data path tried and why each failed, in order. */
  readonly pathsTried: readonly string[];

  /**
   * @param url - the page URL
   * @param source - the site
   * @param pathsTried - each path tried with what was found there
   */
  constructor(url: string, source: Source, pathsTried: readonly string[], options: { readonly cause?: unknown } = {}) {
    super(
      'PHOTO_DATA_MISSING',
      `No photo data found on the ${source} page ${url}; tried: ${pathsTried.join('; ')}. ` +
        'The page layout may have changed: save the page and update the parser',
      'permanent',
      { url, source, cause: options.cause },
    );
    this.pathsTried = pathsTried;
  }
}

/** A listing URL this package cannot read: not a Zillow/Redfin detail page URL, or not https. Permanent. */
export class UnsupportedUrlError extends ScraperError {
  /** What is accepted instead. */
  readonly expected: string;

  /**
   * @param url - the rejected URL
   * @param source - the scraper's site, or `null`
   * @param expected - the accepted shape, e.g. `https://www.zillow.com/homedetails/<slug>/<zpid>_zpid/`
   */
  constructor(url: string, source: Source | null, expected: string) {
    super('UNSUPPORTED_URL', `Unsupported ${source ?? 'listing'} URL "${url}"; expected ${expected}`, 'permanent', {
      url,
      source,
    });
    this.expected = expected;
  }
}

/**
 * Loading the page failed: a timeout, a network error, a 5xx or 429 answer,
 * or a crashed page. Transient: retry with backoff.
 */
export class NavigationError extends ScraperError {
  /** HTTP status when the server answered, else `null`. */
  readonly status: number | null;
  /** `true` when the navigation timed out. */
  readonly timedOut: boolean;
  /** Delay the site asked for through `Retry-After` (429, 503), in ms, else `null`. */
  readonly retryAfterMs: number | null;

  /**
   * @param url - the page URL
   * @param source - the site
   * @param detail - what happened; the status, timeout and `Retry-After` delay
   */
  constructor(
    url: string,
    source: Source,
    detail: {
      readonly message: string;
      readonly status?: number | null;
      readonly timedOut?: boolean;
      readonly retryAfterMs?: number | null;
      readonly cause?: unknown;
    },
  ) {
    super('NAVIGATION_FAILED', `Loading the ${source} page ${url} failed: ${detail.message}`, 'transient', {
      url,
      source,
      cause: detail.cause,
    });
    this.status = detail.status ?? null;
    this.timedOut = detail.timedOut ?? false;
    this.retryAfterMs = detail.retryAfterMs ?? null;
  }
}

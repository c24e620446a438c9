import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * A site's data API (e.g. Redfin's `aboveTheFold` or location search)
 * answered `429 Too Many Requests` or `503 Service Unavailable`: it asks to
 * be called less often. Kind `transient`: the source's guard retries the
 * whole attempt no sooner than `retryAfterMs` (when the site sent
 * `Retry-After` and it is within `maxBackoffMs`), else with exponential
 * backoff; after the last retry the property fails with this error.
 */
export class RateLimitedError extends ScraperError {
  /** HTTP status answered: 429 or 503. */
  readonly status: number;
  /** Delay the site asked for through `Retry-After` (seconds or an HTTP date), in ms, else `null`. */
  readonly retryAfterMs: number | null;

  /**
   * @param url - the API URL asked
   * @param source - the site
   * @param detail - the status, the delay asked (ms) and which API it was (e.g. `aboveTheFold`)
   */
  constructor(
    url: string,
    source: Source,
    detail: { readonly status: number; readonly retryAfterMs: number | null; readonly api: string },
  ) {
    const wait = detail.retryAfterMs === null ? 'without Retry-After' : `asking to wait ${detail.retryAfterMs} ms (Retry-After)`;
    super(
      'RATE_LIMITED',
      `The ${source} ${detail.api} API ${url} answered HTTP ${detail.status}, ${wait}; the attempt is retried after that delay`,
      'transient',
      {
        url,
        source,
      },
    );
    this.status = detail.status;
    this.retryAfterMs = detail.retryAfterMs;
  }
}

/**
 * A site's data API answered with something other than what it serves
 * (e.g. an HTML error or interstitial page where JSON is expected), with no
 * bot wall markers. Not a layout change of the listing page: the API did
 * not answer as an API. Kind `transient` (such pages are mostly outages and
 * soft blocks): retried with backoff, then the property fails with this
 * error naming what came.
 */
export class UnexpectedContentError extends ScraperError {
  /** HTTP status answered. */
  readonly status: number;
  /** `Content-Type` answered, or `null` when there was none. */
  readonly contentType: string | null;
  /** What was expected, e.g. `JSON`. */
  readonly expected: string;
  /** What came, for people: the HTML `<title>`, else the first characters of the body (at most 80). */
  readonly seen: string;

  /**
   * @param url - the API URL asked
   * @param source - the site
   * @param detail - which API it was, the status, content type, what was expected and what was seen
   */
  constructor(
    url: string,
    source: Source,
    detail: {
      readonly api: string;
      readonly status: number;
      readonly contentType: string | null;
      readonly expected: string;
      readonly seen: string;
    },
  ) {
    super(
      'UNEXPECTED_CONTENT',
      `The ${source} ${detail.api} API ${url} answered HTTP ${detail.status} with ${detail.contentType ?? 'no Content-Type'} ` +
        `where ${detail.expected} was expected (${detail.seen}); retried later, as an outage or soft block would be`,
      'transient',
      { url, source },
    );
    this.status = detail.status;
    this.contentType = detail.contentType;
    this.expected = detail.expected;
    this.seen = detail.seen;
  }
}

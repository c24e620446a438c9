import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * The source is blocked, so no page of it is loaded for now. Kind `blocked`:
 * the listing is not failed for good, and the other source goes on. Either
 * the source's circuit breaker is open after repeated bot walls (no request
 * went out), or, with a `reason`, every session (and proxy) the page was
 * tried on was blocked or failed (see `runWithSessionRotation`).
 * `reopensAt` says when a trial will be let through, when known.
 */
export class SourceBlockedError extends ScraperError {
  /** When the circuit (or the first cooling proxy) lets a trial through, or `null` when unknown. */
  readonly reopensAt: Date | null;
  /** Why the source is blocked when it is not its circuit breaker (e.g. every proxy failed), else `null`. */
  readonly reason: string | null;

  /**
   * @param url - the URL that was not (or could not be) loaded
   * @param source - the blocked site (`null` for a host of no known site)
   * @param reopensAt - when a trial request will be allowed, or `null`
   * @param options - `cause`: the last error seen; `reason`: why the source is blocked, when it is not
   *   its circuit breaker (default: the circuit is open after repeated bot walls)
   */
  constructor(
    url: string,
    source: Source | null,
    reopensAt: Date | null,
    options: { readonly cause?: unknown; readonly reason?: string } = {},
  ) {
    const reason = options.reason ?? null;
    const what =
      reason === null
        ? `${source ?? 'the host'} is paused after repeated bot walls; ${url} was not requested`
        : `${source ?? 'the host'} is blocked: ${reason}; ${url} was not loaded`;
    super(
      'SOURCE_BLOCKED',
      what +
        (reopensAt === null ? '' : ` (next trial after ${reopensAt.toISOString()})`) +
        (reason === null ? '. Wait, or lower the request rate (politeness options)' : '. Wait, or add or fix proxies'),
      'blocked',
      { url, source, cause: options.cause },
    );
    this.reopensAt = reopensAt;
    this.reason = reason;
  }
}

/** How a browser failed under a page. */
export type BrowserFailure = 'crashed' | 'page-crashed' | 'hung';

/**
 * The Chromium under a page crashed, was killed, or stopped answering
 * while a listing was loading. Kind `transient`: the pool replaces the
 * browser and the scraper retries the property once.
 */
export class BrowserCrashedError extends ScraperError {
  /** What happened to the browser. */
  readonly failure: BrowserFailure;

  /**
   * @param url - the page being loaded
   * @param source - the site, or `null`
   * @param failure - crashed, page-crashed or hung
   */
  constructor(url: string, source: Source | null, failure: BrowserFailure, options: { readonly cause?: unknown } = {}) {
    const what = failure === 'hung' ? 'stopped answering' : failure === 'page-crashed' ? 'crashed its page' : 'crashed or was killed';
    super('BROWSER_CRASHED', `Chromium ${what} while loading ${url}; the browser is replaced and the page retried once`, 'transient', {
      url,
      source,
      cause: options.cause,
    });
    this.failure = failure;
  }
}

/**
 * Chromium could not be started from `chromiumPath`: the file there is not a
 * working Chromium (e.g. `/bin/false`), or it exited or timed out while
 * starting. Kind `transient` when the start timed out (a busy machine),
 * else `permanent`: fix the path (option `chromiumPath`).
 */
export class BrowserLaunchError extends ScraperError {
  /** The executable that was started. */
  readonly chromiumPath: string;

  /**
   * @param chromiumPath - the executable that failed to start
   * @param options - `cause`: Playwright's launch error; `url` and `source` of the page that needed the browser
   */
  constructor(chromiumPath: string, options: { readonly cause: unknown; readonly url?: string; readonly source?: Source | null }) {
    const cause = options.cause;
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    const detail = cause instanceof Error ? (cause.message.split('\n', 1)[0] ?? '') : String(cause);
    super(
      'BROWSER_LAUNCH_FAILED',
      `Chromium could not be started from chromiumPath "${chromiumPath}": ${detail}. ` +
        'Give the path of a working Chromium (option chromiumPath, default /usr/bin/chromium; apt-get install chromium)',
      timedOut ? 'transient' : 'permanent',
      { url: options.url ?? 'about:blank', source: options.source ?? null, cause },
    );
    this.chromiumPath = chromiumPath;
  }
}

import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * The source's circuit breaker is open after repeated bot walls: no request
 * went out. Kind `blocked`; the other source goes on. `reopensAt` says when
 * one trial request will be let through.
 */
export class SourceBlockedError extends ScraperError {
  /** When the circuit lets one trial request through, or `null` when unknown. */
  readonly reopensAt: Date | null;

  /**
   * @param url - the URL that was not requested
   * @param source - the blocked site (`null` for a host of no known site)
   * @param reopensAt - when a trial request will be allowed, or `null`
   */
  constructor(url: string, source: Source | null, reopensAt: Date | null, options: { readonly cause?: unknown } = {}) {
    super(
      'SOURCE_BLOCKED',
      `${source ?? 'the host'} is paused after repeated bot walls; ${url} was not requested` +
        (reopensAt === null ? '' : ` (next trial after ${reopensAt.toISOString()})`) +
        '. Wait, or lower the request rate (politeness options)',
      'blocked',
      { url, source, cause: options.cause },
    );
    this.reopensAt = reopensAt;
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

import type { PageFetchMode } from '@phx/core';
import type { Page } from 'playwright-core';
import type { PageSnapshot } from './page-snapshot.js';

/** What a site's data API answered (any status; the site's reader types it). */
export interface ApiAnswer {
  /** HTTP status. */
  readonly status: number;
  /** `Content-Type` header, or `null`. */
  readonly contentType: string | null;
  /** `Retry-After` header as sent (seconds or an HTTP date), or `null`. */
  readonly retryAfter: string | null;
  /** The body as text. */
  readonly body: string;
}

/**
 * What the site's page loaders need from the browser (as `servedHtmlReady`
 * and `domReady`); the plain client ignores it (it only has the served HTML).
 */
export interface DataReadinessHint {
  /** What is awaited, named in errors and logs. */
  readonly description: string;
  /** `true` when the HTML as served already holds it. Must not throw. */
  readonly servedHtmlReady: (html: string) => boolean;
  /** Runs in the page (serialised: no closure): `true` once the rendered DOM holds it. */
  readonly domReady: () => boolean;
}

/**
 * How one attempt reads a site, in one fetch mode: the listing page as a
 * {@link PageSnapshot} and the site's data APIs, with the attempt's
 * cookies. The scrapers run the same checks (wall, still listed, parse,
 * complete) on whatever access served the page.
 */
export interface PageAccess {
  /** What serves the page: `http` (the plain client) or `browser` (Chromium). */
  readonly mode: PageFetchMode;
  /** The Chromium page in `browser` mode (for steps only a browser can do, e.g. scrolling a gallery), else `null`. */
  readonly page: Page | null;
  /**
   * Loads a page and captures it.
   *
   * @param url - the page URL
   * @param dataReady - what the parser needs (the browser waits for it; the plain client has only the served HTML)
   * @returns the snapshot; `renderedHtml` equals `html` over plain HTTP
   * @throws `ListingRemovedError` on 404/410, `NavigationError` on 429/5xx, timeouts and network errors,
   *   and over plain HTTP `OffSiteRedirectError`, `PageTooLargeError`, `UnexpectedContentError` (not an HTML page)
   */
  load(url: string, dataReady?: DataReadinessHint): Promise<PageSnapshot>;
  /**
   * GETs a site data API with this attempt's cookies (from inside the page in
   * `browser` mode, as the page's scripts do; a plain GET over HTTP).
   *
   * @param url - the API URL, absolute
   * @param api - which API, for messages, e.g. `aboveTheFold`
   * @returns the answer, whatever its status
   * @throws `NavigationError` (transient) when no answer came (network error, timeout)
   */
  getApi(url: string, api: string): Promise<ApiAnswer>;
}

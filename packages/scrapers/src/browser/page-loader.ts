import { CancelledError, throwIfCancelled } from '@phx/core';
import type { Source } from '@phx/core';
import type { Page, Response } from 'playwright-core';
import { NavigationError } from '../errors/index.js';
import { assertPageAnswered } from '../listing/index.js';
import type { DataReadinessHint, PageSnapshot } from '../listing/index.js';
import { within } from './browser-process.js';

export { REPLAY_MISS_HEADER } from '../listing/index.js';

/** Time allowed to serialise the rendered DOM once the data is there, in ms. */
const CONTENT_TIMEOUT_MS = 5_000;
/** How often the rendered DOM is checked for the data, in ms. */
const DATA_POLL_MS = 100;

/** The part of a browser element the in-page readiness checks use (the package is built without the DOM library). */
export interface PageElement {
  /** The element's text. */
  readonly textContent: string | null;
  /** First descendant matching a CSS selector. */
  querySelector(selector: string): PageElement | null;
}

/** The part of the browser's `document` the in-page readiness checks use. */
export interface PageDocument extends PageElement {
  /** The element with this id. */
  getElementById(id: string): PageElement | null;
}

/**
 * What a parser needs from a page, so the loader waits for that and not for
 * the `load` event (which a hung iframe or script never sends).
 */
export type PageDataReadiness = DataReadinessHint;

/** Options of {@link loadListingPage}. */
export interface LoadPageOptions {
  /** Site of the page, for errors. */
  readonly source: Source;
  /** Time allowed for the page's HTML to arrive (headers and the whole body), in ms. */
  readonly timeoutMs: number;
  /**
   * Time allowed for the data step after the HTML arrived, in ms: waiting for
   * `dataReady` in the rendered DOM, or for the `load` event without it.
   */
  readonly settleMs: number;
  /** What the parser needs; without it the loader waits for `load` (at most `settleMs`). */
  readonly dataReady?: PageDataReadiness;
  /** Aborts the navigation. */
  readonly signal?: AbortSignal;
}

/**
 * Loads a listing page in `page` and captures what a parser needs: the final
 * URL, the HTTP status, the HTML as served and the rendered DOM. The
 * navigation ends once the document's HTML has arrived (sub-resources are
 * not awaited); then, unless the HTML as served already holds the data, the
 * rendered DOM is watched for it for at most `settleMs`. Whatever was
 * delivered is kept: a step that runs out of time is named in
 * `snapshot.dataMissing`, never turned into a navigation failure.
 *
 * @param page - a fresh page (its context applies request blocking and replay)
 * @param url - the listing page URL
 * @param options - source, timeouts, what to wait for and abort signal
 * @returns the snapshot of the page
 * @throws {@link ListingRemovedError} on HTTP 404 or 410 (also when replay has no page for `url`)
 * @throws {@link NavigationError} when no answer or no whole HTML arrives within `timeoutMs`, on a network error, HTTP 429 or 5xx (transient)
 * @throws {@link CancelledError} when `signal` aborts
 */
export async function loadListingPage(page: Page, url: string, options: LoadPageOptions): Promise<PageSnapshot> {
  const { source, signal } = options;
  throwIfCancelled(signal);
  const started = Date.now();
  const response = await navigate(page, url, options);
  const status = response.status();
  await assertAnswered(response, url, source, status);
  const html = await servedHtml(response, url, options, options.timeoutMs - (Date.now() - started));
  const dataMissing = await waitForData(page, html, options);
  throwIfCancelled(signal);
  const renderedHtml = await within(
    page.content().catch(() => html),
    CONTENT_TIMEOUT_MS,
    html,
  );
  return { requestedUrl: url, finalUrl: response.url(), status, html, renderedHtml, ...(dataMissing === null ? {} : { dataMissing }) };
}

async function navigate(page: Page, url: string, options: LoadPageOptions): Promise<Response> {
  const { source, signal } = options;
  let response: Response | null;
  try {
    response = await page.goto(url, { waitUntil: 'commit', timeout: options.timeoutMs });
  } catch (error) {
    throwIfCancelled(signal);
    if (page.isClosed()) throw new CancelledError('page closed during navigation', { cause: error });
    const message = error instanceof Error ? (error.message.split('\n', 1)[0] ?? '') : String(error);
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new NavigationError(url, source, {
      message: timedOut ? `no page within ${options.timeoutMs} ms` : message,
      timedOut,
      cause: error,
    });
  }
  if (response === null) throw new NavigationError(url, source, { message: 'the navigation produced no response' });
  return response;
}

async function assertAnswered(response: Response, url: string, source: Source, status: number): Promise<void> {
  if (status !== 404 && status !== 410 && status !== 429 && status < 500) return;
  const headers = await response.allHeaders().catch(() => ({}) as Record<string, string>);
  assertPageAnswered(url, source, status, (name) => headers[name] ?? null);
}

async function servedHtml(response: Response, url: string, options: LoadPageOptions, remainingMs: number): Promise<string> {
  const body = await within(
    response.text().catch(() => ''),
    Math.max(remainingMs, 1),
    null,
  );
  throwIfCancelled(options.signal);
  if (body === null) {
    throw new NavigationError(url, options.source, {
      message: `the page's HTML did not finish arriving within ${options.timeoutMs} ms`,
      timedOut: true,
    });
  }
  return body;
}

/** Waits for the data step; returns what was still missing when it ran out of time, else `null`. */
async function waitForData(page: Page, html: string, options: LoadPageOptions): Promise<string | null> {
  const ready = options.dataReady;
  // Playwright reads a timeout of 0 as "no time limit": a settleMs of 0 means "do not wait at all".
  if (options.settleMs === 0) {
    if (ready === undefined) return 'the load event within 0 ms';
    return ready.servedHtmlReady(html) ? null : `${ready.description} within 0 ms`;
  }
  if (ready === undefined) {
    const loaded = await page.waitForLoadState('load', { timeout: options.settleMs }).then(
      () => true,
      () => false,
    );
    return loaded ? null : `the load event within ${options.settleMs} ms`;
  }
  if (ready.servedHtmlReady(html)) return null;
  const seen = await page.waitForFunction(ready.domReady, undefined, { timeout: options.settleMs, polling: DATA_POLL_MS }).then(
    () => true,
    () => false,
  );
  return seen ? null : `${ready.description} within ${options.settleMs} ms`;
}

import { CancelledError, throwIfCancelled } from '@phx/core';
import type { Source } from '@phx/core';
import type { Page } from 'playwright-core';
import { ListingRemovedError, NavigationError } from '../errors/index.js';
import { parseRetryAfterMs } from '../download/photo-hosts.js';
import type { PageSnapshot } from '../listing/index.js';

/** Response header the replay routes set on a URL they have no saved response for. */
export const REPLAY_MISS_HEADER = 'x-phx-replay-miss';

/** Options of {@link loadListingPage}. */
export interface LoadPageOptions {
  /** Site of the page, for errors. */
  readonly source: Source;
  /** Time allowed for the page's HTML to arrive and parse, in ms. */
  readonly timeoutMs: number;
  /** Extra time to wait for the `load` event after the HTML parsed, in ms. */
  readonly settleMs: number;
  /** Aborts the navigation. */
  readonly signal?: AbortSignal;
}

/**
 * Loads a listing page in `page` and captures what a parser needs: the final
 * URL, the HTTP status, the HTML as served and the rendered DOM.
 *
 * @param page - a fresh page (its context applies request blocking and replay)
 * @param url - the listing page URL
 * @param options - source, timeouts and abort signal
 * @returns the snapshot of the page
 * @throws {@link ListingRemovedError} on HTTP 404 or 410 (also when replay has no page for `url`)
 * @throws {@link NavigationError} on a timeout, a network error, HTTP 429 or 5xx (transient)
 * @throws {@link CancelledError} when `signal` aborts
 */
export async function loadListingPage(page: Page, url: string, options: LoadPageOptions): Promise<PageSnapshot> {
  const { source, signal } = options;
  throwIfCancelled(signal);
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs });
  } catch (error) {
    throwIfCancelled(signal);
    if (page.isClosed()) throw new CancelledError('page closed during navigation', { cause: error });
    const message = error instanceof Error ? error.message.split('\n', 1)[0] ?? '' : String(error);
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new NavigationError(url, source, {
      message: timedOut ? `no page within ${options.timeoutMs} ms` : message,
      timedOut,
      cause: error,
    });
  }
  if (response === null) {
    throw new NavigationError(url, source, { message: 'the navigation produced no response' });
  }
  const status = response.status();
  if (status === 404 || status === 410) {
    const miss = (await response.headerValue(REPLAY_MISS_HEADER).catch(() => null)) !== null;
    throw miss
      ? new ListingRemovedError(url, source, status, 'the replay archive has no saved page for this URL', { replayMiss: true })
      : new ListingRemovedError(url, source, status, `HTTP ${status}`);
  }
  if (status === 429 || status >= 500) {
    const retryAfter = await response.headerValue('retry-after').catch(() => null);
    throw new NavigationError(url, source, {
      message: `HTTP ${status}${retryAfter === null ? '' : ` (Retry-After: ${retryAfter})`}`,
      status,
      retryAfterMs: parseRetryAfterMs(retryAfter),
    });
  }
  await page.waitForLoadState('load', { timeout: options.settleMs }).catch(() => undefined);
  throwIfCancelled(signal);
  const html = await response.text().catch(() => '');
  const renderedHtml = await page.content().catch(() => html);
  return { requestedUrl: url, finalUrl: response.url(), status, html, renderedHtml };
}

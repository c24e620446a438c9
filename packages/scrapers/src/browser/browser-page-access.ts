import type { PageFetchMode, Source } from '@phx/core';
import type { Page } from 'playwright-core';
import { NavigationError } from '../errors/index.js';
import type { ApiAnswer, DataReadinessHint, PageAccess, PageSnapshot } from '../listing/index.js';
import { loadListingPage } from './page-loader.js';

/** Options of {@link BrowserPageAccess}. */
export interface BrowserPageAccessOptions {
  /** The site. */
  readonly source: Source;
  /** Time allowed for a page's HTML, in ms. */
  readonly timeoutMs: number;
  /** Time allowed for the data step after the HTML, in ms. */
  readonly settleMs: number;
  /** Aborts the load. */
  readonly signal: AbortSignal | undefined;
}

/**
 * The `browser` fetch mode's {@link PageAccess}: pages load in a Chromium
 * page of the pool (see `loadListingPage`), site APIs are fetched from
 * inside that page with its cookies, as the page's own scripts do.
 */
export class BrowserPageAccess implements PageAccess {
  /** Always `browser`. */
  readonly mode: PageFetchMode = 'browser';

  /**
   * @param page - the pool's page for this attempt (borrowed)
   * @param options - site, timeouts and signal
   */
  constructor(
    readonly page: Page,
    private readonly options: BrowserPageAccessOptions,
  ) {}

  /**
   * Loads the page in Chromium (see `loadListingPage`).
   *
   * @param url - the page URL
   * @param dataReady - what to wait for once the HTML arrived; default the `load` event
   * @returns the snapshot
   */
  load(url: string, dataReady?: DataReadinessHint): Promise<PageSnapshot> {
    const { source, timeoutMs, settleMs, signal } = this.options;
    return loadListingPage(this.page, url, {
      source,
      timeoutMs,
      settleMs,
      ...(dataReady === undefined ? {} : { dataReady }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * Fetches a site API from inside the page (`credentials: 'include'`).
   *
   * @param url - the API URL, absolute or relative to the page
   * @param api - which API, for messages
   * @returns the answer, whatever its status
   * @throws {@link NavigationError} (transient) when the request failed without an answer
   * @throws Playwright's error when the page closed or crashed meanwhile
   */
  async getApi(url: string, api: string): Promise<ApiAnswer> {
    const absolute = new URL(url, this.page.url()).href;
    const got = await this.page.evaluate(async (u) => {
      try {
        const res = await fetch(u, { credentials: 'include' });
        return {
          status: res.status,
          contentType: res.headers.get('content-type'),
          retryAfter: res.headers.get('retry-after'),
          body: await res.text(),
        };
      } catch (error) {
        return { failed: error instanceof Error ? error.message : String(error) };
      }
    }, absolute);
    if ('failed' in got)
      throw new NavigationError(absolute, this.options.source, { message: `the ${api} API request failed: ${got.failed}` });
    return got;
  }
}

import { throwIfCancelled } from '@phx/core';
import type { Logger, Source } from '@phx/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { BrowserCrashedError, NavigationError } from '../errors/index.js';
import type { BrowserFailure } from '../errors/index.js';
import type { Session } from '../sessions/session.js';
import { browserAnswers, killBrowser, within } from './browser-process.js';

/** Options of one {@link BrowserPool.withPage} call. */
export interface WithPageOptions {
  /** Aborts the work: the page is closed and the call rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
  /**
   * Time allowed for the whole work (opening the page included), in ms, or
   * `null` for none. When it passes, the page is closed, a browser that no
   * longer answers is killed (and replaced on next use), and the call
   * rejects with {@link BrowserCrashedError} (`hung`). Default `null`.
   */
  readonly timeoutMs?: number | null;
  /** URL the work loads, for errors. Default `about:blank`. */
  readonly url?: string;
  /** Site the work is for, for errors. Default `null`. */
  readonly source?: Source | null;
  /**
   * Opens the page in the session's own context (made by `SessionPool`)
   * instead of the property's: behind the session's proxy (which must be in
   * the pool's `proxyUrls`), with the session's cookies loaded from its jar
   * before the page and saved back into it after. The context is kept for
   * the session's next pages, in the pool's shared browser whatever the
   * isolation mode, and closes when the session retires (after its last page)
   * or the pool closes. Default none: the page opens as without sessions.
   */
  readonly session?: Session;
}

/** How long a browser gets to close a page or answer a ping before it is taken as hung, in ms. */
export const BROWSER_PING_TIMEOUT_MS = 5_000;

function isTimeout(error: unknown): boolean {
  return (error instanceof NavigationError && error.timedOut) || (error instanceof Error && error.name === 'TimeoutError');
}

/**
 * One page's work for the pool: opens the page, runs the work within its
 * time limit, and tells a crashed browser, a crashed page and a hung
 * browser (which it kills) apart from the work's own failures.
 */
export class PageRun {
  private page: Page | null = null;
  private browser: Browser | null = null;
  private pageCrashed = false;

  /**
   * @param options - signal, time limit and what the work is for
   * @param logger - the pool's logger
   * @param poolClosed - tells whether the pool was closed (then failures are not crashes)
   */
  constructor(
    private readonly options: WithPageOptions,
    private readonly logger: Logger,
    private readonly poolClosed: () => boolean,
  ) {}

  /**
   * Runs `fn` on a new page of the context `openContext` gives, then closes the page.
   *
   * @param openContext - gives the context to open the page in
   * @param fn - the work
   * @returns what `fn` returns
   * @throws {@link BrowserCrashedError} when the browser or page crashed or hung
   * @throws `CancelledError` (core) when the signal aborts
   */
  async run<T>(openContext: () => Promise<BrowserContext>, fn: (page: Page) => Promise<T>): Promise<T> {
    const { signal } = this.options;
    const onAbort = (): void => void this.page?.close().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.within(this.openAndRun(openContext, fn));
    } catch (error) {
      throwIfCancelled(signal);
      throw await this.diagnose(error);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // A hung browser never answers page.close: do not wait for it forever.
      if (this.page !== null) await within(this.page.close(), BROWSER_PING_TIMEOUT_MS, undefined);
    }
  }

  private async openAndRun<T>(openContext: () => Promise<BrowserContext>, fn: (page: Page) => Promise<T>): Promise<T> {
    const context = await openContext();
    this.browser = context.browser();
    throwIfCancelled(this.options.signal);
    const page = await context.newPage();
    if (this.options.signal?.aborted) {
      // Cancelled (or the pool closed) while the tab was opening: nobody will read it.
      void page.close().catch(() => undefined);
      throwIfCancelled(this.options.signal);
    }
    this.page = page;
    page.once('crash', () => {
      this.pageCrashed = true;
    });
    return fn(page);
  }

  /**
   * Waits for `work`, but not past the time limit (a hang: the browser is
   * checked and killed if silent) nor past the signal's abort. Playwright
   * calls caught by a closing context can stay pending for good (e.g.
   * `newPage` while the pool closes), so the abort must end the wait and its
   * timer rather than rely on the work to settle.
   */
  private async within<T>(work: Promise<T>): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? null;
    const { signal } = this.options;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'expired' | 'aborted'>((resolve) => {
      if (timeoutMs !== null) timer = setTimeout(() => resolve('expired'), timeoutMs);
      onAbort = () => resolve('aborted');
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    let first: { readonly value: T } | 'expired' | 'aborted';
    try {
      first = await Promise.race([work.then((value) => ({ value })), stopped]);
    } finally {
      clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    }
    if (typeof first === 'object') return first.value;
    work.catch(() => undefined); // it fails once the page is closed, or never settles
    throwIfCancelled(signal);
    await this.recoverFromHang();
    throw this.crashed('hung', new Error(`the page work did not finish within ${timeoutMs ?? 0} ms`));
  }

  private async recoverFromHang(): Promise<void> {
    const pageClosed =
      this.page === null ||
      (await within(
        this.page.close().then(() => true),
        BROWSER_PING_TIMEOUT_MS,
        false,
      ));
    if (this.browser === null) return;
    if (pageClosed && (await browserAnswers(this.browser, BROWSER_PING_TIMEOUT_MS))) return;
    this.logger.warn({ url: this.options.url, pageClosed }, 'chromium stopped answering; killing it');
    killBrowser(this.browser);
  }

  private async diagnose(error: unknown): Promise<unknown> {
    if (error instanceof BrowserCrashedError || this.poolClosed()) return error;
    if (this.pageCrashed) return this.crashed('page-crashed', error);
    const browser = this.browser;
    if (browser === null) return error;
    if (!browser.isConnected()) return this.crashed('crashed', error);
    if (isTimeout(error) && !(await browserAnswers(browser, BROWSER_PING_TIMEOUT_MS))) {
      this.logger.warn({ url: this.options.url }, 'chromium stopped answering after a timeout; killing it');
      killBrowser(browser);
      return this.crashed('hung', error);
    }
    return error;
  }

  private crashed(failure: BrowserFailure, cause: unknown): BrowserCrashedError {
    return new BrowserCrashedError(this.options.url ?? 'about:blank', this.options.source ?? null, failure, { cause });
  }
}

import { CancelledError, InvalidInputError, parseInput, throwIfCancelled } from '@phx/core';
import type { IsolationMode, Logger, PropertyId } from '@phx/core';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumLaunchArgs, chromiumPathIssue } from './chromium-launch.js';
import { chromiumProxyRoutes } from './chromium-proxy-routes.js';
import type { ChromiumProxyRoutes } from './chromium-proxy-routes.js';
import { SessionContexts } from './session-contexts.js';
import { Session } from '../sessions/session.js';
import type { BrowserProxySettings } from '../sessions/session.js';
import { DEFAULT_RETIRE_CONTEXT_AFTER_PAGES, browserPoolOptionsSchema } from './browser-pool-options.js';
import type { BrowserPoolOptions, ResolvedBrowserPoolOptions } from './browser-pool-options.js';
import { closeOrKillBrowser, recordBrowserPid } from './browser-process.js';
import { BrowserLaunchError } from '../errors/index.js';
import { PageRun } from './page-run.js';
import type { WithPageOptions } from './page-run.js';
import { installRequestBlocking } from './request-blocking.js';
import { checkSignal, eitherSignal } from '../politeness/abortable.js';

/**
 * Launch options that keep Playwright from installing its own SIGINT,
 * SIGTERM and SIGHUP handlers: the program that uses the pool decides what a
 * signal does, and closes the pool (and so Chromium) when it is done.
 * Chromium runs in its own process group, so a terminal's Ctrl-C does not
 * reach it either.
 */
const PLAYWRIGHT_SIGNAL_HANDLERS_OFF = Object.freeze({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });

/** One context of a slot, with the pages it has served. */
interface ContextUse {
  readonly context: Promise<BrowserContext>;
  /** Pages opened in it so far (or being opened). */
  pages: number;
  /** Pages in use in it now. */
  inUse: number;
  /** Takes no new page; closed once `inUse` is 0. */
  retired: boolean;
}

interface Slot {
  browser: Promise<Browser> | null;
  context: ContextUse | null;
  active: number;
  releaseRequested: boolean;
}

/** The context a `withPage` call has its page in; replaced when the browser under it died. */
interface ContextLease {
  use: ContextUse;
}

/**
 * Chromium processes and contexts for scraping, shared across properties
 * according to the isolation mode: `virtual` (one browser, one shared
 * context), `context` (one browser, a context per property, closed by
 * `releaseProperty`), `browser` (a browser per property). One Chromium is
 * reused across properties in the first two modes; a crashed browser is
 * replaced on next use. The pool owns every browser it launches: `close()`
 * ends them all.
 *
 * Concurrency: `withPage` may run for several properties at once; each call
 * gets its own page.
 *
 * @example
 * ```ts
 * import type { PropertyId } from '@phx/core';
 * declare const propertyId: PropertyId, url: string;
 * const pool = new BrowserPool({ isolationMode: 'context' });
 * const title = await pool.withPage(propertyId, (page) => page.goto(url).then(() => page.title()));
 * await pool.releaseProperty(propertyId);
 * await pool.close();
 * ```
 */
export class BrowserPool {
  /** The isolation mode in force. */
  readonly isolationMode: IsolationMode;
  /**
   * Pages the shared context serves before it is retired, or `null` when it
   * never is (`null` in `context` and `browser` modes and when recording a HAR).
   */
  readonly retireContextAfterPages: number | null;
  private readonly options: Omit<ResolvedBrowserPoolOptions, 'networkHosts'> & { readonly networkHosts: readonly string[] };
  private readonly recordHarPath: string | null;
  private readonly setupContext: ((context: BrowserContext) => Promise<void>) | undefined;
  private readonly logger: Logger;
  private readonly shared: Slot = { browser: null, context: null, active: 0, releaseRequested: false };
  private readonly perProperty = new Map<PropertyId, Slot>();
  private readonly closing = new AbortController();
  /** Pages open now, in every slot and session context (see `idleCloseMs`). */
  private pagesOpen = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly proxyRoutes: ChromiumProxyRoutes;
  private readonly sessionContexts: SessionContexts;

  /**
   * @param options - see {@link BrowserPoolOptions}; nothing is launched until the first page
   * @throws `InvalidInputError` (core) listing every bad option
   */
  constructor(options: BrowserPoolOptions = {}) {
    const o = parseInput(browserPoolOptionsSchema, options, 'BrowserPool options');
    this.options = { ...o, networkHosts: o.networkHosts ?? o.firstPartyHosts };
    this.isolationMode = o.isolationMode;
    this.setupContext = o.setupContext;
    this.recordHarPath = o.recordHarPath;
    this.retireContextAfterPages =
      o.isolationMode !== 'virtual' || o.recordHarPath !== null
        ? null
        : o.retireContextAfterPages === undefined
          ? DEFAULT_RETIRE_CONTEXT_AFTER_PAGES
          : o.retireContextAfterPages;
    this.logger = o.logger.child({ component: 'browser-pool' });
    this.proxyRoutes = chromiumProxyRoutes(o.proxyUrls);
    this.sessionContexts = new SessionContexts({
      open: (proxy) => this.browserOf(this.shared).then((browser) => this.newContext(browser, proxy)),
      close: (context) => closeContext(context, this.options.closeTimeoutMs),
      logger: this.logger,
    });
  }

  /**
   * Aborted, with a `CancelledError` ("browser pool is closed") as reason,
   * the moment {@link close} is called. The scrapers join it to each call's
   * own signal, so that work waiting in line, backing off or loading a page
   * stops at once when the pool closes.
   */
  get closedSignal(): AbortSignal {
    return this.closing.signal;
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  /**
   * Runs `fn` with a fresh page in the browser state of `propertyId`, then
   * closes the page (not the context or browser: see {@link releaseProperty};
   * in `virtual` mode a context that served `retireContextAfterPages` pages
   * is closed once its last page is done, see {@link BrowserPoolOptions}).
   * A browser that crashed under the page, or a page that crashed, makes the
   * call reject with {@link BrowserCrashedError}; the browser is replaced on
   * next use.
   *
   * @param propertyId - the property the work is for
   * @param fn - the work; receives the page
   * @param signalOrOptions - an abort signal, or {@link WithPageOptions}
   * @returns what `fn` returns
   * @throws {@link CancelledError} when the signal aborts or the pool is (or gets) closed, also when `fn` then fails
   * @throws {@link BrowserCrashedError} when the browser or page crashed, or the work outlived `timeoutMs`
   * @throws `InvalidInputError` (core) when `signal` is not an `AbortSignal`, when `session` is not a `Session`
   *   or its proxy is not in the pool's `proxyUrls`, or naming `chromiumPath` when
   *   Chromium cannot be launched because that path is missing, a folder or not executable
   * @throws {@link BrowserLaunchError} when the executable at `chromiumPath` runs but does not start as
   *   Chromium (e.g. `/bin/false`), naming the path and Playwright's error (`cause`)
   */
  async withPage<T>(propertyId: PropertyId, fn: (page: Page) => Promise<T>, signalOrOptions?: AbortSignal | WithPageOptions): Promise<T> {
    const given: WithPageOptions = signalOrOptions instanceof AbortSignal ? { signal: signalOrOptions } : (signalOrOptions ?? {});
    const signal = eitherSignal(checkSignal(given.signal, 'withPage options'), this.closedSignal);
    try {
      return await this.withPageUnder(propertyId, fn, given, signal);
    } finally {
      signal.clear();
    }
  }

  private async withPageUnder<T>(
    propertyId: PropertyId,
    fn: (page: Page) => Promise<T>,
    given: WithPageOptions,
    signal: AbortSignal,
  ): Promise<T> {
    throwIfCancelled(signal);
    this.pageOpened();
    try {
      if (given.session !== undefined) return await this.withSessionPage(this.checkSession(given.session), fn, given, signal);
      return await this.withSlotPage(propertyId, fn, given, signal);
    } finally {
      this.pageClosed();
    }
  }

  private async withSlotPage<T>(
    propertyId: PropertyId,
    fn: (page: Page) => Promise<T>,
    given: WithPageOptions,
    signal: AbortSignal,
  ): Promise<T> {
    const slot = this.slotFor(propertyId);
    slot.active += 1;
    const lease: ContextLease = { use: this.takeContext(slot) };
    try {
      return await new PageRun({ ...given, signal }, this.logger, () => this.closed).run(() => this.liveContextOf(slot, lease), fn);
    } finally {
      slot.active -= 1;
      await this.giveBack(lease.use);
      if (slot.releaseRequested && slot.active === 0) await this.releaseSlot(propertyId, slot);
    }
  }

  private async withSessionPage<T>(
    session: Session,
    fn: (page: Page) => Promise<T>,
    given: WithPageOptions,
    signal: AbortSignal,
  ): Promise<T> {
    const use = this.sessionContexts.take(session);
    try {
      return await new PageRun({ ...given, signal }, this.logger, () => this.closed).run(
        () => this.sessionContexts.live(session, use),
        (page) => this.sessionContexts.runSaving(session, page, fn),
      );
    } finally {
      await this.sessionContexts.giveBack(use);
    }
  }

  /** The `session` option, checked: a `Session` whose proxy Chromium may reach. */
  private checkSession(session: unknown): Session {
    const problem = !(session instanceof Session)
      ? 'must be a Session from a SessionPool'
      : session.proxyUrl !== null && this.proxyRoutes.serverFor(session.proxyUrl) === undefined
        ? `its proxy ${session.proxyUrl} is not in the pool's proxyUrls; Chromium can reach only those`
        : null;
    if (problem !== null) throw new InvalidInputError('withPage options', [{ path: 'session', message: problem }]);
    return session as Session;
  }

  /**
   * Closes what the pool keeps for one property: its context (`context`
   * mode) or its browser (`browser` mode); nothing in `virtual` mode. Waits
   * for pages still in use by deferring the close to their end. Idempotent.
   *
   * @param propertyId - the property that is done
   */
  async releaseProperty(propertyId: PropertyId): Promise<void> {
    const slot = this.perProperty.get(propertyId);
    if (slot === undefined) return;
    slot.releaseRequested = true;
    if (slot.active === 0) await this.releaseSlot(propertyId, slot);
  }

  /**
   * Closes every context and browser the pool launched. Pages in use are
   * closed under their callers, whose calls then fail. Idempotent; after it
   * no Chromium process of this pool is left.
   */
  async close(): Promise<void> {
    if (!this.closed) this.closing.abort(new CancelledError('browser pool is closed'));
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    const slots = [...this.perProperty.entries()];
    this.perProperty.clear();
    await Promise.all(slots.map(([, slot]) => closeSlot(slot, this.options.closeTimeoutMs)));
    await this.sessionContexts.closeAll();
    await closeSlot(this.shared, this.options.closeTimeoutMs);
    this.logger.debug({ released: slots.length }, 'browser pool closed');
  }

  private pageOpened(): void {
    this.pagesOpen += 1;
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private pageClosed(): void {
    this.pagesOpen -= 1;
    const idleMs = this.options.idleCloseMs;
    if (this.pagesOpen > 0 || idleMs === null || this.closed) return;
    this.idleTimer = setTimeout(() => void this.closeIdle(idleMs), idleMs);
    this.idleTimer.unref();
  }

  /** Closes every browser and context while no page is open; the next page launches Chromium again. */
  private async closeIdle(idleMs: number): Promise<void> {
    this.idleTimer = null;
    if (this.pagesOpen > 0 || this.closed) return;
    const slots = [...this.perProperty.values()];
    this.perProperty.clear();
    // Every slot is emptied before the first await, so a page opened meanwhile launches a fresh browser.
    const closing = [...slots.map((slot) => closeSlot(slot, this.options.closeTimeoutMs)), this.sessionContexts.closeAll()];
    closing.push(closeSlot(this.shared, this.options.closeTimeoutMs));
    await Promise.all(closing);
    this.logger.debug({ idleMs }, 'chromium closed: no page open for idleCloseMs');
  }

  private async liveContextOf(slot: Slot, lease: ContextLease): Promise<BrowserContext> {
    const context = await lease.use.context;
    if (context.browser()?.isConnected() !== false) return context;
    // The browser crashed or was killed: forget its context and start afresh once.
    if (slot.context === lease.use) slot.context = null;
    const dead = lease.use;
    lease.use = this.takeContext(slot);
    await this.giveBack(dead);
    return lease.use.context;
  }

  /**
   * The context the next page of `slot` opens in, counted as in use. The
   * page that brings a context to `retireContextAfterPages` retires it: the
   * page after goes to a fresh context.
   */
  private takeContext(slot: Slot): ContextUse {
    const use = slot.context ?? this.openContext(slot);
    use.pages += 1;
    use.inUse += 1;
    const limit = this.retireContextAfterPages;
    if (limit !== null && use.pages >= limit) {
      use.retired = true;
      if (slot.context === use) slot.context = null;
      this.logger.debug({ pages: use.pages }, 'shared context retired; it closes after its last page');
    }
    return use;
  }

  /** Ends one page's use of a context; closes a retired context whose last page this was. */
  private async giveBack(use: ContextUse): Promise<void> {
    use.inUse -= 1;
    if (use.retired && use.inUse === 0) await closeContext(use.context, this.options.closeTimeoutMs);
  }

  private slotFor(propertyId: PropertyId): Slot {
    if (this.isolationMode === 'virtual') return this.shared;
    let slot = this.perProperty.get(propertyId);
    if (slot === undefined) {
      slot = { browser: null, context: null, active: 0, releaseRequested: false };
      this.perProperty.set(propertyId, slot);
    }
    slot.releaseRequested = false;
    return slot;
  }

  private async releaseSlot(propertyId: PropertyId, slot: Slot): Promise<void> {
    if (this.perProperty.get(propertyId) !== slot) return;
    this.perProperty.delete(propertyId);
    await closeSlot(slot, this.options.closeTimeoutMs);
    this.logger.debug({ propertyId, isolationMode: this.isolationMode }, 'property released');
  }

  private openContext(slot: Slot): ContextUse {
    const browserSlot = this.isolationMode === 'browser' ? slot : this.shared;
    const use: ContextUse = {
      context: this.browserOf(browserSlot).then((browser) => this.newContext(browser)),
      pages: 0,
      inUse: 0,
      retired: false,
    };
    slot.context = use;
    use.context.catch(() => {
      if (slot.context === use) slot.context = null;
    });
    return use;
  }

  private async newContext(browser: Browser, proxy: BrowserProxySettings | null = null): Promise<BrowserContext> {
    const context = await browser.newContext({
      serviceWorkers: 'block',
      ...(proxy === null ? {} : { proxy: { ...proxy, server: this.proxyRoutes.serverFor(proxy.server) ?? proxy.server } }),
      viewport: { width: 1366, height: 900 },
      ...(this.recordHarPath === null ? {} : { recordHar: { path: this.recordHarPath, content: 'embed' as const } }),
    });
    if (this.setupContext) await this.setupContext(context);
    if (this.options.blockResources) await installRequestBlocking(context, this.options.firstPartyHosts);
    return context;
  }

  private browserOf(slot: Slot): Promise<Browser> {
    if (slot.browser === null) {
      const launching = this.launch();
      slot.browser = launching;
      launching.then(
        (browser) =>
          browser.on('disconnected', () => {
            // A crashed or killed browser is replaced on next use.
            if (slot.browser === launching) {
              slot.browser = null;
              slot.context = null;
              if (!this.closed) this.logger.warn({}, 'chromium disconnected; will relaunch on next use');
            }
          }),
        () => {
          if (slot.browser === launching) slot.browser = null;
        },
      );
    }
    return slot.browser;
  }

  private async launch(): Promise<Browser> {
    if (this.closed) throw new CancelledError('browser pool is closed');
    const chromiumPath = this.options.chromiumPath;
    const browser = await chromium
      .launch({
        executablePath: chromiumPath,
        headless: true,
        args: chromiumLaunchArgs(this.options.extraArgs, this.options.networkHosts, this.proxyRoutes.resolverRules),
        timeout: this.options.launchTimeoutMs,
        // Signals belong to the program: Playwright's handlers would close Chromium under running work (and exit 130 on SIGINT).
        ...PLAYWRIGHT_SIGNAL_HANDLERS_OFF,
      })
      .catch(async (cause: unknown) => {
        const issue = await chromiumPathIssue(chromiumPath);
        throw issue === null
          ? new BrowserLaunchError(chromiumPath, { cause })
          : new InvalidInputError('BrowserPool options', [{ path: 'chromiumPath', message: issue }], { cause });
      });
    const pid = await recordBrowserPid(browser);
    this.logger.debug({ chromiumPath: this.options.chromiumPath, version: browser.version(), pid }, 'chromium launched');
    if (this.closed) {
      await browser.close();
      throw new CancelledError('browser pool is closed');
    }
    return browser;
  }
}

async function closeSlot(slot: Slot, closeTimeoutMs: number): Promise<void> {
  const context = slot.context;
  const browser = slot.browser;
  slot.context = null;
  slot.browser = null;
  if (context !== null) await closeContext(context.context, closeTimeoutMs);
  await browser?.then((b) => closeOrKillBrowser(b, closeTimeoutMs)).catch(() => undefined);
}

/** Closes a context, waiting at most `closeTimeoutMs` (its browser may be hung or gone); never throws. */
async function closeContext(context: Promise<BrowserContext>, closeTimeoutMs: number): Promise<void> {
  await context
    .then((c) => Promise.race([c.close(), new Promise<void>((resolve) => setTimeout(resolve, closeTimeoutMs).unref())]))
    .catch(() => undefined);
}

import { CancelledError, ISOLATION_MODES, InvalidInputError, noopLogger, parseInput, throwIfCancelled } from '@phx/core';
import type { IsolationMode, Logger, PropertyId } from '@phx/core';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import {
  DEFAULT_CHROMIUM_PATH,
  FIRST_PARTY_HOST_SUFFIXES,
  HOST_NAME_PATTERN,
  chromiumLaunchArgs,
  chromiumPathIssue,
} from './chromium-launch.js';
import { closeOrKillBrowser, recordBrowserPid } from './browser-process.js';
import { BrowserLaunchError } from '../errors/index.js';
import { PageRun } from './page-run.js';
import type { WithPageOptions } from './page-run.js';
import { installRequestBlocking } from './request-blocking.js';
import { checkSignal, eitherSignal } from '../politeness/abortable.js';

/** Options of {@link BrowserPool}. */
export interface BrowserPoolOptions {
  /** How browser state is shared between properties. Default `virtual`. */
  readonly isolationMode?: IsolationMode;
  /** Chromium executable. Default `/usr/bin/chromium` (Debian's). */
  readonly chromiumPath?: string;
  /**
   * Extra Chromium flags after `CHROMIUM_ARGS`. Default none. A
   * `--host-resolver-rules` flag here replaces `networkHosts`: its rules
   * are kept and every host they do not map fails (see {@link chromiumLaunchArgs}).
   */
  readonly extraArgs?: readonly string[];
  /** Time allowed for Chromium to start, in ms (1 000-120 000). Default 30 000. */
  readonly launchTimeoutMs?: number;
  /** Block images, fonts, media and third-party requests in every context. Default `true`. */
  readonly blockResources?: boolean;
  /** Registrable domains allowed while blocking. Default {@link FIRST_PARTY_HOST_SUFFIXES}. */
  readonly firstPartyHosts?: readonly string[];
  /**
   * Registrable domains (with their subdomains) Chromium may open network
   * connections to; every other host, loopback and IP literals included,
   * fails name resolution in the browser (see {@link hostResolverRulesArg}),
   * so a listing page cannot reach this machine or its network. `[]` lets
   * Chromium connect nowhere: every request must be answered by a route
   * (replay). Default: `firstPartyHosts`.
   */
  readonly networkHosts?: readonly string[];
  /**
   * Called on every new context before request blocking is installed, e.g.
   * to install replay routes. Default none.
   */
  readonly setupContext?: (context: BrowserContext) => Promise<void>;
  /**
   * Record every context's traffic into this HAR file (Playwright
   * `recordHar`, bodies embedded), written when the context closes; `null`
   * records nothing. Use with `virtual` isolation (one context), or each
   * context overwrites the file. Default `null`.
   */
  readonly recordHarPath?: string | null;
  /** Time allowed for a browser to close before it is killed, in ms (100-60 000). Default 10 000. */
  readonly closeTimeoutMs?: number;
  /**
   * Pages (1-100 000) the shared context of `virtual` mode serves before it
   * is retired: the next page opens in a fresh context, and the retired one
   * closes once its last page is done (never under a page in use), so that
   * what a long-lived context gathers (cookies, caches, Chromium's per-context
   * memory, Playwright's per-request objects) is given back. `null` never
   * retires it (one context for the pool's life; needed by `recordHarPath`,
   * which writes one HAR file per context). No effect in `context` and
   * `browser` modes, whose contexts and browsers close with their property.
   * Default 100 ({@link DEFAULT_RETIRE_CONTEXT_AFTER_PAGES}); `null` when
   * `recordHarPath` is given, which takes no other value.
   */
  readonly retireContextAfterPages?: number | null;
  /** Logger; default drops everything. */
  readonly logger?: Logger;
}

/** Pages a shared context serves before it is retired, by default (as Crawlee retires a browser after 100 pages). */
export const DEFAULT_RETIRE_CONTEXT_AFTER_PAGES = 100;

/** Defaults of {@link BrowserPoolOptions}. */
export const DEFAULT_BROWSER_POOL_OPTIONS = Object.freeze({
  isolationMode: 'virtual' as IsolationMode,
  chromiumPath: DEFAULT_CHROMIUM_PATH,
  extraArgs: Object.freeze([]) as readonly string[],
  launchTimeoutMs: 30_000,
  blockResources: true,
  firstPartyHosts: FIRST_PARTY_HOST_SUFFIXES,
  closeTimeoutMs: 10_000,
  retireContextAfterPages: DEFAULT_RETIRE_CONTEXT_AFTER_PAGES as number | null,
});


/**
 * Launch options that keep Playwright from installing its own SIGINT,
 * SIGTERM and SIGHUP handlers: the program that uses the pool decides what a
 * signal does, and closes the pool (and so Chromium) when it is done.
 * Chromium runs in its own process group, so a terminal's Ctrl-C does not
 * reach it either.
 */
const PLAYWRIGHT_SIGNAL_HANDLERS_OFF = Object.freeze({ handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });

const hostName = z.string().regex(HOST_NAME_PATTERN, 'must be a host name such as zillow.com');

const optionsSchema = z
  .object({
    isolationMode: z.enum(ISOLATION_MODES).optional(),
    chromiumPath: z.string().min(1).optional(),
    extraArgs: z.array(z.string().startsWith('--', 'Chromium flags start with --')).optional(),
    launchTimeoutMs: z.number().int().min(1_000).max(120_000).optional(),
    blockResources: z.boolean().optional(),
    firstPartyHosts: z.array(hostName).optional(),
    networkHosts: z.array(hostName).optional(),
    closeTimeoutMs: z.number().int().min(100).max(60_000).optional(),
    recordHarPath: z.string().min(1).nullable().optional(),
    retireContextAfterPages: z.number().int('must be a whole number of pages').min(1).max(100_000).nullable().optional(),
    setupContext: z.custom<(context: BrowserContext) => Promise<void>>((v) => typeof v === 'function', { message: 'must be a function' }).optional(),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).optional(),
  })
  .strict()
  .refine((o) => o.recordHarPath == null || o.retireContextAfterPages == null, {
    message: 'recordHarPath records one context into one file: leave retireContextAfterPages out or null',
    path: ['retireContextAfterPages'],
  });

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
  private readonly options: Required<Omit<BrowserPoolOptions, 'setupContext' | 'logger' | 'isolationMode' | 'recordHarPath' | 'retireContextAfterPages'>>;
  private readonly recordHarPath: string | null;
  private readonly setupContext: ((context: BrowserContext) => Promise<void>) | undefined;
  private readonly logger: Logger;
  private readonly shared: Slot = { browser: null, context: null, active: 0, releaseRequested: false };
  private readonly perProperty = new Map<PropertyId, Slot>();
  private readonly closing = new AbortController();

  /**
   * @param options - see {@link BrowserPoolOptions}; nothing is launched until the first page
   * @throws `InvalidInputError` (core) listing every bad option
   */
  constructor(options: BrowserPoolOptions = {}) {
    parseInput(optionsSchema, options, 'BrowserPool options');
    const d = DEFAULT_BROWSER_POOL_OPTIONS;
    this.isolationMode = options.isolationMode ?? d.isolationMode;
    this.options = {
      chromiumPath: options.chromiumPath ?? d.chromiumPath,
      extraArgs: options.extraArgs ?? d.extraArgs,
      launchTimeoutMs: options.launchTimeoutMs ?? d.launchTimeoutMs,
      blockResources: options.blockResources ?? d.blockResources,
      firstPartyHosts: options.firstPartyHosts ?? d.firstPartyHosts,
      networkHosts: options.networkHosts ?? options.firstPartyHosts ?? d.firstPartyHosts,
      closeTimeoutMs: options.closeTimeoutMs ?? d.closeTimeoutMs,
    };
    this.setupContext = options.setupContext;
    this.recordHarPath = options.recordHarPath ?? null;
    this.retireContextAfterPages =
      this.isolationMode !== 'virtual' || this.recordHarPath !== null
        ? null
        : options.retireContextAfterPages === undefined
          ? d.retireContextAfterPages
          : options.retireContextAfterPages;
    this.logger = (options.logger ?? noopLogger).child({ component: 'browser-pool' });
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
   * @throws `InvalidInputError` (core) when `signal` is not an `AbortSignal`, or naming `chromiumPath` when
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

  private async withPageUnder<T>(propertyId: PropertyId, fn: (page: Page) => Promise<T>, given: WithPageOptions, signal: AbortSignal): Promise<T> {
    throwIfCancelled(signal);
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
    const slots = [...this.perProperty.entries()];
    this.perProperty.clear();
    await Promise.all(slots.map(([, slot]) => closeSlot(slot, this.options.closeTimeoutMs)));
    await closeSlot(this.shared, this.options.closeTimeoutMs);
    this.logger.debug({ released: slots.length }, 'browser pool closed');
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
    const use: ContextUse = { context: this.browserOf(browserSlot).then((browser) => this.newContext(browser)), pages: 0, inUse: 0, retired: false };
    slot.context = use;
    use.context.catch(() => {
      if (slot.context === use) slot.context = null;
    });
    return use;
  }

  private async newContext(browser: Browser): Promise<BrowserContext> {
    const context = await browser.newContext({
      serviceWorkers: 'block',
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
        args: chromiumLaunchArgs(this.options.extraArgs, this.options.networkHosts),
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

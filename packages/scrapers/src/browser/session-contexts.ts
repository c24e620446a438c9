import type { Logger } from '@phx/core';
import type { BrowserContext, Page } from 'playwright-core';
import { copyContextToJar, copyJarToContext } from '../sessions/browser-cookies.js';
import type { BrowserProxySettings, Session } from '../sessions/session.js';

/** The context of one session, with the pages it has in use. */
interface SessionContextUse {
  context: Promise<BrowserContext>;
  /** Pages in use in it now. */
  inUse: number;
  /** Its session retired: it takes no new page and closes once `inUse` is 0. */
  retired: boolean;
}

/** What {@link SessionContexts} needs from its pool. */
export interface SessionContextsDeps {
  /** Opens a context (with the pool's routes and blocking) behind `proxy`, or without one. */
  readonly open: (proxy: BrowserProxySettings | null) => Promise<BrowserContext>;
  /** Closes a context, waiting at most the pool's close time; never throws. */
  readonly close: (context: Promise<BrowserContext>) => Promise<void>;
  /** The pool's logger. */
  readonly logger: Logger;
}

/**
 * The browser contexts of `BrowserPool`'s sessions, one per session id: made
 * behind the session's proxy, loaded with its cookie jar before each page and
 * saved back into it after, closed when the session retires (after its last
 * page) or when the pool closes.
 */
export class SessionContexts {
  private readonly uses = new Map<string, SessionContextUse>();

  /**
   * @param deps - how to open and close contexts
   */
  constructor(private readonly deps: SessionContextsDeps) {}

  /**
   * The context of `session`, counted as in use until {@link giveBack}.
   *
   * @param session - the session the page is for
   * @returns its context use
   */
  take(session: Session): SessionContextUse {
    let use = this.uses.get(session.id);
    if (use === undefined || use.retired) {
      use = this.open(session);
    }
    use.inUse += 1;
    return use;
  }

  /**
   * The live context of `use` with the session's cookies loaded; a context
   * whose browser died is replaced once by a fresh one.
   *
   * @param session - the session
   * @param use - what {@link take} gave
   * @returns the context to open the page in
   */
  async live(session: Session, use: SessionContextUse): Promise<BrowserContext> {
    let context = await use.context;
    if (context.browser()?.isConnected() === false) {
      use.context = this.deps.open(session.browserProxy);
      context = await use.context;
    }
    await copyJarToContext(session.cookieJar, context);
    return context;
  }

  /**
   * Runs the page work, then saves the context's cookies into the session's jar (also when the work fails).
   *
   * @param session - the session
   * @param page - the page
   * @param fn - the work
   * @returns what `fn` returns
   */
  async runSaving<T>(session: Session, page: Page, fn: (page: Page) => Promise<T>): Promise<T> {
    try {
      return await fn(page);
    } finally {
      await copyContextToJar(page.context(), session.cookieJar).catch((error: unknown) => {
        this.deps.logger.debug({ sessionId: session.id, error: String(error) }, 'session cookies not saved');
      });
    }
  }

  /**
   * Ends one page's use; closes the context of a retired session whose last page this was.
   *
   * @param use - what {@link take} gave
   */
  async giveBack(use: SessionContextUse): Promise<void> {
    use.inUse -= 1;
    if (use.retired && use.inUse === 0) await this.deps.close(use.context);
  }

  /** Closes every session context, in use or not. */
  async closeAll(): Promise<void> {
    const uses = [...this.uses.values()];
    this.uses.clear();
    await Promise.all(uses.map((use) => this.deps.close(use.context)));
  }

  private open(session: Session): SessionContextUse {
    const use: SessionContextUse = { context: this.deps.open(session.browserProxy), inUse: 0, retired: session.retired };
    if (use.retired) return use; // serves this page only; giveBack closes it
    this.uses.set(session.id, use);
    const onRetired = (): void => {
      use.retired = true;
      if (this.uses.get(session.id) === use) this.uses.delete(session.id);
      this.deps.logger.debug({ sessionId: session.id, pagesInUse: use.inUse }, 'session retired; its context closes after its last page');
      if (use.inUse === 0) void this.deps.close(use.context);
    };
    session.retiredSignal.addEventListener('abort', onRetired, { once: true });
    use.context.catch(() => {
      if (this.uses.get(session.id) === use) this.uses.delete(session.id);
    });
    return use;
  }
}

import type { Source } from '@phx/core';
import { CookieJar } from 'tough-cookie';
import type { Dispatcher } from 'undici';
import type { ProxyEndpoint } from './proxy-url.js';

/** A proxy in the shape of Playwright's `browser.newContext({ proxy })` option. */
export interface BrowserProxySettings {
  /** The proxy server without credentials, e.g. `http://127.0.0.1:8000`. */
  readonly server: string;
  /** User name for the proxy, when it takes one. */
  readonly username?: string;
  /** Password for the proxy, when it takes one. */
  readonly password?: string;
}

/** Why a session was retired: blocked by the site, its proxy failed, used up, evicted, or retired by hand. */
export type SessionRetireCause = 'blocked' | 'proxy-failed' | 'used-up' | 'evicted' | 'retired';

/** What a {@link Session} is made of; {@link SessionPool} builds them. */
export interface SessionInit {
  /** Unique in its pool, e.g. `zillow-3`. */
  readonly id: string;
  /** The site the session is for. */
  readonly source: Source;
  /** The sticky key the session serves, e.g. a property id. */
  readonly key: string;
  /** Its proxy, or `null` for a direct connection. */
  readonly proxy: ProxyEndpoint | null;
  /** Requests of the session go through it. */
  readonly dispatcher: Dispatcher;
  /** Whether the session closes `dispatcher` when it retires (its own `ProxyAgent`), or only borrows it. */
  readonly ownsDispatcher: boolean;
  /** Pieces of work after which it retires (≥ 1). */
  readonly maxUsageCount: number;
  /** Called on each {@link Session.markGood} of a session in service. */
  readonly onGood: (session: Session) => void;
  /** Called once when it retires, with why. */
  readonly onRetired: (session: Session, cause: SessionRetireCause, reason: string) => void;
}

/**
 * A user-like identity on one source, like Crawlee's `Session`: one proxy
 * (or none) and one cookie jar, sticky to a key (e.g. a property id) until it
 * retires. The same session serves the plain HTTP client (`dispatcher`,
 * `cookieJar`) and Chromium (`browserProxy`; `BrowserPool.withPage({ session })`
 * opens its page in a context of its own with the jar's cookies), so both
 * look like one visitor. Made by {@link SessionPool.sessionFor}.
 *
 * A retired session takes no new work from its pool; its `ProxyAgent` is
 * closed (requests in flight finish) and its browser context closes after
 * its last page.
 */
export class Session {
  /** Unique in its pool, e.g. `zillow-3`; names its browser context. */
  readonly id: string;
  /** The site the session is for. */
  readonly source: Source;
  /** The sticky key the session serves. */
  readonly key: string;
  /** Its proxy without credentials (e.g. `http://127.0.0.1:8000`; safe to log), or `null` for a direct connection. */
  readonly proxyUrl: string | null;
  /** The session's cookies (tough-cookie, in memory), shared by its HTTP requests and its browser pages. */
  readonly cookieJar: CookieJar = new CookieJar();
  /** An undici `ProxyAgent` for its proxy, or the pool's base dispatcher when it has none. */
  readonly dispatcher: Dispatcher;
  /** Its proxy for Playwright's context `proxy` option, credentials included (never log it); `null` without a proxy. */
  readonly browserProxy: BrowserProxySettings | null;
  /** Pieces of work after which it retires by itself. */
  readonly maxUsageCount: number;
  /** The proxy behind the session, with its credentials (never log it; log `proxyUrl`); `null` without one. */
  readonly proxy: ProxyEndpoint | null;
  private usage = 0;
  private retiredWith: string | null = null;
  private readonly retiring = new AbortController();
  private readonly init: SessionInit;

  /**
   * @param init - what the session is made of (see {@link SessionInit})
   */
  constructor(init: SessionInit) {
    this.init = init;
    this.id = init.id;
    this.source = init.source;
    this.key = init.key;
    this.proxy = init.proxy;
    this.proxyUrl = init.proxy?.url ?? null;
    this.dispatcher = init.dispatcher;
    this.maxUsageCount = init.maxUsageCount;
    this.browserProxy = init.proxy === null ? null : browserProxyOf(init.proxy);
  }

  /** Pieces of work it ended well so far. */
  get usageCount(): number {
    return this.usage;
  }

  /** `true` once retired: the pool hands it out no more. */
  get retired(): boolean {
    return this.retiredWith !== null;
  }

  /** Why it was retired (e.g. `blocked: zillow answered with a perimeterx bot wall`), or `null` while in service. */
  get retireReason(): string | null {
    return this.retiredWith;
  }

  /** Aborted, with the retire reason, when the session retires; e.g. to close what was made for it. */
  get retiredSignal(): AbortSignal {
    return this.retiring.signal;
  }

  /**
   * Records a piece of work that went well: counts one use (the session
   * retires at `maxUsageCount`) and tells its proxy's health it works.
   * No effect on a retired session.
   */
  markGood(): void {
    if (this.retired) return;
    this.usage += 1;
    this.init.onGood(this);
    if (this.usage >= this.maxUsageCount) this.retireFor('used-up', `used ${this.usage} times (maxUsageCount)`);
  }

  /**
   * Retires the session because the site blocked it (a bot wall); counts
   * towards setting its proxy aside. Idempotent.
   *
   * @param reason - what was seen, e.g. the `BotWallError` message
   */
  markBlocked(reason: string): void {
    this.retireFor('blocked', reason);
  }

  /**
   * Retires the session because its proxy failed (refused, timed out, 407,
   * CONNECT failure); the proxy is set aside for its cool-down. Idempotent.
   *
   * @param reason - what failed
   */
  markProxyFailed(reason: string): void {
    this.retireFor('proxy-failed', reason);
  }

  /**
   * Retires the session without blaming its proxy (e.g. to start afresh).
   * Idempotent.
   *
   * @param reason - why; default `by hand`
   */
  retire(reason = 'by hand'): void {
    this.retireFor('retired', reason);
  }

  /**
   * Retires the session (used by its pool for `used-up` and `evicted`). Idempotent: only the first call counts.
   *
   * @param cause - why, as a category
   * @param reason - why, in words
   */
  retireFor(cause: SessionRetireCause, reason: string): void {
    if (this.retiredWith !== null) return;
    this.retiredWith = `${cause}: ${reason}`;
    if (this.init.ownsDispatcher) void this.dispatcher.close().catch(() => undefined);
    this.init.onRetired(this, cause, reason);
    this.retiring.abort(new Error(`session ${this.id} retired (${this.retiredWith})`));
  }
}

function browserProxyOf(proxy: ProxyEndpoint): BrowserProxySettings {
  return {
    server: proxy.url,
    ...(proxy.username === null ? {} : { username: proxy.username }),
    ...(proxy.password === null ? {} : { password: proxy.password }),
  };
}

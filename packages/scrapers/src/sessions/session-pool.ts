import { CancelledError, SOURCES, noopLogger, parseInput } from '@phx/core';
import type { Logger, Source } from '@phx/core';
import { Pool, ProxyAgent, getGlobalDispatcher } from 'undici';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { ProxyConfiguration } from './proxy-configuration.js';
import type { ProxyEndpoint } from './proxy-url.js';
import { Session } from './session.js';
import type { SessionRetireCause } from './session.js';

/** Run-time schema of {@link SessionPoolOptions}, with its defaults. */
export const sessionPoolOptionsSchema = z
  .object({
    /** The site the pool's sessions are for. Required. */
    source: z.enum(SOURCES),
    /** Proxies of the source (see {@link ProxyConfiguration}); `null`: sessions connect directly. Default `null`. */
    proxyConfiguration: z.instanceof(ProxyConfiguration, { message: 'must be a ProxyConfiguration or null' }).nullable().default(null),
    /** Pieces of work (1-100 000) a session ends well before it retires, as Crawlee's `maxUsageCount`. Default 50. */
    maxUsageCount: z.number().int().min(1).max(100_000).default(50),
    /**
     * Sessions (1-100 000) kept for their keys; beyond it, the one used
     * least recently is retired (not counted against its proxy). Default 1 000.
     */
    maxSessions: z.number().int().min(1).max(100_000).default(1_000),
    /**
     * Time a proxy gets to accept the connection and to answer the tunnel
     * (`CONNECT`) of the HTTP client, in ms (100-300 000); past it the request
     * fails with a proxy failure. Default 30 000.
     */
    proxyTimeoutMs: z.number().int().min(100).max(300_000).default(30_000),
    /**
     * Dispatcher of sessions without a proxy (borrowed, never closed by the
     * pool). Default undici's global dispatcher.
     */
    baseDispatcher: z
      .custom<Dispatcher>((v) => typeof v === 'object' && v !== null && typeof (v as Dispatcher).dispatch === 'function', {
        message: 'must be an undici Dispatcher',
      })
      .exactOptional(),
    /**
     * Extra options of each session's undici `ProxyAgent` (e.g. `requestTls`,
     * `proxyTls`); `uri`, `token` and `clientFactory` are the pool's. Default none.
     */
    proxyAgentOptions: z
      .custom<Omit<ProxyAgent.Options, 'uri' | 'token' | 'clientFactory'>>((v) => typeof v === 'object' && v !== null, {
        message: 'must be an object of undici ProxyAgent options',
      })
      .exactOptional(),
    /** Logger; default drops everything. Proxy passwords and cookies are never logged. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).default(() => noopLogger),
  })
  .strict();

/** Options of {@link SessionPool}. */
export type SessionPoolOptions = z.input<typeof sessionPoolOptionsSchema>;

const keySchema = z.string().min(1, 'must be a non-empty key, e.g. a property id');

/**
 * Sessions of one source, like Crawlee's `SessionPool`: one sticky
 * {@link Session} per key (e.g. a property id), each with its own cookie jar
 * and one proxy of the source's {@link ProxyConfiguration} (round-robin for
 * each new session, skipping proxies that cool down). A session retires when
 * blocked, when its proxy fails, after `maxUsageCount` pieces of work, or when
 * evicted beyond `maxSessions`; the key's next call gets a new one. The pool
 * owns the `ProxyAgent`s it makes: {@link close} retires every session.
 *
 * Concurrency: calls for one key at once share its session.
 *
 * @example
 * ```ts
 * import { ProxyConfiguration, runWithSessionRotation } from '@phx/scrapers';
 * import { request } from 'undici';
 * declare const propertyId: string, url: string, signal: AbortSignal;
 * const pool = new SessionPool({
 *   source: 'zillow',
 *   proxyConfiguration: new ProxyConfiguration({ proxyUrls: ['http://user:secret@10.0.0.5:3128'] }),
 * });
 * const page = await runWithSessionRotation(pool, propertyId, signal, async (session) => {
 *   const answer = await request(url, { dispatcher: session.dispatcher, signal });
 *   return answer.body.text();
 * });
 * await pool.close();
 * ```
 */
export class SessionPool {
  /** The site of the pool's sessions. */
  readonly source: Source;
  /** The source's proxies, or `null` when sessions connect directly. */
  readonly proxyConfiguration: ProxyConfiguration | null;
  private readonly options: z.output<typeof sessionPoolOptionsSchema>;
  private readonly logger: Logger;
  /** Sessions in service by key, least recently used first. */
  private readonly byKey = new Map<string, Session>();
  private created = 0;
  private closed = false;

  /**
   * @param options - see {@link SessionPoolOptions}
   * @throws `InvalidInputError` (core) naming each bad option
   */
  constructor(options: SessionPoolOptions) {
    this.options = parseInput(sessionPoolOptionsSchema, options, 'SessionPool options');
    this.source = this.options.source;
    this.proxyConfiguration = this.options.proxyConfiguration;
    this.logger = this.options.logger.child({ component: 'session-pool', source: this.source });
  }

  /** Sessions in service now. */
  get size(): number {
    return this.byKey.size;
  }

  /**
   * The session of `key`: the one in service, else a new one on the next
   * proxy round-robin (or with no proxy when the pool has none).
   *
   * @param key - what the session sticks to, e.g. a property id
   * @returns the session, or `null` when the source has proxies but every one is cooling down
   *   (see {@link nextAvailableAt})
   * @throws `InvalidInputError` (core) naming `key` when it is not a non-empty string
   * @throws `CancelledError` (core) after {@link close}
   */
  sessionFor(key: string): Session | null {
    const k = parseInput(keySchema, key, 'sessionFor key');
    if (this.closed) throw new CancelledError('session pool is closed');
    const current = this.byKey.get(k);
    if (current !== undefined) {
      this.byKey.delete(k);
      this.byKey.set(k, current); // most recently used last
      return current;
    }
    const proxies = this.proxyConfiguration;
    const proxy = proxies === null || proxies.proxies.length === 0 ? null : proxies.nextProxy();
    if (proxies !== null && proxies.proxies.length > 0 && proxy === null) return null;
    return this.open(k, proxy);
  }

  /**
   * When a proxy of the source takes sessions again.
   *
   * @returns the end of the first cool-down, or `null` when no proxy cools down
   */
  nextAvailableAt(): Date | null {
    return this.proxyConfiguration?.nextAvailableAt() ?? null;
  }

  /**
   * Retires every session (destroying their `ProxyAgent`s: requests still
   * in flight fail) and refuses new ones. Idempotent. The base dispatcher
   * is borrowed and stays open.
   */
  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.byKey.values()];
    for (const session of sessions) session.retireFor('retired', 'session pool closed');
    // destroy, not close: close() waits for requests in flight, and a proxy that never answers a tunnel would hold it for ever.
    await Promise.all(sessions.map((s) => (s.proxy === null ? undefined : s.dispatcher.destroy().catch(() => undefined))));
  }

  private open(key: string, proxy: ProxyEndpoint | null): Session {
    this.created += 1;
    const id = `${this.source}-${this.created}`;
    const session = new Session({
      id,
      source: this.source,
      key,
      proxy,
      dispatcher: proxy === null ? this.baseDispatcher() : this.proxyAgentFor(proxy),
      ownsDispatcher: proxy !== null,
      maxUsageCount: this.options.maxUsageCount,
      onGood: (s) => {
        if (s.proxy !== null) this.proxyConfiguration?.reportGood(s.proxy);
      },
      onRetired: (s, cause, reason) => this.onRetired(s, cause, reason),
    });
    this.byKey.set(key, session);
    this.logger.debug({ sessionId: id, key, proxy: session.proxyUrl }, 'session opened');
    if (this.byKey.size > this.options.maxSessions) {
      const [, oldest] = this.byKey.entries().next().value as [string, Session];
      oldest.retireFor('evicted', `more than maxSessions (${this.options.maxSessions}) sessions`);
    }
    return session;
  }

  private onRetired(session: Session, cause: SessionRetireCause, reason: string): void {
    if (this.byKey.get(session.key) === session) this.byKey.delete(session.key);
    const proxies = this.proxyConfiguration;
    let proxyCooling = false;
    if (session.proxy !== null && proxies !== null) {
      if (cause === 'proxy-failed') {
        proxies.reportProxyFailed(session.proxy);
        proxyCooling = true;
      } else if (cause === 'blocked') {
        proxyCooling = proxies.reportRetiredSession(session.proxy);
      }
    }
    const context = { sessionId: session.id, key: session.key, proxy: session.proxyUrl, cause, reason };
    if (cause === 'blocked' || cause === 'proxy-failed') this.logger.warn(context, 'session retired');
    else this.logger.debug(context, 'session retired');
    if (proxyCooling) this.logger.warn({ proxy: session.proxyUrl, until: proxies?.nextAvailableAt()?.toISOString() }, 'proxy set aside');
  }

  private baseDispatcher(): Dispatcher {
    return this.options.baseDispatcher ?? getGlobalDispatcher();
  }

  private proxyAgentFor(proxy: ProxyEndpoint): ProxyAgent {
    const timeoutMs = this.options.proxyTimeoutMs;
    const token =
      proxy.username === null ? undefined : `Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}`;
    return new ProxyAgent({
      ...this.options.proxyAgentOptions,
      uri: proxy.url,
      ...(token === undefined ? {} : { token }),
      // undici waits 300 s for a silent proxy and does not pass the request's signal to the tunnel.
      clientFactory: (origin, options) => new Pool(origin, { ...options, connectTimeout: timeoutMs, headersTimeout: timeoutMs }),
    });
  }
}

import { parseInput, systemClock } from '@phx/core';
import type { Clock } from '@phx/core';
import { z } from 'zod';
import { proxyUrlSchema } from './proxy-url.js';
import type { ProxyEndpoint } from './proxy-url.js';

/**
 * Run-time schema of {@link ProxyConfigurationOptions}, with its defaults.
 * A bad proxy URL is named by its index (`proxyUrls.2`), never quoted (it
 * may hold a password).
 */
export const proxyConfigurationOptionsSchema = z
  .object({
    /**
     * Forward proxies of one source, as `http://[user:password@]host[:port]`
     * or `https://…` (TLS to the proxy). New sessions take them round-robin.
     * `[]`: no proxy, sessions connect directly. Required.
     */
    proxyUrls: z.array(proxyUrlSchema).readonly(),
    /**
     * Sessions of one proxy retired in a row (blocked or failed; 1-1 000)
     * after which the proxy itself is set aside for `proxyCoolDownMs`. A
     * session that ends well resets the count. Default 3.
     */
    retireProxyAfterRetiredSessions: z.number().int().min(1).max(1_000).default(3),
    /** How long a retired proxy takes no new session, in ms (0-86 400 000). Default 600 000 (10 min). */
    proxyCoolDownMs: z.number().int().min(0).max(86_400_000).default(600_000),
    /** Clock for the cool-downs; default the system clock. */
    clock: z
      .custom<Clock>((v) => typeof v === 'object' && v !== null && typeof (v as Clock).now === 'function', { message: 'must be a Clock' })
      .default(() => systemClock),
  })
  .strict();

/** Options of {@link ProxyConfiguration}. */
export type ProxyConfigurationOptions = z.input<typeof proxyConfigurationOptionsSchema>;

/** Health of one proxy. */
interface ProxyHealth {
  /** Sessions retired in a row since the last good one. */
  retiredInARow: number;
  /** Epoch ms until which the proxy takes no new session; 0 when it is in service. */
  coolingUntilMs: number;
}

/**
 * The forward proxies of one source and their health, like Crawlee's
 * `ProxyConfiguration`: hands out the next proxy round-robin for each new
 * session, and sets a proxy aside for a cool-down when it failed (refused,
 * timed out, 407, CONNECT failure) or when `retireProxyAfterRetiredSessions`
 * of its sessions in a row were retired. Used by {@link SessionPool}; give the
 * same proxy URLs to `BrowserPool`'s `proxyUrls` so Chromium may reach them.
 *
 * Not safe to share between processes; in one process, shared pools share
 * the proxies' health.
 *
 * @example
 * ```ts
 * import { SessionPool } from '@phx/scrapers';
 * const proxies = new ProxyConfiguration({ proxyUrls: ['http://user:secret@10.0.0.5:3128', 'http://10.0.0.6:3128'] });
 * const pool = new SessionPool({ source: 'zillow', proxyConfiguration: proxies });
 * ```
 */
export class ProxyConfiguration {
  /** The proxies, in the given order. */
  readonly proxies: readonly ProxyEndpoint[];
  private readonly retireAfter: number;
  private readonly coolDownMs: number;
  private readonly clock: Clock;
  private readonly health = new Map<ProxyEndpoint, ProxyHealth>();
  private next = 0;

  /**
   * @param options - see {@link ProxyConfigurationOptions}
   * @throws `InvalidInputError` (core) naming each bad field, e.g. `proxyUrls.1: has scheme "socks5"; …`
   */
  constructor(options: ProxyConfigurationOptions) {
    const o = parseInput(proxyConfigurationOptionsSchema, options, 'ProxyConfiguration options');
    this.proxies = Object.freeze([...o.proxyUrls]);
    this.retireAfter = o.retireProxyAfterRetiredSessions;
    this.coolDownMs = o.proxyCoolDownMs;
    this.clock = o.clock;
    for (const proxy of this.proxies) this.health.set(proxy, { retiredInARow: 0, coolingUntilMs: 0 });
  }

  /** The proxies' URLs without credentials, e.g. `['http://10.0.0.5:3128']`; safe to log. */
  get proxyUrls(): string[] {
    return this.proxies.map((p) => p.url);
  }

  /**
   * The proxy for a new session: the next one round-robin that is not
   * cooling down.
   *
   * @returns the proxy, or `null` when there are proxies but every one is cooling down
   * @throws `Error` when the configuration has no proxy (check {@link proxies} first)
   */
  nextProxy(): ProxyEndpoint | null {
    if (this.proxies.length === 0) throw new Error('this ProxyConfiguration has no proxy');
    const nowMs = this.clock.now().getTime();
    for (let i = 0; i < this.proxies.length; i += 1) {
      const proxy = this.proxies[(this.next + i) % this.proxies.length] as ProxyEndpoint;
      if (this.healthOf(proxy).coolingUntilMs <= nowMs) {
        this.next = (this.next + i + 1) % this.proxies.length;
        return proxy;
      }
    }
    return null;
  }

  /**
   * When the first cooling proxy takes sessions again.
   *
   * @returns that time, or `null` when no proxy is cooling down
   */
  nextAvailableAt(): Date | null {
    const nowMs = this.clock.now().getTime();
    const ends = [...this.health.values()].map((h) => h.coolingUntilMs).filter((ms) => ms > nowMs);
    return ends.length === 0 ? null : new Date(Math.min(...ends));
  }

  /**
   * Tells whether `proxy` is cooling down now.
   *
   * @param proxy - one of {@link proxies}
   * @returns `true` while it takes no new session
   */
  isCoolingDown(proxy: ProxyEndpoint): boolean {
    return this.healthOf(proxy).coolingUntilMs > this.clock.now().getTime();
  }

  /**
   * Records that a session of `proxy` ended a piece of work well: its count
   * of retired sessions in a row starts again.
   *
   * @param proxy - one of {@link proxies}
   */
  reportGood(proxy: ProxyEndpoint): void {
    this.healthOf(proxy).retiredInARow = 0;
  }

  /**
   * Records that a session of `proxy` was retired (blocked); the
   * `retireProxyAfterRetiredSessions`-th in a row sets the proxy aside.
   *
   * @param proxy - one of {@link proxies}
   * @returns `true` when the proxy was set aside by this report
   */
  reportRetiredSession(proxy: ProxyEndpoint): boolean {
    const health = this.healthOf(proxy);
    health.retiredInARow += 1;
    if (health.retiredInARow < this.retireAfter) return false;
    this.coolDown(health);
    return true;
  }

  /**
   * Records that `proxy` itself failed (refused, timed out, 407, CONNECT
   * failure): it is set aside for the cool-down at once.
   *
   * @param proxy - one of {@link proxies}
   */
  reportProxyFailed(proxy: ProxyEndpoint): void {
    this.coolDown(this.healthOf(proxy));
  }

  private coolDown(health: ProxyHealth): void {
    health.retiredInARow = 0;
    health.coolingUntilMs = this.clock.now().getTime() + this.coolDownMs;
  }

  private healthOf(proxy: ProxyEndpoint): ProxyHealth {
    const health = this.health.get(proxy);
    if (health === undefined) throw new Error(`${proxy.url} is not a proxy of this ProxyConfiguration`);
    return health;
  }
}

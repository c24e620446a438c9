import { isolationModeSchema, noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import type { BrowserContext } from 'playwright-core';
import { z } from 'zod';
import { DEFAULT_CHROMIUM_PATH, FIRST_PARTY_HOST_SUFFIXES, HOST_NAME_PATTERN } from './chromium-launch.js';
import { chromiumProxyClash } from './chromium-proxy-routes.js';
import { proxyUrlSchema } from '../sessions/proxy-url.js';
import { DEFAULT_RETIRE_CONTEXT_AFTER_PAGES } from '../defaults.js';

export { DEFAULT_RETIRE_CONTEXT_AFTER_PAGES };

/** Default of {@link BrowserPoolOptions} `idleCloseMs`: 60 000 ms without a page open. */
export const DEFAULT_IDLE_CLOSE_MS = 60_000;

const hostName = z.string().regex(HOST_NAME_PATTERN, 'must be a host name such as zillow.com');

/**
 * Run-time schema of {@link BrowserPoolOptions}, with its defaults (the one
 * place they are written). `BrowserPool` parses its options with it once.
 */
export const browserPoolOptionsSchema = z
  .object({
    /** How browser state is shared between properties; see core's `isolationModeSchema` (default `virtual`). */
    isolationMode: isolationModeSchema,
    /** Chromium executable. Default `/usr/bin/chromium` (Debian's). */
    chromiumPath: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
    /**
     * Extra Chromium flags after `CHROMIUM_ARGS`. Default none. A
     * `--host-resolver-rules` flag here replaces `networkHosts`: its rules
     * are kept and every host they do not map fails (see {@link chromiumLaunchArgs}).
     */
    extraArgs: z.array(z.string().startsWith('--', 'Chromium flags start with --')).readonly().default([]),
    /** Time allowed for Chromium to start, in ms (1 000-120 000). Default 30 000. */
    launchTimeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
    /** Block images, fonts, media and third-party requests in every context. Default `true`. */
    blockResources: z.boolean().default(true),
    /** Registrable domains allowed while blocking. Default {@link FIRST_PARTY_HOST_SUFFIXES}. */
    firstPartyHosts: z.array(hostName).readonly().default(FIRST_PARTY_HOST_SUFFIXES),
    /**
     * Registrable domains (with their subdomains) Chromium may open network
     * connections to; every other host, loopback and IP literals included,
     * fails name resolution in the browser (see {@link hostResolverRulesArg}),
     * so a listing page cannot reach this machine or its network. `[]` lets
     * Chromium connect nowhere: every request must be answered by a route
     * (replay). Default: `firstPartyHosts`.
     */
    networkHosts: z.array(hostName).readonly().exactOptional(),
    /**
     * Proxies (as `ProxyConfiguration`'s `proxyUrls`) that sessions given to
     * `withPage({ session })` may use. Chromium resolves no other name, so
     * each proxy gets a resolver rule of its own that reaches its port only
     * (see `chromiumProxyRoutes`); nothing else opens up, loopback included.
     * A session whose proxy is not listed is refused. Default `[]`.
     */
    proxyUrls: z.array(proxyUrlSchema).readonly().default([]),
    /**
     * Closes the pool's Chromium once no page has been open for this long, in
     * ms (1 000-86 400 000); the next page launches it again. A pool that
     * reads pages now and then (`auto` mode's fallbacks and sample checks)
     * gives its Chromium's memory back between them. Cookies of properties
     * between pages go with it. `null` never closes it for idleness. Default
     * 60 000 ({@link DEFAULT_IDLE_CLOSE_MS}).
     */
    idleCloseMs: z.number().int().min(1_000).max(86_400_000).nullable().default(DEFAULT_IDLE_CLOSE_MS),
    /** Time allowed for a browser to close before it is killed, in ms (100-60 000). Default 10 000. */
    closeTimeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    /**
     * Record every context's traffic into this HAR file (Playwright
     * `recordHar`, bodies embedded), written when the context closes; `null`
     * records nothing. Use with `virtual` isolation (one context), or each
     * context overwrites the file. Default `null`.
     */
    recordHarPath: z.string().min(1).nullable().default(null),
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
    retireContextAfterPages: z.number().int('must be a whole number of pages').min(1).max(100_000).nullable().exactOptional(),
    /**
     * Called on every new context before request blocking is installed, e.g.
     * to install replay routes. Default none.
     */
    setupContext: z
      .custom<(context: BrowserContext) => Promise<void>>((v) => typeof v === 'function', { message: 'must be a function' })
      .exactOptional(),
    /** Logger; default drops everything. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).default(() => noopLogger),
  })
  .strict()
  .refine((o) => o.recordHarPath === null || o.retireContextAfterPages == null, {
    message: 'recordHarPath records one context into one file: leave retireContextAfterPages out or null',
    path: ['retireContextAfterPages'],
  })
  .superRefine((o, context) => {
    const clash = chromiumProxyClash(o.proxyUrls);
    if (clash !== null) context.addIssue({ code: 'custom', message: clash.message, path: ['proxyUrls', clash.index] });
  });

/** Options of {@link BrowserPool}. */
export type BrowserPoolOptions = z.input<typeof browserPoolOptionsSchema>;

/** {@link BrowserPoolOptions} as parsed by {@link browserPoolOptionsSchema}: defaults filled in. */
export type ResolvedBrowserPoolOptions = z.output<typeof browserPoolOptionsSchema>;

import { fetchModeSchema, isolationModeSchema, noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import { z } from 'zod';
import { DEFAULT_CHROMIUM_PATH } from '../browser/chromium-launch.js';
import { browserOnlySourcesSchema, listingScraperOptionsSchema, maxPageBytesSchema } from '../browser/listing-scraper-options.js';
import { autoFetchOptionsSchema } from '../http/fetch-mode-planner.js';
import { DEFAULT_MAX_PHOTO_BYTES, httpPhotoFetcherOptionsSchema } from '../download/http-photo-fetcher.js';
import { politenessOptionsSchema } from '../politeness/politeness-options.js';
import { proxyUrlSchema } from '../sessions/proxy-url.js';

const replayPageSchema = z.object({
  url: z.string().url().startsWith('https://', 'must be an https URL'),
  response: z.object({
    status: z.number().int().min(100).max(599),
    contentType: z.string().min(1),
    body: z.instanceof(Buffer),
    headers: z.record(z.string(), z.string()).exactOptional(),
    delayMs: z.number().int().min(0).max(3_600_000).exactOptional(),
  }),
});

/** One proxy URL as given (checked by the sessions' `proxyUrlSchema`, whose messages never quote it). */
const proxyUrlStringSchema = z.string().superRefine((value, context) => {
  const checked = proxyUrlSchema.safeParse(value);
  if (!checked.success) for (const issue of checked.error.issues) context.addIssue({ code: 'custom', message: issue.message });
});

/** Run-time schema of {@link ScraperKitMode}. */
export const scraperKitModeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('live') }).strict(),
  z
    .object({
      kind: z.literal('replay'),
      /** The shared fixtures folder (with `listings/` and `house-photos/`), e.g. `../shared/fixtures` from the repo root. */
      fixturesDir: z.string().min(1, 'give the shared fixtures folder, e.g. ../shared/fixtures'),
      /** Extra pages to serve under URLs of your choice (e.g. a saved bot wall). Default none. */
      extraPages: z.array(replayPageSchema).readonly().default([]),
    })
    .strict(),
  z
    .object({
      /** The live sites, with every page request and answer recorded into a HAR file on `close()` (isolation `virtual`). */
      kind: z.literal('record'),
      /** Where to write the HAR. */
      harPath: z.string().min(1, 'give the HAR file to write'),
    })
    .strict(),
  z
    .object({
      /** Pages answered from a HAR file recorded earlier; a request it has no answer for fails. Photos are downloaded live. */
      kind: z.literal('har'),
      /** The HAR file. */
      harPath: z.string().min(1, 'give the HAR file to replay'),
    })
    .strict(),
]);

/** Where pages and photos come from: the live sites, or saved fixtures replayed under the real URLs. */
export type ScraperKitMode = z.input<typeof scraperKitModeSchema>;

/**
 * Run-time schema of {@link ScraperKitOptions}, with its defaults (the one
 * place they are written; the logger is checked for its methods only).
 * `createScraperKit` parses its options with it once and uses the parsed
 * value only.
 */
export const scraperKitOptionsSchema = z
  .object({
    /** Live sites or replay. */
    mode: scraperKitModeSchema,
    /** Browser isolation between properties; see core's `isolationModeSchema` (default `virtual`). */
    isolationMode: isolationModeSchema,
    /** How listing pages are fetched: `auto` (plain HTTP first, Chromium where needed), `http` or `browser`; see core's `fetchModeSchema`. Default `auto`. */
    fetchMode: fetchModeSchema,
    /**
     * Sites read in Chromium only when the fetch mode is `auto` (e.g. a site
     * that walls every plain request). Default none.
     */
    browserOnlySources: browserOnlySourcesSchema,
    /** Largest page or site-API body read over plain HTTP, in bytes (64 KiB-256 MiB). Default 8 MiB. */
    maxPageBytes: maxPageBytesSchema,
    /**
     * The `auto` mode's memory per source: `fallbacksToPreferBrowser` (default 3) fallbacks in a row make the
     * source browser-first, which probes plain HTTP every `httpRetryEveryPages` pages (default 20); one in
     * `verifyEveryPages` pages served over HTTP (default 50, `null` never) is re-read in Chromium and the photo
     * lists compared.
     */
    autoFetch: autoFetchOptionsSchema.exactOptional(),
    /**
     * Forward proxies per source (`http://[user:password@]host[:port]` or `https://…`), for the plain client and
     * Chromium alike: each property gets a sticky session (one proxy round-robin, its own cookies); a session the
     * site walls or whose proxy fails moves to another, a proxy failing repeatedly cools down, and when none is
     * left the source is reported blocked. A source left out connects directly. Live mode only. Default none.
     */
    proxies: z
      .object({
        zillow: z.array(proxyUrlStringSchema).readonly().exactOptional(),
        redfin: z.array(proxyUrlStringSchema).readonly().exactOptional(),
      })
      .strict()
      .default({}),
    /**
     * Pages (1-100 000) the shared context of `virtual` isolation serves
     * before a fresh one replaces it (the old one closes after its last page),
     * or `null` never to replace it; see `BrowserPoolOptions.retireContextAfterPages`.
     * Default 100; `record` mode (one HAR file of one context) takes `null` only.
     */
    retireContextAfterPages: z.number().int('must be a whole number of pages').min(1).max(100_000).nullable().exactOptional(),
    /** Chromium executable. Default `/usr/bin/chromium`. */
    chromiumPath: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
    /** Extra Chromium flags, e.g. `--host-resolver-rules=…`. Default none. */
    extraChromiumArgs: z.array(z.string().startsWith('--', 'Chromium flags start with --')).readonly().default([]),
    /** Logger; default drops everything. */
    logger: z
      .custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).child === 'function', {
        message: 'must be a Logger (debug/info/warn/error/child)',
      })
      .default(() => noopLogger),
    /** Time allowed for a listing page, in ms (1 000-300 000). Default 45 000. */
    navigationTimeoutMs: listingScraperOptionsSchema.shape.navigationTimeoutMs,
    /** Time allowed for one photo download, in ms (100-600 000). Default 30 000. */
    downloadTimeoutMs: httpPhotoFetcherOptionsSchema.shape.timeoutMs,
    /** Largest photo accepted, in bytes (1 KiB-1 GiB). Default 25 MiB. */
    maxPhotoBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3)
      .default(DEFAULT_MAX_PHOTO_BYTES),
    /**
     * Request rates, concurrency, retries and circuit breakers. Unset fields
     * take `DEFAULT_POLITENESS_OPTIONS` live and `REPLAY_POLITENESS_OPTIONS`
     * (no rate limit, no jitter) in replay.
     */
    politeness: politenessOptionsSchema.exactOptional(),
  })
  .strict()
  .refine((o) => o.mode.kind === 'live' || Object.values(o.proxies).every((urls) => urls.length === 0), {
    message: 'proxies are for the live sites (mode live): replayed pages are answered locally',
    path: ['proxies'],
  })
  .refine((o) => o.mode.kind !== 'record' || o.isolationMode === 'virtual', {
    message: 'record mode needs isolationMode virtual (one context, one HAR file)',
    path: ['isolationMode'],
  })
  .refine((o) => (o.mode.kind !== 'record' && o.mode.kind !== 'har') || o.fetchMode !== 'http', {
    message: 'record and har modes replay and record what Chromium loads: use fetchMode browser or auto (read as browser)',
    path: ['fetchMode'],
  })
  .refine((o) => o.mode.kind !== 'record' || o.retireContextAfterPages == null, {
    message: 'record mode writes one context into one HAR file: leave retireContextAfterPages out or null',
    path: ['retireContextAfterPages'],
  });

/** Options of {@link createScraperKit}. */
export type ScraperKitOptions = z.input<typeof scraperKitOptionsSchema>;

/** {@link ScraperKitOptions} as parsed by {@link scraperKitOptionsSchema}: defaults filled in. */
export type ResolvedScraperKitOptions = z.output<typeof scraperKitOptionsSchema>;

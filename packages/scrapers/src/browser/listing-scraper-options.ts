import { SOURCES, fetchModeSchema, noopLogger } from '@phx/core';
import type { Logger } from '@phx/core';
import { z } from 'zod';
import { autoFetchOptionsSchema } from '../http/fetch-mode-planner.js';
import { DEFAULT_MAX_PAGE_BYTES, HttpPageClient } from '../http/http-page-client.js';
import { DEFAULT_POLITENESS_OPTIONS, politenessOptionsSchema } from '../politeness/politeness-options.js';
import type { ResolvedPolitenessOptions } from '../politeness/politeness-options.js';
import { SessionPool } from '../sessions/session-pool.js';
import { BrowserPool } from './browser-pool.js';

/**
 * Largest page accepted over plain HTTP, in bytes (64 KiB-256 MiB, after
 * decompression). Default {@link DEFAULT_MAX_PAGE_BYTES} (8 MiB).
 */
export const maxPageBytesSchema = z
  .number()
  .int()
  .min(64 * 1024)
  .max(256 * 1024 * 1024)
  .default(DEFAULT_MAX_PAGE_BYTES);

/** Sites read only in Chromium when the fetch mode is `auto` (no plain HTTP try). Default none. */
export const browserOnlySourcesSchema = z.array(z.enum(SOURCES)).readonly().default([]);

/**
 * Run-time schema of {@link ListingScraperOptions}, with their defaults (the
 * one place they are written; the scraper kit's `navigationTimeoutMs` is this
 * field). The site scrapers parse their options with it once.
 */
export const listingScraperOptionsSchema = z
  .object({
    /** The browser pool to load pages in; borrowed, never closed by the scraper. Never launched in `http` mode. */
    pool: z.instanceof(BrowserPool, { message: 'must be a BrowserPool' }),
    /**
     * How pages are fetched: `http` (plain HTTP, no browser), `browser`
     * (Chromium) or `auto` (plain HTTP first, Chromium when the answer is a
     * wall or lacks the data). `ScrapeRequest.fetchMode` overrides it per call. Default `auto`.
     */
    fetchMode: fetchModeSchema,
    /** Sites `auto` reads in Chromium only. Default none. */
    browserOnlySources: browserOnlySourcesSchema,
    /** The `auto` mode's memory per source (fallbacks before going browser-first, HTTP probes, sample checks). */
    autoFetch: autoFetchOptionsSchema.exactOptional(),
    /** The plain HTTP client (borrowed). Default one on undici's global dispatcher with `maxPageBytes`. */
    http: z.instanceof(HttpPageClient, { message: 'must be an HttpPageClient' }).exactOptional(),
    /**
     * Sessions and proxies of this source (borrowed, never closed by the scraper), or `null`: every page
     * connects directly and keeps its cookies per property. With a pool, each attempt at a page runs in the
     * property's sticky session (its proxy and cookie jar, for plain HTTP and Chromium alike); a session the
     * site walls (in both modes, under `auto`) or whose proxy fails is retired and the attempt moves to
     * another, and when none is left the source is reported blocked (`SourceBlockedError`). Its `source` must
     * be this scraper's. Default `null`.
     */
    sessions: z.instanceof(SessionPool, { message: 'must be a SessionPool or null' }).nullable().default(null),
    /** Largest page over plain HTTP when no `http` client is given, in bytes; see {@link maxPageBytesSchema}. */
    maxPageBytes: maxPageBytesSchema,
    /** Time allowed for a listing page's HTML (headers and whole body), in ms (1 000-300 000). Default 45 000. */
    navigationTimeoutMs: z.number().int().min(1_000).max(300_000).default(45_000),
    /**
     * Time allowed for the data step once the page's HTML arrived, in ms
     * (0-60 000): the rendered DOM is watched for what the parser needs (the
     * listing data or the rendered gallery) unless the HTML as served already
     * holds it; the `load` event is never awaited. Default 5 000.
     */
    settleMs: z.number().int().min(0).max(60_000).default(5_000),
    /**
     * Time allowed for one whole attempt at a page (navigation, settling,
     * reading), in ms (1 000-900 000). When it passes the browser is taken as
     * hung: it is replaced and the property retried once. Default
     * `navigationTimeoutMs + settleMs + 30 000`.
     */
    attemptTimeoutMs: z.number().int().min(1_000).max(900_000).exactOptional(),
    /** Request rate, concurrency, retries and circuit breaker of this source. Default {@link DEFAULT_POLITENESS_OPTIONS}. */
    politeness: politenessOptionsSchema.exactOptional(),
    /** Defaults for unset politeness fields (the kit passes the replay ones in replay). Default {@link DEFAULT_POLITENESS_OPTIONS}. */
    politenessDefaults: z
      .custom<ResolvedPolitenessOptions>((v) => typeof v === 'object' && v !== null)
      .default(() => DEFAULT_POLITENESS_OPTIONS),
    /** Logger; default drops everything. */
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).default(() => noopLogger),
  })
  .strict();

/** Options shared by the site scrapers. */
export type ListingScraperOptions = z.input<typeof listingScraperOptionsSchema>;

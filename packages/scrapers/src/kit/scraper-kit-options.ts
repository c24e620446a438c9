import { isolationModeSchema, noopLogger } from '@phx/core';
import type { IsolationMode, Logger } from '@phx/core';
import { z } from 'zod';
import { DEFAULT_CHROMIUM_PATH } from '../browser/chromium-launch.js';
import { listingScraperOptionsSchema } from '../browser/listing-page-scraper.js';
import { DEFAULT_MAX_PHOTO_BYTES, httpPhotoFetcherOptionsSchema } from '../download/http-photo-fetcher.js';
import { politenessOptionsSchema } from '../politeness/politeness-options.js';
import type { PolitenessOptions } from '../politeness/politeness-options.js';
import type { ReplayPageInput } from '../replay/index.js';

/** Where pages and photos come from: the live sites, or saved fixtures replayed under the real URLs. */
export type ScraperKitMode =
  | { readonly kind: 'live' }
  | {
      readonly kind: 'replay';
      /** The shared fixtures folder (with `listings/` and `house-photos/`), e.g. `../shared/fixtures` from the repo root. */
      readonly fixturesDir: string;
      /** Extra pages to serve under URLs of your choice (e.g. a saved bot wall). Default none. */
      readonly extraPages?: readonly ReplayPageInput[];
    }
  | {
      /** The live sites, with every page request and answer recorded into a HAR file on `close()` (isolation `virtual`). */
      readonly kind: 'record';
      /** Where to write the HAR. */
      readonly harPath: string;
    }
  | {
      /** Pages answered from a HAR file recorded earlier; a request it has no answer for fails. Photos are downloaded live. */
      readonly kind: 'har';
      /** The HAR file. */
      readonly harPath: string;
    };

/** Options of {@link createScraperKit}. */
export interface ScraperKitOptions {
  /** Live sites or replay. */
  readonly mode: ScraperKitMode;
  /** Browser isolation between properties; see core's `isolationModeSchema` (default `virtual`). */
  readonly isolationMode?: IsolationMode;
  /**
   * Pages (1-100 000) the shared context of `virtual` isolation serves
   * before a fresh one replaces it (the old one closes after its last page),
   * or `null` never to replace it; see `BrowserPoolOptions.retireContextAfterPages`.
   * Default 100; `record` mode (one HAR file of one context) takes `null` only.
   */
  readonly retireContextAfterPages?: number | null;
  /** Chromium executable. Default `/usr/bin/chromium`. */
  readonly chromiumPath?: string;
  /** Extra Chromium flags, e.g. `--host-resolver-rules=…`. Default none. */
  readonly extraChromiumArgs?: readonly string[];
  /** Logger; default drops everything. */
  readonly logger?: Logger;
  /** Time allowed for a listing page, in ms (1 000-300 000). Default 45 000. */
  readonly navigationTimeoutMs?: number;
  /** Time allowed for one photo download, in ms (100-600 000). Default 30 000. */
  readonly downloadTimeoutMs?: number;
  /** Largest photo accepted, in bytes (1 KiB-1 GiB). Default 25 MiB. */
  readonly maxPhotoBytes?: number;
  /**
   * Request rates, concurrency, retries and circuit breakers. Unset fields
   * take `DEFAULT_POLITENESS_OPTIONS` live and `REPLAY_POLITENESS_OPTIONS`
   * (no rate limit, no jitter) in replay.
   */
  readonly politeness?: PolitenessOptions;
}


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

/**
 * Run-time schema of {@link ScraperKitOptions}, with its defaults (the one
 * place they are written; the logger is checked for its methods only).
 * `createScraperKit` parses its options with it once and uses the parsed
 * value only.
 */
export const scraperKitOptionsSchema = z
  .object({
    mode: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('live') }).strict(),
      z
        .object({
          kind: z.literal('replay'),
          fixturesDir: z.string().min(1, 'give the shared fixtures folder, e.g. ../shared/fixtures'),
          extraPages: z.array(replayPageSchema).readonly().default([]),
        })
        .strict(),
      z.object({ kind: z.literal('record'), harPath: z.string().min(1, 'give the HAR file to write') }).strict(),
      z.object({ kind: z.literal('har'), harPath: z.string().min(1, 'give the HAR file to replay') }).strict(),
    ]),
    isolationMode: isolationModeSchema,
    retireContextAfterPages: z.number().int('must be a whole number of pages').min(1).max(100_000).nullable().exactOptional(),
    chromiumPath: z.string().min(1).default(DEFAULT_CHROMIUM_PATH),
    extraChromiumArgs: z.array(z.string().startsWith('--', 'Chromium flags start with --')).readonly().default([]),
    logger: z
      .custom<Logger>((v) => typeof v === 'object' && v !== null && typeof (v as Logger).child === 'function', {
        message: 'must be a Logger (debug/info/warn/error/child)',
      })
      .default(() => noopLogger),
    navigationTimeoutMs: listingScraperOptionsSchema.shape.navigationTimeoutMs,
    downloadTimeoutMs: httpPhotoFetcherOptionsSchema.shape.timeoutMs,
    maxPhotoBytes: z.number().int().min(1024).max(1024 ** 3).default(DEFAULT_MAX_PHOTO_BYTES),
    politeness: politenessOptionsSchema.exactOptional(),
  })
  .strict()
  .refine((o) => o.mode.kind !== 'record' || o.isolationMode === 'virtual', {
    message: 'record mode needs isolationMode virtual (one context, one HAR file)',
    path: ['isolationMode'],
  })
  .refine((o) => o.mode.kind !== 'record' || o.retireContextAfterPages == null, {
    message: 'record mode writes one context into one HAR file: leave retireContextAfterPages out or null',
    path: ['retireContextAfterPages'],
  });

/** {@link ScraperKitOptions} as parsed by {@link scraperKitOptionsSchema}: defaults filled in. */
export type ResolvedScraperKitOptions = z.output<typeof scraperKitOptionsSchema>;

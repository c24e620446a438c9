import type { ListingPhoto, PageFetchMode } from '@phx/core';
import { z } from 'zod';

/** Run-time schema of {@link AutoFetchOptions}, with its defaults. */
export const autoFetchOptionsSchema = z
  .object({
    /** Fallbacks to the browser in a row (1-1 000) after which the source goes browser-first. Default 3. */
    fallbacksToPreferBrowser: z.number().int().min(1).max(1_000).default(3),
    /** While browser-first, every this many pages (1-100 000) is tried over plain HTTP again. Default 20. */
    httpRetryEveryPages: z.number().int().min(1).max(100_000).default(20),
    /**
     * One in this many pages served over plain HTTP (1-100 000) is read again
     * in the browser and the photo lists compared; `null` never. Default 50.
     */
    verifyEveryPages: z.number().int().min(1).max(100_000).nullable().default(50),
  })
  .strict();

/** Options of the `auto` fetch mode's memory per source ({@link FetchModePlanner}). */
export type AutoFetchOptions = z.input<typeof autoFetchOptionsSchema>;

/** {@link AutoFetchOptions} with defaults filled in. */
export type ResolvedAutoFetchOptions = z.output<typeof autoFetchOptionsSchema>;

/** What the `auto` mode does next for one page of a source. */
export interface FetchPlan {
  /** The mode to try first. */
  readonly first: PageFetchMode;
  /** `true` when this page is a probe of plain HTTP while the source is browser-first. */
  readonly probe: boolean;
}

/**
 * The `auto` fetch mode's memory of one source (pure: no I/O, no clock):
 * plain HTTP first; after `fallbacksToPreferBrowser` fallbacks to the
 * browser in a row (or a sample whose photo lists differed) the source goes
 * browser-first, and every `httpRetryEveryPages`-th page probes plain HTTP
 * again, which a page served over HTTP ends. One in `verifyEveryPages` pages
 * served over HTTP is to be re-read in the browser ({@link httpServed}).
 * Not safe for use from several threads; one Node event loop is fine.
 *
 * @example
 * ```ts
 * const planner = new FetchModePlanner({ fallbacksToPreferBrowser: 2 });
 * planner.plan(); // { first: 'http', probe: false }
 * planner.fellBack(); planner.fellBack();
 * planner.plan().first; // 'browser'
 * ```
 */
export class FetchModePlanner {
  private readonly options: ResolvedAutoFetchOptions;
  private fallbacksInRow = 0;
  private browserFirst = false;
  private pagesBrowserFirst = 0;
  private httpPages = 0;

  /**
   * @param options - thresholds; see {@link AutoFetchOptions}
   * @throws ZodError when an option is out of range (callers parse them first)
   */
  constructor(options: AutoFetchOptions = {}) {
    this.options = autoFetchOptionsSchema.parse(options);
  }

  /** The mode the source prefers now. */
  get preferred(): PageFetchMode {
    return this.browserFirst ? 'browser' : 'http';
  }

  /**
   * Plans the next page: which mode to try first.
   *
   * @returns the first mode, and whether it is a probe of plain HTTP
   */
  plan(): FetchPlan {
    if (!this.browserFirst) return { first: 'http', probe: false };
    this.pagesBrowserFirst += 1;
    const probe = this.pagesBrowserFirst % this.options.httpRetryEveryPages === 0;
    return { first: probe ? 'http' : 'browser', probe };
  }

  /**
   * Records a page plain HTTP served (the source goes HTTP-first again).
   *
   * @returns `true` when this page is the sample to re-read in the browser and compare
   */
  httpServed(): boolean {
    this.fallbacksInRow = 0;
    this.browserFirst = false;
    this.httpPages += 1;
    const every = this.options.verifyEveryPages;
    return every !== null && this.httpPages % every === 0;
  }

  /** Records a page plain HTTP could not serve (a wall, no data, a gallery only the browser completes). */
  fellBack(): void {
    this.fallbacksInRow += 1;
    if (this.fallbacksInRow >= this.options.fallbacksToPreferBrowser) this.goBrowserFirst();
  }

  /** Records a sample whose photo lists differed between the modes: the source goes browser-first. */
  diverged(): void {
    this.goBrowserFirst();
  }

  private goBrowserFirst(): void {
    if (!this.browserFirst) this.pagesBrowserFirst = 0;
    this.browserFirst = true;
    this.fallbacksInRow = 0;
  }
}

/**
 * Compares two photo lists as the `auto` mode's sample check does: same
 * photos (ids and URLs, every size) in the same order.
 *
 * @param a - one list
 * @param b - the other
 * @returns `null` when they match, else what differs first, e.g. `photo 3: id a vs b`
 */
export function photoListDifference(a: readonly ListingPhoto[], b: readonly ListingPhoto[]): string | null {
  if (a.length !== b.length) return `${a.length} photos vs ${b.length}`;
  for (const [i, p] of a.entries()) {
    const q = b[i];
    if (q === undefined) return `photo ${i}: missing`;
    if (p.photoId !== q.photoId) return `photo ${i}: id ${p.photoId} vs ${q.photoId}`;
    if (p.url !== q.url) return `photo ${i}: URL ${p.url} vs ${q.url}`;
    const sizes = (x: ListingPhoto): string => JSON.stringify(x.variants);
    if (sizes(p) !== sizes(q)) return `photo ${i}: sizes differ`;
  }
  return null;
}

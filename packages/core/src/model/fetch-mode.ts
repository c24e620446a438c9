/**
 * How a scraper fetches listing pages: `http` (a plain HTTP client and the
 * pure parsers, no browser), `browser` (Chromium renders the page) or
 * `auto` (plain HTTP first, Chromium when the answer is a bot wall, lacks
 * the listing data, or the site is marked browser-only). Default `auto`.
 */
export const FETCH_MODES = Object.freeze(['auto', 'http', 'browser'] as const);

/** One of {@link FETCH_MODES}. */
export type FetchMode = (typeof FETCH_MODES)[number];

/** The fetch modes that actually serve a page: `http` or `browser` (`auto` resolves to one of them per page). */
export const PAGE_FETCH_MODES = Object.freeze(['http', 'browser'] as const);

/** One of {@link PAGE_FETCH_MODES}: what served one listing page. */
export type PageFetchMode = (typeof PAGE_FETCH_MODES)[number];

/** The fetch mode of a scraper, worker or job that names none. */
export const DEFAULT_FETCH_MODE: FetchMode = 'auto';

/**
 * Tells whether `value` names a fetch mode (exact, lower case).
 *
 * @param value - any value
 * @returns `true` for `auto`, `http` and `browser`
 */
export function isFetchMode(value: unknown): value is FetchMode {
  return typeof value === 'string' && (FETCH_MODES as readonly string[]).includes(value);
}

/**
 * The light entry of `@phx/scrapers`: defaults a command line shows in its
 * `--help` without loading the scrapers (Playwright, the HTTP client). Also
 * exported by the package's main entry.
 *
 * @packageDocumentation
 */

/** Pages a shared context serves before it is retired, by default (as Crawlee retires a browser after 100 pages). */
export const DEFAULT_RETIRE_CONTEXT_AFTER_PAGES = 100;

import type { Source } from '@phx/core';
import { ScraperError } from './scraper-error.js';

/**
 * The listing page carries its listing data, but in a shape the parser cannot
 * trust: photo arrays emptied while the count that would confirm "no photos"
 * is renamed or gone, photos declared but none listed, a data script that no
 * longer holds what it held. Reading on would report a wrong gallery (often
 * "no photos"), so the page fails instead. Permanent for this page version:
 * save the page and update the parser. Scrapers log it as an error (`page
 * layout changed`) and the worker counts it in `extraction_source_failures_total`.
 */
export class LayoutChangedError extends ScraperError {
  /** Every data path tried and what was found there, in order. */
  readonly pathsTried: readonly string[];

  /**
   * @param url - the page URL
   * @param source - the site
   * @param pathsTried - each path tried with what was found there (at least one)
   * @param options - `cause`: the original error, if any
   */
  constructor(url: string, source: Source, pathsTried: readonly string[], options: { readonly cause?: unknown } = {}) {
    super(
      'LAYOUT_CHANGED',
      `The ${source} page ${url} has listing data the parser cannot trust: ${pathsTried.join('; ')}. ` +
        'The site changed its page layout: save the page (phx-record) and update the parser',
      'permanent',
      { url, source, cause: options.cause },
    );
    this.pathsTried = pathsTried;
  }
}

/** What a page served at a listing URL is instead of a listing. */
export type NonListingPageKind = 'search-results' | 'map' | 'home-page' | 'unknown';

/** What a page that is not a listing is, as {@link NotAListingPageError} reports it. */
export interface NonListingPage {
  /** Kind of page. */
  readonly kind: NonListingPageKind;
  /** What was seen, e.g. `search results with 36 home cards`. */
  readonly seen: string;
}

/**
 * The page served at a listing URL is not a listing detail page: a search
 * results page (with N home cards), a map, the site's home page. Nothing on
 * it is this listing's gallery. Permanent: check the listing URL (the listing
 * may have moved or been merged).
 */
export class NotAListingPageError extends ScraperError {
  /** What the page is. */
  readonly pageKind: NonListingPageKind;
  /** What was seen, e.g. `search results with 36 home cards`. */
  readonly seen: string;

  /**
   * @param url - the page URL
   * @param source - the site
   * @param page - its kind and what was seen on it
   */
  constructor(url: string, source: Source, page: NonListingPage) {
    super(
      'NOT_A_LISTING_PAGE',
      `The ${source} page ${url} is not a listing page: it is ${page.seen}. Check the listing URL (the listing may have moved)`,
      'permanent',
      { url, source },
    );
    this.pageKind = page.kind;
    this.seen = page.seen;
  }
}

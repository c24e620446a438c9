import type { Logger, Source } from '@phx/core';
import { LayoutChangedError, NotAListingPageError, PhotoDataMissingError } from '../errors/index.js';
import type { NonListingPage } from '../errors/index.js';
import type { PageSnapshot, ParsedListing } from '../listing/index.js';

/** The site-specific steps {@link parseListingSnapshot} runs. */
export interface SnapshotSite {
  /** The site. */
  readonly source: Source;
  /** Where a layout change is reported (as the error `page layout changed`). */
  readonly logger: Logger;
  /** The site's pure page parser. */
  readonly parse: (html: string, url: string) => ParsedListing;
  /** What the page is when it is not a listing, or `null`. */
  readonly describeNonListing: (html: string) => NonListingPage | null;
}

/**
 * `true` for the parse failures that the rendered DOM may still answer.
 *
 * @param error - what a parser threw
 * @returns whether it is a {@link PhotoDataMissingError} or a {@link LayoutChangedError}
 */
export function isUnreadable(error: unknown): error is PhotoDataMissingError | LayoutChangedError {
  return error instanceof PhotoDataMissingError || error instanceof LayoutChangedError;
}

/**
 * Parses a page snapshot as every fetch mode does: the HTML as served, then
 * the rendered DOM (when it differs, i.e. in the browser); a page that is
 * another kind of page is named as such; a layout change is logged as an error.
 *
 * @param snapshot - the page as loaded
 * @param site - the site's parser, non-listing check and logger
 * @returns the gallery
 * @throws {@link NotAListingPageError} when the page is another kind of page (search results...)
 * @throws {@link LayoutChangedError} or {@link PhotoDataMissingError} naming every path tried in both versions of the page
 * @throws whatever else the parser throws (e.g. `ListingRemovedError` for `property: null`)
 */
export function parseListingSnapshot(snapshot: PageSnapshot, site: SnapshotSite): ParsedListing {
  const { source } = site;
  const reported = (error: unknown): unknown => {
    if (error instanceof LayoutChangedError) {
      site.logger.error({ source, url: snapshot.finalUrl, code: error.code, pathsTried: error.pathsTried }, 'page layout changed');
    }
    return error;
  };
  try {
    return site.parse(snapshot.html, snapshot.finalUrl);
  } catch (served) {
    if (!isUnreadable(served)) throw served;
    if (snapshot.renderedHtml === snapshot.html) {
      const other = site.describeNonListing(snapshot.html);
      throw reported(other === null ? served : new NotAListingPageError(snapshot.finalUrl, source, other));
    }
    try {
      return site.parse(snapshot.renderedHtml, snapshot.finalUrl);
    } catch (rendered) {
      if (!isUnreadable(rendered)) throw reported(rendered);
      const other = site.describeNonListing(snapshot.html) ?? site.describeNonListing(snapshot.renderedHtml);
      if (other !== null) throw new NotAListingPageError(snapshot.finalUrl, source, other);
      const pathsTried = [...served.pathsTried.map((p) => `served HTML: ${p}`), ...rendered.pathsTried.map((p) => `rendered DOM: ${p}`)];
      if (snapshot.dataMissing !== undefined) pathsTried.push(`waited for ${snapshot.dataMissing}: not there`);
      const layoutChanged = served instanceof LayoutChangedError || rendered instanceof LayoutChangedError;
      const error = layoutChanged
        ? new LayoutChangedError(snapshot.finalUrl, source, pathsTried)
        : new PhotoDataMissingError(snapshot.finalUrl, source, pathsTried);
      throw reported(error);
    }
  }
}

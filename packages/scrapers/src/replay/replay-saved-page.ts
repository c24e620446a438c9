import type { Source } from '@phx/core';
import { BotWallError, LayoutChangedError, PhotoDataMissingError } from '../errors/index.js';
import type { PageSnapshot, ParsedListing } from '../listing/index.js';
import { assertNotRedfinBotWall, parseRedfinListingPage } from '../redfin/redfin-page.js';
import { describeRedfinNonListingPage } from '../redfin/redfin-page-kind.js';
import { assertNotZillowBotWall, parseZillowListingPage } from '../zillow/zillow-page.js';
import { describeZillowNonListingPage } from '../zillow/zillow-page-kind.js';
import { redfinPageUrl } from '../redfin/redfin-page-url.js';
import { zillowPageUrl } from '../zillow/zillow-page-url.js';

/** What a saved file under a detail-page name holds. */
export type SavedDetailPage =
  | { readonly kind: 'listing'; readonly url: string; readonly parsed: ParsedListing }
  | {
      readonly kind: 'other';
      /** The listing id its file name ends with (Zillow zpid, Redfin property id), or `null`. */
      readonly listingId: string | null;
      /** What the page is, e.g. `perimeterx bot wall (px-captcha)` or `search results with 36 home cards`. */
      readonly what: string;
    };

/**
 * Tells what a saved `<site>-hdp-*.html` file is: a listing (its URL and
 * gallery), or another page saved under a detail-page name (a bot wall, a
 * search page, a page without a readable gallery), which replay still
 * serves, under the listing id its file name ends with.
 *
 * @param source - the site folder the file is in
 * @param file - the file path (its name gives the listing id of another page)
 * @param html - the file's text
 * @returns what the page is
 * @throws Error naming the file when a listing page (readable gallery) names no URL
 */
export function readSavedDetailPage(source: Source, file: string, html: string): SavedDetailPage {
  const listingId = /-(\d+)\.html$/.exec(file)?.[1] ?? null;
  const other = (what: string): SavedDetailPage => ({ kind: 'other', listingId, what });
  const snapshot: PageSnapshot = { requestedUrl: 'about:blank', finalUrl: 'about:blank', status: 200, html, renderedHtml: html };
  try {
    if (source === 'zillow') assertNotZillowBotWall(snapshot);
    else assertNotRedfinBotWall(snapshot);
  } catch (error) {
    if (error instanceof BotWallError) return other(`${error.vendor} bot wall (${error.markers.join(', ')})`);
    throw error;
  }
  const url = source === 'zillow' ? zillowPageUrl(html) : redfinPageUrl(html);
  try {
    const parsed = source === 'zillow' ? parseZillowListingPage(html, url ?? file) : parseRedfinListingPage(html, url ?? file);
    if (url === null) throw new Error(`replay: cannot tell the listing URL of ${file} (no canonical link, og:url or listing id)`);
    return { kind: 'listing', url, parsed };
  } catch (error) {
    if (!(error instanceof PhotoDataMissingError) && !(error instanceof LayoutChangedError)) throw error;
    const page = source === 'zillow' ? describeZillowNonListingPage(html) : describeRedfinNonListingPage(html);
    return other(page?.seen ?? `a page without a readable gallery (${error.code})`);
  }
}

/**
 * The listing id of a detail page URL of the site: Zillow's zpid
 * (`…/<zpid>_zpid/`), Redfin's property id (`…/home/<id>`).
 *
 * @param url - a parsed URL
 * @returns the `<source>:<id>` key, or `null` for other URLs
 */
export function listingIdKey(url: URL): string | null {
  const host = url.hostname.toLowerCase();
  const zpid = /\/(\d+)_zpid\/?$/.exec(url.pathname)?.[1];
  if (zpid !== undefined && /(^|\.)zillow\.com$/.test(host)) return `zillow:${zpid}`;
  const home = /\/home\/(\d+)\/?$/.exec(url.pathname)?.[1];
  if (home !== undefined && /(^|\.)redfin\.(com|ca)$/.test(host)) return `redfin:${home}`;
  return null;
}

import { ListingPageScraper } from '../browser/listing-page-scraper.js';
import type { ListingScraperOptions } from '../browser/listing-page-scraper.js';
import type { PageDataReadiness, PageDocument } from '../browser/page-loader.js';
import { ListingNotFoundError } from '@phx/core';
import type { FetchMode, PropertyId } from '@phx/core';
import { scrollZillowGallery } from './zillow-gallery-scroll.js';
import { ListingRemovedError, PhotoDataMissingError } from '../errors/index.js';
import type { PageAccess, PageSnapshot, ParsedListing } from '../listing/index.js';
import type { NonListingPage } from '../errors/index.js';
import { describeZillowNonListingPage } from './zillow-page-kind.js';
import { zillowPageUrl } from './zillow-page-url.js';
import { assertNotZillowBotWall, parseZillowListingPage } from './zillow-page.js';
import { matchZillowSearchResult, parseZillowSearchResults, zillowSearchUrl } from './zillow-search.js';
import { parseZillowListingUrl } from './zillow-urls.js';

const LISTING_PATH = /\/homedetails\/|_zpid\/?$/;

/** The listing data a Zillow page's scripts add, or its rendered gallery with at least one photo tile. */
const ZILLOW_RENDERED_DATA = Object.freeze({
  /** What the page waits for, as errors name it. */
  description: '__NEXT_DATA__ listing data or the rendered gallery [data-testid="hollywood-gallery-images"]',
  /** Run in the page: whether the listing data or gallery is there yet. */
  domReady: (): boolean => {
    const document = (globalThis as unknown as { document: PageDocument }).document;
    const next = document.getElementById('__NEXT_DATA__');
    if (next?.textContent?.includes('gdpClientCache') === true || document.getElementById('hdpApolloPreloadedData') !== null) return true;
    const gallery = document.querySelector('[data-testid="hollywood-gallery-images"]');
    return gallery?.querySelector('img[src*="zillowstatic"], source[srcset*="zillowstatic"], img[data-src*="zillowstatic"]') != null;
  },
});

/**
 * What the address search reads from the page its search URL lands on: the
 * search results in `__NEXT_DATA__`, or the listing data of a home page.
 */
const ZILLOW_SEARCH_DATA: PageDataReadiness = Object.freeze({
  description: '__NEXT_DATA__ search results or listing data',
  servedHtmlReady: (html: string): boolean => parseZillowSearchResults(html) !== null || zillowPageUrl(html) !== null,
  domReady: (): boolean => {
    const document = (globalThis as unknown as { document: PageDocument }).document;
    const text = document.getElementById('__NEXT_DATA__')?.textContent ?? '';
    return text.includes('searchResults') || text.includes('gdpClientCache') || document.getElementById('hdpApolloPreloadedData') !== null;
  },
});

/**
 * Reads the photo gallery of a Zillow home details page over plain HTTP or
 * in Chromium (the fetch mode): the
 * listing's own `property` data (every layout of the last years), else the
 * rendered gallery. Recognises PerimeterX walls, removed listings and pages
 * without photo data, each with its own error.
 *
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * import { BrowserPool } from '@phx/scrapers';
 * declare const property: Property;
 * const pool = new BrowserPool();
 * const zillow = new ZillowScraper({ pool });
 * const { photos } = await zillow.listPhotos({ property, listingUrl: 'https://www.zillow.com/homedetails/…/29423592_zpid/' });
 * await pool.close();
 * ```
 */
export class ZillowScraper extends ListingPageScraper {
  /** Always `zillow`. */
  readonly source = 'zillow' as const;

  /**
   * @param options - the browser pool (borrowed), fetch mode, timeouts and logger
   */
  constructor(options: ListingScraperOptions) {
    super(options, 'zillow-scraper');
  }

  /**
   * Zillow's address search: the `…/homes/<address>_rb/` URL the search box
   * opens. It lands on the home's page when Zillow matches one home, else on
   * a search page whose results are matched against the address. The page is
   * read once its search results or listing data are there, not at `load`
   * (over plain HTTP: its HTML, redirects within Zillow followed).
   */
  protected override searchAddress(
    address: string,
    propertyId: PropertyId,
    signal: AbortSignal | undefined,
    mode: FetchMode,
  ): Promise<string> {
    const searchUrl = zillowSearchUrl(address);
    return this.inMode(mode, propertyId, searchUrl, signal, async (access) => {
      let snapshot: PageSnapshot;
      try {
        snapshot = await access.load(searchUrl, ZILLOW_SEARCH_DATA);
      } catch (error) {
        if (!(error instanceof ListingRemovedError)) throw error;
        throw new ListingNotFoundError('zillow', address, `the address search ${searchUrl} answered ${error.seen}`, { cause: error });
      }
      assertNotZillowBotWall(snapshot);
      if (LISTING_PATH.test(new URL(snapshot.finalUrl).pathname)) return snapshot.finalUrl;
      const results = parseZillowSearchResults(snapshot.html) ?? parseZillowSearchResults(snapshot.renderedHtml);
      if (results === null) {
        const listing = zillowPageUrl(snapshot.html);
        if (listing !== null) return listing; // the search answered with the home's page under the search URL
        throw new PhotoDataMissingError(snapshot.finalUrl, 'zillow', [
          'search page: __NEXT_DATA__ searchPageState.cat1.searchResults.listResults (absent)',
        ]);
      }
      const url = matchZillowSearchResult(address, results);
      if (url === null) {
        throw new ListingNotFoundError(
          'zillow',
          address,
          `the address search ${searchUrl} listed ${results.length} homes, none at this address`,
        );
      }
      return url;
    });
  }

  protected override readonly renderedDataReady = ZILLOW_RENDERED_DATA;

  /**
   * A gallery read from the rendered DOM short of the declared count is
   * scrolled until complete or no longer growing (in the browser only: over
   * plain HTTP nothing scrolls, and `auto` reads such a page in the browser).
   */
  protected override async complete(
    access: PageAccess,
    snapshot: PageSnapshot,
    parsed: ParsedListing,
    signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    const short = parsed.declaredPhotoCount !== null && parsed.photos.length < parsed.declaredPhotoCount;
    if (!short || !parsed.dataPath.startsWith('rendered gallery') || access.page === null) return { url: snapshot.finalUrl, parsed };
    return { url: snapshot.finalUrl, parsed: await scrollZillowGallery(access.page, parsed, signal) };
  }

  protected override checkListingUrl(url: string): void {
    parseZillowListingUrl(url);
  }

  protected override assertNotBotWall(snapshot: PageSnapshot): void {
    assertNotZillowBotWall(snapshot);
  }

  protected override assertStillListed(snapshot: PageSnapshot): void {
    if (!LISTING_PATH.test(new URL(snapshot.finalUrl).pathname)) {
      throw new ListingRemovedError(snapshot.requestedUrl, 'zillow', snapshot.status, `redirected to ${snapshot.finalUrl}`);
    }
  }

  protected override describeNonListing(html: string): NonListingPage | null {
    return describeZillowNonListingPage(html);
  }

  protected override parse(html: string, url: string): ParsedListing {
    return parseZillowListingPage(html, url);
  }
}

import { ListingPageScraper } from '../browser/listing-page-scraper.js';
import type { ListingScraperOptions } from '../browser/listing-page-scraper.js';
import { ListingRemovedError } from '../errors/index.js';
import type { PageSnapshot, ParsedListing } from '../listing/index.js';
import { assertNotZillowBotWall, parseZillowListingPage } from './zillow-page.js';
import { parseZillowListingUrl } from './zillow-urls.js';

/**
 * Reads the photo gallery of a Zillow home details page in Chromium: the
 * listing's own `property` data (every layout of the last years), else the
 * rendered gallery. Recognises PerimeterX walls, removed listings and pages
 * without photo data, each with its own error.
 *
 * @example
 * ```ts
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
   * @param options - the browser pool (borrowed), timeouts and logger
   */
  constructor(options: ListingScraperOptions) {
    super(options, 'zillow-scraper');
  }

  protected override checkListingUrl(url: string): void {
    parseZillowListingUrl(url);
  }

  protected override assertNotBotWall(snapshot: PageSnapshot): void {
    assertNotZillowBotWall(snapshot);
  }

  protected override assertStillListed(snapshot: PageSnapshot): void {
    if (!/\/homedetails\/|_zpid\/?$/.test(new URL(snapshot.finalUrl).pathname)) {
      throw new ListingRemovedError(snapshot.requestedUrl, 'zillow', snapshot.status, `redirected to ${snapshot.finalUrl}`);
    }
  }

  protected override parse(html: string, url: string): ParsedListing {
    return parseZillowListingPage(html, url);
  }
}

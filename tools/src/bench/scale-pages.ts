import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toPropertyId } from '@phx/core';
import type { ListingPhotos, PhotoScraper, Property, PropertyId, ScrapeRequest } from '@phx/core';
import { parseZillowListingPage, parseZillowListingUrl } from '@phx/scrapers/internal';

/** The saved Zillow page the scale benchmark replays (42 photos), under the fixtures' `listings/zillow`. */
export const SCALE_SAVED_PAGE = { file: 'zillow-hdp-sandy-springs-ga-2146993218.html', zpid: '2146993218' } as const;

/** First zpid of the generated listings: above every real zpid in the fixtures, so none collides with a saved page. */
const FIRST_ZPID = 9_000_000_000;

/**
 * A saved Zillow listing page and the listings made from it: listing `i`
 * has its own zpid (in its URL and, rewritten, in its page), and its page is
 * the saved page otherwise unchanged, made when asked (nothing is kept per
 * listing, so 10,000 listings cost one page of memory).
 */
export class DistinctZillowPages {
  /**
   * @param savedHtml - the saved page's HTML
   * @param savedZpid - the zpid the saved page carries (every occurrence is rewritten)
   */
  constructor(
    private readonly savedHtml: string,
    private readonly savedZpid: string,
  ) {}

  /**
   * Reads {@link SCALE_SAVED_PAGE} from a fixtures folder.
   *
   * @param fixturesDir - the shared fixtures folder (holding `listings/zillow`)
   * @returns the page set
   * @throws Error (ENOENT) when the saved page is not there
   */
  static async fromFixtures(fixturesDir: string): Promise<DistinctZillowPages> {
    const html = await readFile(join(fixturesDir, 'listings/zillow', SCALE_SAVED_PAGE.file), 'utf8');
    return new DistinctZillowPages(html, SCALE_SAVED_PAGE.zpid);
  }

  /**
   * @param index - listing number, 0 or more
   * @returns the listing's zpid, distinct for every index
   */
  zpid(index: number): string {
    return String(FIRST_ZPID + index);
  }

  /**
   * @param count - how many properties
   * @returns `count` properties, each with its own Zillow listing URL (`…/<zpid>_zpid/`)
   */
  properties(count: number): Property[] {
    return Array.from({ length: count }, (_, i) => ({
      id: toPropertyId(`scale-${i}`),
      address: `${i + 1} Bench Rd, Phoenix, AZ 85001`,
      listingUrls: { zillow: `https://www.zillow.com/homedetails/${i + 1}-Bench-Rd-Phoenix-AZ-85001/${this.zpid(i)}_zpid/` },
    }));
  }

  /**
   * @param zpid - a listing's zpid
   * @returns the saved page's HTML with every occurrence of its zpid replaced by `zpid`
   */
  pageFor(zpid: string): string {
    return this.savedHtml.replaceAll(this.savedZpid, zpid);
  }
}

/**
 * A Zillow `PhotoScraper` that reads the generated replayed page of the URL
 * with the scrapers' own parser (`parseZillowListingPage`, the one the
 * browser path runs on the served HTML), without a browser: for job-layer
 * benchmarks too large for Chromium on this machine.
 */
export class ReplayedPageScraper implements PhotoScraper {
  readonly source = 'zillow' as const;

  /** @param pages - the generated pages */
  constructor(private readonly pages: DistinctZillowPages) {}

  /**
   * @param request - property and listing URL (else the property's Zillow URL)
   * @returns the page's gallery
   * @throws the scrapers' `UnsupportedUrlError` for a URL that is not a Zillow listing, and what `parseZillowListingPage` throws
   */
  async listPhotos(request: ScrapeRequest): Promise<ListingPhotos> {
    request.signal?.throwIfAborted();
    const url = request.listingUrl ?? request.property.listingUrls.zillow ?? '';
    const { zpid } = parseZillowListingUrl(url);
    const parsed = parseZillowListingPage(this.pages.pageFor(zpid), url);
    return { source: 'zillow', listingUrl: url, photos: parsed.photos, declaredPhotoCount: parsed.declaredPhotoCount };
  }

  /** Nothing kept per property. */
  async releaseProperty(_propertyId: PropertyId): Promise<void> {}
}

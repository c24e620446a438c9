import { throwIfCancelled } from '@phx/core';
import type { Page } from 'playwright-core';
import { ListingPageScraper } from '../browser/listing-page-scraper.js';
import type { ListingScraperOptions } from '../browser/listing-page-scraper.js';
import { ListingRemovedError } from '../errors/index.js';
import type { PageSnapshot, ParsedListing } from '../listing/index.js';
import { assertNotRedfinBotWall, parseRedfinAboveTheFoldJson, parseRedfinListingPage } from './redfin-page.js';
import { REDFIN_ABOVE_THE_FOLD_PATH } from './redfin-server-state.js';
import { parseRedfinListingUrl } from './redfin-urls.js';

/**
 * Reads the photo gallery of a Redfin home page in Chromium: the server
 * state's `aboveTheFold` data, else the rendered media browser. When the page
 * rendered only part of the gallery, asks the same `aboveTheFold` API the
 * page uses (from inside the page, with its cookies) for the whole list.
 * Recognises AWS WAF challenges, removed listings and pages without photo
 * data, each with its own error.
 *
 * @example
 * ```ts
 * const pool = new BrowserPool();
 * const redfin = new RedfinScraper({ pool });
 * const { photos } = await redfin.listPhotos({ property, listingUrl: 'https://www.redfin.com/AZ/Phoenix/…/home/12345678' });
 * await pool.close();
 * ```
 */
export class RedfinScraper extends ListingPageScraper {
  /** Always `redfin`. */
  readonly source = 'redfin' as const;

  /**
   * @param options - the browser pool (borrowed), timeouts and logger
   */
  constructor(options: ListingScraperOptions) {
    super(options, 'redfin-scraper');
  }

  protected override checkListingUrl(url: string): void {
    parseRedfinListingUrl(url);
  }

  protected override assertNotBotWall(snapshot: PageSnapshot): void {
    assertNotRedfinBotWall(snapshot);
  }

  protected override assertStillListed(snapshot: PageSnapshot): void {
    if (!/\/home\/\d+\/?$/.test(new URL(snapshot.finalUrl).pathname)) {
      throw new ListingRemovedError(snapshot.requestedUrl, 'redfin', snapshot.status, `redirected to ${snapshot.finalUrl}`);
    }
  }

  protected override parse(html: string, url: string): ParsedListing {
    return parseRedfinListingPage(html, url);
  }

  protected override async complete(
    page: Page,
    snapshot: PageSnapshot,
    parsed: ParsedListing,
    signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    const declared = parsed.declaredPhotoCount;
    if (declared === null || declared <= parsed.photos.length) return { url: snapshot.finalUrl, parsed };
    const { propertyId } = parseRedfinListingUrl(snapshot.finalUrl);
    const apiPath = `${REDFIN_ABOVE_THE_FOLD_PATH}?propertyId=${propertyId}&accessLevel=1`;
    const body = await page
      .evaluate(async (path) => {
        const res = await fetch(path, { credentials: 'include' });
        return res.ok ? res.text() : null;
      }, apiPath)
      .catch(() => null);
    throwIfCancelled(signal);
    if (body === null) {
      this.logger.debug({ url: snapshot.finalUrl, apiPath }, 'aboveTheFold API gave nothing; keeping the rendered gallery');
      return { url: snapshot.finalUrl, parsed };
    }
    try {
      const full = parseRedfinAboveTheFoldJson(body, new URL(apiPath, snapshot.finalUrl).href);
      if (full.photos.length <= parsed.photos.length) return { url: snapshot.finalUrl, parsed };
      return {
        url: snapshot.finalUrl,
        parsed: { ...full, declaredPhotoCount: declared, address: full.address ?? parsed.address, listingId: propertyId },
      };
    } catch {
      return { url: snapshot.finalUrl, parsed };
    }
  }
}

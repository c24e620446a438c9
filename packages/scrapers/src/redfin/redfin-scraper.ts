import { ListingNotFoundError, throwIfCancelled } from '@phx/core';
import type { FetchMode, PropertyId } from '@phx/core';
import { ListingPageScraper } from '../browser/listing-page-scraper.js';
import type { ListingScraperOptions } from '../browser/listing-page-scraper.js';
import type { PageDataReadiness, PageDocument } from '../browser/page-loader.js';
import { ListingRemovedError, PhotoDataMissingError } from '../errors/index.js';
import { readRedfinApiAnswer } from './redfin-api-answer.js';
import { matchRedfinAutocomplete, parseRedfinAutocomplete, redfinAutocompleteUrl, redfinHostForAddress } from './redfin-autocomplete.js';
import type { PageAccess, PageSnapshot, ParsedListing } from '../listing/index.js';
import type { NonListingPage } from '../errors/index.js';
import { describeRedfinNonListingPage } from './redfin-page-kind.js';
import { assertNotRedfinBotWall, parseRedfinAboveTheFoldJson, parseRedfinListingPage } from './redfin-page.js';
import { REDFIN_ABOVE_THE_FOLD_PATH } from './redfin-server-state.js';
import { parseRedfinListingUrl } from './redfin-urls.js';

/** The server state a Redfin page's scripts set, or its rendered media browser with at least one photo. */
const REDFIN_RENDERED_DATA = Object.freeze({
  /** What the page waits for, as errors name it. */
  description: '__reactServerState.InitialContext or the rendered media browser [data-rf-test-id="mediaBrowser"]',
  /** Run in the page: whether the listing data or media browser is there yet. */
  domReady: (): boolean => {
    const document = (globalThis as unknown as { document: PageDocument }).document;
    const state = (globalThis as { __reactServerState?: { InitialContext?: unknown } }).__reactServerState;
    return state?.InitialContext !== undefined || document.querySelector('[data-rf-test-id="mediaBrowser"] img') !== null;
  },
});

/** The home page the address search asks the autocomplete API from: its HTML (origin and cookies) is all it needs. */
const REDFIN_HOME_READY: PageDataReadiness = Object.freeze({
  description: 'the home page HTML',
  servedHtmlReady: (): boolean => true,
  domReady: (): boolean => true,
});

/**
 * Reads the photo gallery of a Redfin home page over plain HTTP or in
 * Chromium (the fetch mode): the server state's `aboveTheFold` data, else
 * the rendered media browser. When the page rendered only part of the
 * gallery, asks the same `aboveTheFold` API the page uses (from inside the
 * page in the browser, a plain GET over HTTP, with the property's cookies)
 * for the whole list.
 * Recognises AWS WAF challenges, removed listings and pages without photo
 * data, each with its own error.
 *
 * The site's data APIs (`aboveTheFold`, location search) are typed by
 * `readRedfinApiAnswer`: a blocked answer (403/202/405, WAF challenge)
 * is a `BotWallError` that counts towards the source's circuit breaker; 429
 * and 503 are a transient `RateLimitedError` retried no sooner than its
 * `Retry-After`; an HTML page where JSON is expected is a transient
 * `UnexpectedContentError`. Each fails the whole attempt (the rendered
 * part of the gallery is not kept as if it were all): the guard retries it,
 * and when the retries run out the property fails with that error, so the
 * job reports the reason and may try the property again later. Only an API
 * that answers without a gallery for the listing (404...) leaves the
 * rendered gallery, which the declared count then reports as `partial`.
 *
 * @example
 * ```ts
 * import type { Property } from '@phx/core';
 * import { BrowserPool } from '@phx/scrapers';
 * declare const property: Property;
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
   * @param options - the browser pool (borrowed), fetch mode, timeouts and logger
   */
  constructor(options: ListingScraperOptions) {
    super(options, 'redfin-scraper');
  }

  /**
   * Redfin's address search: opens the site's home page, then asks the
   * location autocomplete API its search box uses (from inside the page,
   * with its cookies) and picks the row of the address. The home page is
   * used once its HTML has arrived (its origin and cookies are all the API
   * call needs), not at `load`. Over plain HTTP both are GETs with the
   * property's cookies.
   */
  protected override searchAddress(
    address: string,
    propertyId: PropertyId,
    signal: AbortSignal | undefined,
    mode: FetchMode,
  ): Promise<string> {
    const host = redfinHostForAddress(address);
    const home = `https://${host}/`;
    const apiUrl = redfinAutocompleteUrl(address);
    return this.inMode(mode, propertyId, home, signal, async (access) => {
      let snapshot: PageSnapshot;
      try {
        snapshot = await access.load(home, REDFIN_HOME_READY);
      } catch (error) {
        if (!(error instanceof ListingRemovedError)) throw error;
        throw new ListingNotFoundError('redfin', address, `the address search could not start: ${home} answered ${error.seen}`, {
          cause: error,
        });
      }
      assertNotRedfinBotWall(snapshot);
      await this.limiter.acquire(apiUrl, signal);
      const answer = readRedfinApiAnswer(apiUrl, 'location-autocomplete', await access.getApi(apiUrl, 'location-autocomplete'));
      throwIfCancelled(signal);
      if (answer.status !== 200)
        throw new ListingNotFoundError('redfin', address, `the location autocomplete ${apiUrl} answered HTTP ${answer.status}`);
      let rows;
      try {
        rows = parseRedfinAutocomplete(answer.body);
      } catch (cause) {
        throw new PhotoDataMissingError(
          apiUrl,
          'redfin',
          ['location-autocomplete: payload.exactMatch / payload.sections[].rows (absent)'],
          { cause },
        );
      }
      const url = matchRedfinAutocomplete(address, rows, host);
      if (url === null) {
        throw new ListingNotFoundError(
          'redfin',
          address,
          `the location autocomplete ${apiUrl} offered ${rows.length} places, no home at this address`,
        );
      }
      return url;
    });
  }

  protected override readonly renderedDataReady = REDFIN_RENDERED_DATA;

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

  protected override describeNonListing(html: string): NonListingPage | null {
    return describeRedfinNonListingPage(html);
  }

  protected override parse(html: string, url: string): ParsedListing {
    return parseRedfinListingPage(html, url);
  }

  /**
   * Asks the `aboveTheFold` API for the whole gallery when the page shows
   * fewer photos than it declares (from inside the page in the browser, a
   * plain GET with the property's cookies over HTTP).
   *
   * @throws `BotWallError`, `RateLimitedError`, `UnexpectedContentError`, `NavigationError` when the API
   *   answers blocked, rate limited, with HTML or 5xx (see `readRedfinApiAnswer`): the attempt fails
   */
  protected override async complete(
    access: PageAccess,
    snapshot: PageSnapshot,
    parsed: ParsedListing,
    signal: AbortSignal | undefined,
  ): Promise<{ readonly url: string; readonly parsed: ParsedListing }> {
    const declared = parsed.declaredPhotoCount;
    if (declared === null || declared <= parsed.photos.length) return { url: snapshot.finalUrl, parsed };
    const { propertyId } = parseRedfinListingUrl(snapshot.finalUrl);
    const apiPath = `${REDFIN_ABOVE_THE_FOLD_PATH}?propertyId=${propertyId}&accessLevel=1`;
    const apiUrl = new URL(apiPath, snapshot.finalUrl).href;
    await this.limiter.acquire(apiUrl, signal);
    // Blocked, rate-limited and unexpected answers throw: the attempt fails and the guard retries or counts it.
    const answer = readRedfinApiAnswer(apiUrl, 'aboveTheFold', await access.getApi(apiUrl, 'aboveTheFold'));
    throwIfCancelled(signal);
    if (answer.status !== 200) {
      this.logger.warn(
        { url: snapshot.finalUrl, apiUrl, status: answer.status },
        'aboveTheFold API has no gallery for the listing; keeping the rendered one',
      );
      return { url: snapshot.finalUrl, parsed };
    }
    try {
      const full = parseRedfinAboveTheFoldJson(answer.body, apiUrl);
      if (full.photos.length <= parsed.photos.length) return { url: snapshot.finalUrl, parsed };
      return {
        url: snapshot.finalUrl,
        parsed: { ...full, declaredPhotoCount: declared, address: full.address ?? parsed.address, listingId: propertyId },
      };
    } catch (error) {
      // The rendered gallery still stands; the shortfall stays visible in declaredPhotoCount.
      this.logger.warn(
        { url: snapshot.finalUrl, apiUrl, err: error instanceof Error ? error.message : String(error) },
        'aboveTheFold API answer could not be read; keeping the rendered gallery',
      );
      return { url: snapshot.finalUrl, parsed };
    }
  }
}

import type { Source } from '@phx/core';
import { parseRedfinListingUrl } from '../redfin/redfin-urls.js';
import { parseZillowListingUrl } from '../zillow/zillow-urls.js';

/**
 * Reads the listing id of a listing URL of a given site with the sites' URL
 * readers: one listing however its URL is written (another address slug,
 * leading zeros).
 *
 * @param source - the site the URL should be of
 * @param url - the listing page URL, e.g. `https://www.zillow.com/homedetails/…/29384654_zpid/`
 * @returns the listing id (Zillow zpid, Redfin property id; digits without leading zeros), or `null` when `url` is not a
 *   listing URL of `source`
 */
export function listingIdOf(source: Source, url: string): string | null {
  try {
    const id = source === 'zillow' ? parseZillowListingUrl(url).zpid : parseRedfinListingUrl(url).propertyId;
    // Both sites' ids are numbers: 029384654_zpid is zpid 29384654, one listing however it is written.
    return id.replace(/^0+(?=\d)/, '');
  } catch {
    return null;
  }
}

/** What each site calls its listing id, in messages. */
export const LISTING_ID_NAMES: Readonly<Record<Source, string>> = Object.freeze({ zillow: 'zpid', redfin: 'Redfin id' });

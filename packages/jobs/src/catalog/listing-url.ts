import { InvalidInputError, MAX_LISTING_URL_LENGTH, assertWithinLimits, limitIssue, urlWithoutCredentials } from '@phx/core';
import type { Source } from '@phx/core';
import { listingIdOf, REDFIN_PAGE_HOSTS, ZILLOW_PAGE_HOSTS } from '@phx/scrapers/urls';

export { listingIdOf };

const hostList = (hosts: readonly string[]): string => [...hosts].sort((a, b) => a.length - b.length || a.localeCompare(b)).join(', ');

/**
 * The sites whose listing URLs the catalog reads, in error messages: every
 * host the scrapers' URL readers accept (e.g. `redfin.ca` too), each site
 * with the shape of its listing path.
 */
export const SUPPORTED_LISTING_SITES =
  `${hostList(ZILLOW_PAGE_HOSTS)} (…/homedetails/<slug>/<zpid>_zpid/); ` + `${hostList(REDFIN_PAGE_HOSTS)} (…/home/<id>)`;

/**
 * The form of a listing URL the catalog stores and jobs open: without user
 * info (`user:password@`) and fragment, which are never part of a listing's
 * address and must not be kept (credentials) or vary its record. A URL that
 * has neither comes back exactly as given (its query and spelling are kept);
 * see core's `urlWithoutCredentials`.
 *
 * @param url - a listing page URL, as given
 * @returns the URL without user info and fragment
 */
export function storableListingUrl(url: string): string {
  return urlWithoutCredentials(url, { dropFragment: true });
}

/**
 * Tells which site a listing URL is of, from its host and path.
 *
 * @param url - a listing page URL, e.g. `https://www.zillow.com/homedetails/…/29384654_zpid/`
 * @returns the site and the listing id
 * @throws InvalidInputError (`BAD_USER_INPUT`) naming the URL and the supported sites when it is a listing URL of neither
 * @throws core's `InputTooLongError` (`BAD_USER_INPUT`) when it is longer than `MAX_LISTING_URL_LENGTH` characters
 */
export function readListingUrl(url: string): { readonly source: Source; readonly listingId: string } {
  assertWithinLimits('listing URL', [limitIssue('url', url, MAX_LISTING_URL_LENGTH)]);
  for (const source of ['zillow', 'redfin'] as const) {
    const listingId = listingIdOf(source, url);
    if (listingId !== null) return { source, listingId };
  }
  throw new InvalidInputError('listing URL', [
    { path: 'url', message: `"${url}" is not a listing URL of a supported site; supported: ${SUPPORTED_LISTING_SITES}` },
  ]);
}

/**
 * Reads the street address a listing URL names in its slug, e.g.
 * `3001 Garwood St Austin TX 78702` from Zillow's `/homedetails/3001-Garwood-St-Austin-TX-78702/…`, or
 * `500 Tower Rd Unit 5B, Phoenix, AZ 85001` from Redfin's `/AZ/Phoenix/500-Tower-Rd-85001/unit-5B/home/…`.
 *
 * @param url - a listing URL {@link readListingUrl} accepts
 * @returns the address (words of the slug joined by spaces), or `null` when the URL has no slug
 */
export function addressFromListingUrl(url: string): string | null {
  const path = new URL(url).pathname.split('/').filter((part) => part !== '');
  const zillow = path.indexOf('homedetails');
  if (zillow !== -1) {
    const slug = path[zillow + 1];
    return slug === undefined || /_zpid$/.test(slug) ? null : slug.replace(/-/g, ' ');
  }
  // Redfin: /<state>/<city>/<street-zip>[/unit-<unit>]/home/<id>
  const [state, city, street, unitPart] = path;
  if (state === undefined || city === undefined || street === undefined || street === 'home') return null;
  const words = street.split('-');
  const zip = /^\d{5}$/.test(words.at(-1) ?? '') ? words.pop() : undefined;
  // Two units of one building are two properties: the unit stays in the address (and so in the id).
  const unit = unitPart !== undefined && /^unit-./i.test(unitPart) ? ` Unit ${unitPart.slice(5).replace(/-/g, ' ')}` : '';
  return `${words.join(' ')}${unit}, ${city.replace(/-/g, ' ')}, ${[state, zip].filter(Boolean).join(' ')}`;
}

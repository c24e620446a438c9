import { canonicalOrOgUrl, stringAt } from '../listing/index.js';
import { findZillowProperty } from './zillow-property-data.js';

/**
 * Finds the real URL of a saved Zillow detail page: its canonical link, else
 * `og:url`, else the property's `hdpUrl`, else one built from the address and
 * zpid.
 *
 * @param html - the saved page
 * @returns the https URL, or `null` when the page names none
 */
export function zillowPageUrl(html: string): string | null {
  const fromMeta = canonicalOrOgUrl(html);
  if (fromMeta !== null && /\/\d+_zpid\/?$/.test(fromMeta)) return fromMeta;
  const lookup = findZillowProperty(html);
  if (!lookup.found) return null;
  const hdpUrl = stringAt(lookup.property, 'hdpUrl');
  if (hdpUrl !== undefined && /^\/homedetails\/.+_zpid\/?$/.test(hdpUrl)) return new URL(hdpUrl, 'https://www.zillow.com').href;
  const zpid = lookup.property['zpid'];
  const street = stringAt(lookup.property, 'streetAddress');
  if ((typeof zpid !== 'number' && typeof zpid !== 'string') || street === undefined) return null;
  const slug = [street, stringAt(lookup.property, 'city'), stringAt(lookup.property, 'state'), stringAt(lookup.property, 'zipcode')]
    .filter((p): p is string => p !== undefined)
    .join(' ')
    .replace(/[^A-Za-z0-9]+/g, '-');
  return `https://www.zillow.com/homedetails/${slug}/${zpid}_zpid/`;
}

import { stringAt } from '../listing/index.js';
import { findZillowProperty } from '../zillow/zillow-property-data.js';

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

/**
 * Finds the real URL of a saved Redfin detail page: its canonical link, else
 * `og:url`, else the Redfin home URL the page links to most often (a rendered
 * page links to itself from its navigation bar).
 *
 * @param html - the saved page
 * @returns the https URL, or `null` when the page names none
 */
export function redfinPageUrl(html: string): string | null {
  const fromMeta = canonicalOrOgUrl(html);
  if (fromMeta !== null && /\/home\/\d+\/?$/.test(fromMeta)) return fromMeta;
  const counts = new Map<string, number>();
  for (const m of html.matchAll(/https:\/\/www\.redfin\.(?:com|ca)\/[^"'#?\s<>]*\/home\/\d+/g)) {
    counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [url, count] of counts) {
    if (count > bestCount) [best, bestCount] = [url, count];
  }
  return best;
}

function canonicalOrOgUrl(html: string): string | null {
  const canonical = /<link\b[^>]*\brel=["']canonical["'][^>]*\bhref=["']([^"']+)["']/i.exec(html)?.[1];
  const og = /<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']([^"']+)["']/i.exec(html)?.[1];
  const url = canonical ?? og;
  return url !== undefined && url.startsWith('https://') ? url : null;
}

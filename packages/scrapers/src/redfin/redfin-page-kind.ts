import { arrayAt, recordAt } from '../listing/index.js';
import type { NonListingPage } from '../errors/index.js';
import { cachedApiBody, readRedfinDataCache } from './redfin-server-state.js';

const GIS_PATH = '/stingray/api/gis?';
const CARD_RE = /class=["'][^"']*\bMapHomeCardReact\b/g;

/**
 * Tells what a Redfin page is when it is not a home page: a map search
 * page, from the `gis` search results in its server state (server rendered)
 * or from its rendered home cards.
 *
 * @param html - page HTML (as served or rendered)
 * @returns the kind and what was seen, or `null` when the page does not look like a known non-listing page
 */
export function describeRedfinNonListingPage(html: string): NonListingPage | null {
  const cache = readRedfinDataCache(html);
  if (cache.found) {
    const gis = cachedApiBody(cache.dataCache, GIS_PATH.slice(0, -1));
    const homes = arrayAt(recordAt(gis?.body, 'payload'), 'homes');
    if (homes !== undefined)
      return { kind: 'search-results', seen: `search results with ${homes.length} homes on a map (server state ${GIS_PATH}…)` };
  }
  const cards = [...html.matchAll(CARD_RE)].length;
  if (cards > 0) return { kind: 'search-results', seen: `search results with ${cards} home cards (rendered map home cards)` };
  return null;
}

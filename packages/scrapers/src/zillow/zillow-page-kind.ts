import type { NonListingPage } from '../errors/index.js';
import { parseZillowSearchResults } from './zillow-search.js';

const CARD_RE = /data-test(?:id)?=["']property-card["']/g;

/**
 * Tells what a Zillow page is when it is not a home details page: a search
 * results page, from its `__NEXT_DATA__` `searchPageState` results (server
 * rendered) or from its rendered property cards.
 *
 * @param html - page HTML (as served or rendered)
 * @returns the kind and what was seen, or `null` when the page does not look like a known non-listing page
 */
export function describeZillowNonListingPage(html: string): NonListingPage | null {
  const results = parseZillowSearchResults(html);
  if (results !== null)
    return { kind: 'search-results', seen: `search results with ${results.length} home cards (__NEXT_DATA__ searchPageState)` };
  const cards = new Set<number>();
  // data-test and data-testid name the same card; count cards once, by the tag they sit on.
  for (const m of html.matchAll(CARD_RE)) cards.add(html.lastIndexOf('<', m.index));
  if (cards.size > 0) return { kind: 'search-results', seen: `search results with ${cards.size} home cards (rendered property cards)` };
  return null;
}

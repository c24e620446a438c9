import { arrayAt, isRecord, isSameAddress, parseJsonDeep, recordAt, scriptTextById, stringAt } from '../listing/index.js';

/** One home of a Zillow search result list. */
export interface ZillowSearchResult {
  /** Zillow's property id (a lat/long pair for building pages). */
  readonly zpid: string;
  /** The address as Zillow shows it. */
  readonly address: string;
  /** Absolute URL of the home's page (`/homedetails/…_zpid/` for a single home, `/b/…` for a building). */
  readonly detailUrl: string;
}

/**
 * The URL a browser lands on when a person types an address into Zillow's
 * search box: `https://www.zillow.com/homes/<address>_rb/`. Zillow answers
 * it with the home's page when one home matches, else with a search page.
 *
 * @param address - a street address
 * @returns the search URL
 */
export function zillowSearchUrl(address: string): string {
  const slug = address
    .trim()
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `https://www.zillow.com/homes/${slug}_rb/`;
}

function resultsOf(root: unknown): readonly unknown[] | undefined {
  const direct = recordAt(recordAt(root, 'cat1'), 'searchResults');
  if (direct !== undefined) return arrayAt(direct, 'listResults');
  const state = recordAt(recordAt(recordAt(root, 'props'), 'pageProps'), 'searchPageState');
  return arrayAt(recordAt(recordAt(state, 'cat1'), 'searchResults'), 'listResults');
}

/**
 * Reads the homes of a Zillow search page (`__NEXT_DATA__` →
 * `searchPageState.cat1.searchResults.listResults`) or of a search API body
 * (`cat1.searchResults.listResults`).
 *
 * @param body - the page HTML or the API JSON
 * @returns the homes in page order; `null` when the body holds no search results at all (not a search page)
 */
export function parseZillowSearchResults(body: string): readonly ZillowSearchResult[] | null {
  const nextData = scriptTextById(body, '__NEXT_DATA__');
  let root: unknown;
  try {
    root = parseJsonDeep(nextData ?? body, 1);
  } catch {
    return null;
  }
  const list = resultsOf(root);
  if (list === undefined) return null;
  const results: ZillowSearchResult[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const detailUrl = stringAt(item, 'detailUrl');
    const address = stringAt(item, 'address');
    const zpid = item['zpid'];
    if (detailUrl === undefined || address === undefined || (typeof zpid !== 'string' && typeof zpid !== 'number')) continue;
    results.push({ zpid: String(zpid), address, detailUrl: new URL(detailUrl, 'https://www.zillow.com').href });
  }
  return results;
}

/**
 * Picks the home page of an address among search results: the one result
 * with the same street line (and postal code when both give one) that is a
 * single home's page (`/homedetails/…_zpid/`).
 *
 * @param address - the address searched for
 * @param results - the search results
 * @returns the home's URL, or `null` when none matches
 */
export function matchZillowSearchResult(address: string, results: readonly ZillowSearchResult[]): string | null {
  const hit = results.find((r) => /\/homedetails\/.+_zpid\/?$/.test(new URL(r.detailUrl).pathname) && isSameAddress(address, r.address));
  return hit?.detailUrl ?? null;
}

import { isRecord, parseJsonDeep, recordAt, scriptTextById } from '../listing/index.js';
import type { JsonRecord } from '../listing/index.js';

/** The `property` object of a Zillow detail page and where it was found. */
export type ZillowPropertyLookup =
  | { readonly found: true; readonly property: JsonRecord; readonly dataPath: string }
  | { readonly found: false; readonly removed: boolean; readonly pathsTried: readonly string[] };

const NEXT_DATA_CACHE_PATHS: readonly (readonly string[])[] = Object.freeze([
  Object.freeze(['props', 'pageProps', 'componentProps', 'gdpClientCache']),
  Object.freeze(['props', 'pageProps', 'gdpClientCache']),
]);

/**
 * Finds the listing's `property` object in a Zillow detail page: in
 * `__NEXT_DATA__` under `props.pageProps.componentProps.gdpClientCache` (2024
 * on) or `props.pageProps.gdpClientCache` (2023), a JSON string parsed again
 * whose first value holds `.property`; or, on older pages, in
 * `hdpApolloPreloadedData` → `apiCache`.
 *
 * @param html - page HTML (as served or rendered)
 * @returns the property and its data path, or every path tried with what was
 *   there; `removed: true` when the cache says the property is `null`
 */
export function findZillowProperty(html: string): ZillowPropertyLookup {
  const tried: string[] = [];
  let removed = false;
  const nextText = scriptTextById(html, '__NEXT_DATA__');
  if (nextText === undefined) {
    tried.push('<script id="__NEXT_DATA__"> not found');
  } else {
    const next = safeParse(nextText);
    if (next === undefined) tried.push('__NEXT_DATA__ is not valid JSON');
    const search = isRecord(next) && valueAtPath(next, ['props', 'pageProps', 'searchPageState']) !== undefined;
    for (const path of NEXT_DATA_CACHE_PATHS) {
      if (next === undefined) break;
      const label = `__NEXT_DATA__ ${path.join('.')}`;
      const raw = valueAtPath(next, path);
      if (raw === undefined) {
        tried.push(`${label} missing`);
        continue;
      }
      const result = propertyFromCache(raw, label);
      if (result.found) return result;
      removed ||= result.removed;
      tried.push(...result.pathsTried);
    }
    if (search && !tried.some((t) => t.includes('gdpClientCache →'))) {
      tried.push('__NEXT_DATA__ props.pageProps.searchPageState present: this is a search results page, not a listing');
    }
  }
  const apolloText = scriptTextById(html, 'hdpApolloPreloadedData');
  if (apolloText === undefined) {
    tried.push('<script id="hdpApolloPreloadedData"> not found');
  } else {
    const apollo = safeParse(apolloText);
    const raw = isRecord(apollo) ? apollo['apiCache'] : undefined;
    if (raw === undefined) {
      tried.push('hdpApolloPreloadedData.apiCache missing');
    } else {
      const result = propertyFromCache(raw, 'hdpApolloPreloadedData.apiCache');
      if (result.found) return result;
      removed ||= result.removed;
      tried.push(...result.pathsTried);
    }
  }
  return { found: false, removed, pathsTried: tried };
}

/**
 * Reads the `property` object out of a query cache (`gdpClientCache` or
 * `apiCache`): a map from query names (which change often) to results. Takes
 * the first value that has a `property` object, preferring one with photos.
 */
function propertyFromCache(raw: unknown, label: string): ZillowPropertyLookup {
  const cache = typeof raw === 'string' ? safeParse(raw) : raw;
  if (!isRecord(cache)) {
    return { found: false, removed: false, pathsTried: [`${label} is not a JSON object (or a JSON string of one)`] };
  }
  const entries = Object.entries(cache);
  if (entries.length === 0) return { found: false, removed: false, pathsTried: [`${label} is empty`] };
  const withProperty = entries.filter(([, v]) => recordAt(v, 'property') !== undefined);
  const best = withProperty.find(([, v]) => hasPhotoArray(recordAt(v, 'property'))) ?? withProperty[0];
  if (best !== undefined) {
    const property = recordAt(best[1], 'property');
    if (property !== undefined) {
      return { found: true, property, dataPath: `${label} → "${shortKey(best[0])}".property` };
    }
  }
  const nullProperty = entries.some(([, v]) => isRecord(v) && v['property'] === null);
  const firstKey = shortKey(entries[0]?.[0] ?? '');
  return {
    found: false,
    removed: nullProperty,
    pathsTried: [
      nullProperty ? `${label} → "${firstKey}".property is null` : `${label} → no value has a .property object (first key "${firstKey}")`,
    ],
  };
}

function hasPhotoArray(property: JsonRecord | undefined): boolean {
  if (property === undefined) return false;
  return ['responsivePhotos', 'originalPhotos', 'photos'].some((k) => Array.isArray(property[k]));
}

function shortKey(key: string): string {
  const brace = key.indexOf('{');
  return brace > 0 ? `${key.slice(0, brace)}{…}` : key;
}

function valueAtPath(root: unknown, path: readonly string[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (!isRecord(v)) return undefined;
    v = v[k];
  }
  return v;
}

function safeParse(text: string): unknown {
  try {
    return parseJsonDeep(text);
  } catch {
    return undefined;
  }
}

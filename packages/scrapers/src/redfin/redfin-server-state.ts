import { isRecord, parseJsonDeep, recordAt, sliceJsonValue, stringAt } from '../listing/index.js';
import type { JsonRecord } from '../listing/index.js';

/** The API path whose body holds the photo gallery. */
export const REDFIN_ABOVE_THE_FOLD_PATH = '/stingray/api/home/details/aboveTheFold';
/** The API path prefix whose body holds photo captions and tags. */
export const REDFIN_PHOTO_TAGS_PATH = '/stingray/api/photoTagsAndCaptions/';

/** The server-rendered API cache of a Redfin page, or why it could not be read. */
export type RedfinDataCache =
  { readonly found: true; readonly dataCache: JsonRecord } | { readonly found: false; readonly pathsTried: readonly string[] };

/**
 * Reads `root.__reactServerState.InitialContext` → `ReactServerAgent.cache`
 * → `dataCache` from a Redfin page: a map from API paths to cached responses.
 *
 * @param html - page HTML
 * @returns the data cache, or every path tried
 */
export function readRedfinDataCache(html: string): RedfinDataCache {
  const m = /__reactServerState\.InitialContext\s*=\s*/.exec(html);
  if (m === null) return { found: false, pathsTried: ['root.__reactServerState.InitialContext not found'] };
  const text = sliceJsonValue(html, m.index + m[0].length);
  let context: unknown;
  try {
    context = text === undefined ? undefined : JSON.parse(text);
  } catch {
    context = undefined;
  }
  if (!isRecord(context)) {
    return { found: false, pathsTried: ['__reactServerState.InitialContext is not a JSON object'] };
  }
  const dataCache = recordAt(recordAt(context, 'ReactServerAgent.cache'), 'dataCache');
  if (dataCache === undefined) {
    return { found: false, pathsTried: ['__reactServerState.InitialContext["ReactServerAgent.cache"].dataCache missing'] };
  }
  return { found: true, dataCache };
}

/**
 * Parses a Redfin API body: JSON behind the `{}&&` anti-hijacking prefix.
 *
 * @param text - the body, with or without the prefix
 * @returns the parsed JSON, or `undefined` when it does not parse
 */
export function parseRedfinApiBody(text: string): unknown {
  const trimmed = text.trimStart();
  const json = trimmed.startsWith('{}&&') ? trimmed.slice(4) : trimmed;
  try {
    return parseJsonDeep(json);
  } catch {
    return undefined;
  }
}

/**
 * Finds a cached API response by path in a Redfin data cache.
 *
 * @param dataCache - from {@link readRedfinDataCache}
 * @param pathPrefix - API path or path prefix, e.g. {@link REDFIN_ABOVE_THE_FOLD_PATH}
 * @returns the parsed body of `res.text` and the cache key, or `undefined`
 */
export function cachedApiBody(dataCache: JsonRecord, pathPrefix: string): { readonly key: string; readonly body: unknown } | undefined {
  for (const [key, entry] of Object.entries(dataCache)) {
    if (key !== pathPrefix && !key.startsWith(pathPrefix.endsWith('/') ? pathPrefix : `${pathPrefix}?`)) continue;
    const text = stringAt(recordAt(entry, 'res'), 'text');
    if (text === undefined) return { key, body: undefined };
    return { key, body: parseRedfinApiBody(text) };
  }
  return undefined;
}

import { canonicalOrOgUrl } from '../listing/index.js';

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

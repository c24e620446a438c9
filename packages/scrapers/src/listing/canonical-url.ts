/**
 * The page's own URL as its `<link rel="canonical">` (else `<meta property="og:url">`) names it.
 *
 * @param html - a page's HTML
 * @returns the https URL, or `null` when the page names none (or a non-https one)
 */
export function canonicalOrOgUrl(html: string): string | null {
  const canonical = /<link\b[^>]*\brel=["']canonical["'][^>]*\bhref=["']([^"']+)["']/i.exec(html)?.[1];
  const og = /<meta\b[^>]*\bproperty=["']og:url["'][^>]*\bcontent=["']([^"']+)["']/i.exec(html)?.[1];
  const url = canonical ?? og;
  return url !== undefined && url.startsWith('https://') ? url : null;
}

import type { PhotoVariantRef } from '@phx/core';

/**
 * Names the image format of a photo URL from its extension.
 *
 * @param url - absolute photo URL
 * @returns `jpeg`, `webp`, `png`, `gif`, `avif` or `unknown`
 */
export function formatFromUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'jpg' || ext === 'jpeg') return 'jpeg';
  if (ext === 'webp' || ext === 'png' || ext === 'gif' || ext === 'avif') return ext;
  return 'unknown';
}

/**
 * Orders the sizes of one photo largest first: by width (unknown widths
 * last), then by `rank` (smaller first: a site's larger or preferred rendition when
 * widths are unknown or equal), then JPEG before other formats (JPEG is what
 * every decoder reads), then by URL so that the order is total. Duplicate URLs are dropped.
 *
 * @param variants - sizes with an optional rank (e.g. 0 for uncropped, 1 for cropped)
 * @returns a new array, largest first
 */
export function sortVariantsLargestFirst(variants: readonly (PhotoVariantRef & { readonly rank?: number })[]): PhotoVariantRef[] {
  const seen = new Set<string>();
  const unique = variants.filter((v) => (seen.has(v.url) ? false : (seen.add(v.url), true)));
  unique.sort((a, b) => {
    const wa = a.widthPx ?? -1;
    const wb = b.widthPx ?? -1;
    if (wa !== wb) return wb - wa;
    const ra = a.rank ?? 0;
    const rb = b.rank ?? 0;
    if (ra !== rb) return ra - rb;
    const ja = a.format === 'jpeg' ? 0 : 1;
    const jb = b.format === 'jpeg' ? 0 : 1;
    if (ja !== jb) return ja - jb;
    return a.url < b.url ? -1 : a.url > b.url ? 1 : 0;
  });
  return unique.map((v) => ({ widthPx: v.widthPx, format: v.format, url: v.url }));
}

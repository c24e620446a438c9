/**
 * Parses an HTML `srcset` value.
 *
 * @param srcset - e.g. `https://a/x-cc_ft_192.jpg 192w, https://a/x-cc_ft_384.jpg 384w`
 * @returns each URL with its `w` descriptor (px) or `null`
 */
export function parseSrcset(srcset: string): { url: string; widthPx: number | null }[] {
  return srcset
    .split(/,\s+/)
    .map((part) => part.trim().split(/\s+/))
    .filter((bits) => (bits[0] ?? '').length > 0)
    .map((bits) => {
      const w = /^(\d+)w$/.exec(bits[1] ?? '');
      return { url: bits[0] ?? '', widthPx: w ? Number(w[1]) : null };
    });
}

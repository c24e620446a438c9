/**
 * Parses an HTML `srcset` value.
 *
 * @param srcset - e.g. `https://a/x-cc_ft_192.jpg 192w, https://a/x-cc_ft_384.jpg 384w`
 * @returns each URL with its `w` descriptor (px) or `null`
 */
function parseSrcset(srcset: string): { url: string; widthPx: number | null }[] {
  return srcset
    .split(/,\s+/)
    .map((part) => part.trim().split(/\s+/))
    .filter((bits) => (bits[0] ?? '').length > 0)
    .map((bits) => {
      const w = /^(\d+)w$/.exec(bits[1] ?? '');
      return { url: bits[0] ?? '', widthPx: w ? Number(w[1]) : null };
    });
}

/** Attributes lazy-loading galleries keep a tile's `srcset` in until it scrolls into view. */
const LAZY_SRCSET_ATTRIBUTES: readonly string[] = Object.freeze(['srcset', 'srcSet', 'data-srcset', 'data-lazy-srcset']);
/** Attributes lazy-loading galleries keep a tile's `src` in until it scrolls into view. */
const LAZY_SRC_ATTRIBUTES: readonly string[] = Object.freeze(['src', 'data-src', 'data-lazy-src', 'data-original']);

/**
 * Every image URL an `<img>` or `<source>` names, eager or lazy: its
 * `srcset`/`src` and the `data-*` attributes lazy galleries use
 * ({@link LAZY_SRCSET_ATTRIBUTES}, {@link LAZY_SRC_ATTRIBUTES}). `data:`
 * URLs (the placeholders shown until a tile loads) are never returned.
 *
 * @param getAttribute - reads an attribute of the element (`undefined` or `null` when absent)
 * @returns each URL with its `w` descriptor (px) or `null`, srcset entries first
 */
export function imageCandidates(getAttribute: (name: string) => string | null | undefined): { url: string; widthPx: number | null }[] {
  const out = [
    ...LAZY_SRCSET_ATTRIBUTES.flatMap((name) => parseSrcset(getAttribute(name) ?? '')),
    ...LAZY_SRC_ATTRIBUTES.map((name) => getAttribute(name) ?? '')
      .filter((url) => url.length > 0)
      .map((url) => ({ url, widthPx: null })),
  ];
  return out.filter((c) => !c.url.startsWith('data:'));
}

import type { ListingPhoto, PhotoVariantRef } from '@phx/core';
import { parse } from 'node-html-parser';
import { imageCandidates, sortVariantsLargestFirst } from '../listing/index.js';
import { isZillowListingPhotoUrl, parseZillowPhotoUrl } from './zillow-urls.js';

/** CSS selector of the rendered photo gallery on Zillow detail pages. */
export const ZILLOW_GALLERY_SELECTOR = '[data-testid="hollywood-gallery-images"]';

/** The gallery read from the rendered DOM. */
export interface ZillowGalleryDom {
  /** Photos of the rendered tiles, in tile order. */
  readonly photos: ListingPhoto[];
  /** The count in "See all N photos", or `null` when the button is absent. */
  readonly declaredPhotoCount: number | null;
}

/**
 * Reads the photos of the rendered gallery (`data-testid="hollywood-gallery-images"`):
 * every `<source>` and `<img>` inside it, eager (`srcset`, `src`) or lazy
 * (`data-srcset`, `data-src`...; `data:` placeholders never), grouped by photo key.
 * Only tiles the page rendered are seen (often the first few of the
 * gallery), so compare with `declaredPhotoCount`.
 *
 * @param html - page HTML (rendered DOM or as served)
 * @returns the photos and the declared count, or `null` when the page has no gallery element
 */
export function zillowPhotosFromGalleryDom(html: string): ZillowGalleryDom | null {
  if (!html.includes('hollywood-gallery-images')) return null;
  const gallery = parse(html).querySelector(ZILLOW_GALLERY_SELECTOR);
  if (gallery === null) return null;
  const byKey = new Map<string, (PhotoVariantRef & { readonly rank: number })[]>();
  for (const el of gallery.querySelectorAll('source, img')) {
    const candidates = imageCandidates((name) => el.getAttribute(name));
    for (const c of candidates) {
      if (!isZillowListingPhotoUrl(c.url)) continue;
      const p = parseZillowPhotoUrl(c.url);
      if (p === null) continue;
      const list = byKey.get(p.key) ?? [];
      list.push({ url: c.url, widthPx: c.widthPx ?? p.widthPx, format: p.format, rank: p.variant.startsWith('cc_ft') ? 2 : 0 });
      byKey.set(p.key, list);
    }
  }
  const photos = [...byKey.entries()].map(([key, list]): ListingPhoto => {
    const sorted = sortVariantsLargestFirst(list);
    return {
      photoId: key,
      url: sorted[0]?.url ?? '',
      widthPx: sorted[0]?.widthPx ?? null,
      heightPx: null,
      caption: null,
      variants: sorted.slice(1),
    };
  });
  const button = gallery.querySelector('[data-testid="gallery-see-all-photos-button"]');
  const count = button ? /(\d[\d,]*)\s*photos?/i.exec(button.text.replace(/\s+/g, ' '))?.[1] : undefined;
  return { photos, declaredPhotoCount: count === undefined ? null : Number(count.replace(/,/g, '')) };
}

import type { ListingPhoto, PhotoVariantRef } from '@phx/core';
import { parse } from 'node-html-parser';
import { imageCandidates, sortVariantsLargestFirst } from '../listing/index.js';
import { REDFIN_PHOTO_SIZES, parseRedfinPhotoUrl, redfinPhotoUrlForSize } from './redfin-urls.js';
import type { RedfinPhotoUrl } from './redfin-urls.js';

/** CSS selector of the photo preview ("media browser") of a rendered Redfin detail page. */
const REDFIN_MEDIA_BROWSER_SELECTOR = '[data-rf-test-id="mediaBrowser"]';

/** The gallery read from a rendered Redfin page. */
export interface RedfinDomPhotos {
  /** Photos shown in the media browser, in gallery (index) order. */
  readonly photos: ListingPhoto[];
  /** The count on the "N photos" button, or `null`. */
  readonly declaredPhotoCount: number | null;
  /** The `alt` text of the first photo (Redfin puts the address there), or `null`. */
  readonly address: string | null;
}

/**
 * Reads the photos of a rendered Redfin detail page that has no server
 * state: the `<picture>` elements of the media browser (eager or lazy
 * attributes, `data:` placeholders never)
 * (`data-rf-test-id="mediaBrowser"`), grouped by photo id and ordered by
 * photo index. The page renders only a preview (e.g. 7 of 11 photos), so
 * compare with `declaredPhotoCount`. For each photo the full-size `bigphoto`
 * URL is derived from the shown size, as Redfin names every size alike.
 *
 * @param html - rendered page HTML
 * @returns photos, declared count and address, or `null` when there is no media browser
 */
export function redfinPhotosFromDom(html: string): RedfinDomPhotos | null {
  if (!html.includes('mediaBrowser')) return null;
  const root = parse(html);
  const browser = root.querySelector(REDFIN_MEDIA_BROWSER_SELECTOR);
  if (browser === null) return null;
  const byId = new Map<string, { parsed: RedfinPhotoUrl; urls: Set<string> }>();
  let address: string | null = null;
  for (const el of browser.querySelectorAll('picture source, picture img, img')) {
    address ??= el.tagName === 'IMG' ? el.getAttribute('alt')?.trim() || null : null;
    const urls = imageCandidates((name) => el.getAttribute(name)).map((c) => c.url);
    for (const url of urls) {
      const parsed = parseRedfinPhotoUrl(url);
      if (parsed === null) continue;
      const entry = byId.get(parsed.photoId) ?? { parsed, urls: new Set<string>() };
      entry.urls.add(url);
      byId.set(parsed.photoId, entry);
    }
  }
  const photos = [...byId.values()].sort((a, b) => a.parsed.index - b.parsed.index).map(({ parsed, urls }) => toListingPhoto(parsed, urls));
  return { photos, declaredPhotoCount: declaredCount(root.querySelector('#photoPreviewButton')?.text ?? browser.text), address };
}

function toListingPhoto(parsed: RedfinPhotoUrl, urls: ReadonlySet<string>): ListingPhoto {
  const all = new Set(urls);
  all.add(redfinPhotoUrlForSize(parsed, 'bigphoto', 'jpeg'));
  all.add(redfinPhotoUrlForSize(parsed, 'bigphoto', 'webp'));
  const variants: (PhotoVariantRef & { rank: number })[] = [...all].map((url) => {
    const p = parseRedfinPhotoUrl(url);
    const rank = p === null ? 99 : REDFIN_PHOTO_SIZES.indexOf(p.size);
    return { url, widthPx: null, format: p?.format ?? 'jpeg', rank: rank < 0 ? 99 : rank };
  });
  const sorted = sortVariantsLargestFirst(variants);
  return {
    photoId: parsed.photoId,
    url: sorted[0]?.url ?? '',
    widthPx: null,
    heightPx: null,
    caption: null,
    variants: sorted.slice(1),
  };
}

function declaredCount(text: string): number | null {
  const m = /(\d[\d,]*)\s+photos?\b/i.exec(text.replace(/\s+/g, ' '));
  return m ? Number((m[1] ?? '').replace(/,/g, '')) : null;
}

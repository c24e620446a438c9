import type { ListingPhoto, PhotoVariantRef } from '@phx/core';
import { arrayAt, isRecord, numberAt, recordAt, sortVariantsLargestFirst, stringAt } from '../listing/index.js';
import type { JsonRecord } from '../listing/index.js';
import { parseStreetViewUrl } from './zillow-street-view.js';
import { isZillowListingPhotoUrl, parseZillowPhotoUrl } from './zillow-urls.js';

/** Photo arrays of a Zillow `property`, in the order that decides gallery order. */
export const ZILLOW_PHOTO_ARRAYS: readonly string[] = Object.freeze([
  'responsivePhotos',
  'originalPhotos',
  'responsivePhotosOriginalRatio',
  'photos',
  'hugePhotos',
]);

/**
 * Photo arrays whose items list their sizes under `mixedSources` (the only
 * field that lists the largest sizes, e.g. `uncropped_scaled_within_1536_1152`);
 * an item of these with a `url` but no `mixedSources` has lost its sizes.
 */
const ZILLOW_SIZED_ARRAYS: ReadonlySet<string> = new Set(['responsivePhotos', 'originalPhotos', 'responsivePhotosOriginalRatio']);

/** The gallery read from a Zillow `property` object. */
export interface ZillowPropertyPhotos {
  /** Photos in gallery order. */
  readonly photos: ListingPhoto[];
  /** Gallery images that are not listing photos (images on other hosts), left out. */
  readonly excluded: { readonly url: string; readonly reason: string }[];
  /** Names of the photo arrays present (possibly empty). */
  readonly arraysPresent: string[];
  /** `property.photoCount`, or `null`. */
  readonly declaredPhotoCount: number | null;
  /** `true` when the only gallery image is a Street View placeholder (the listing has no photos of its own). */
  readonly streetViewOnly: boolean;
}

/** Caption given to a Street View placeholder. */
export const STREET_VIEW_CAPTION = 'Google Street View image (the listing has no photos of its own)';

interface PhotoDraft {
  readonly key: string;
  caption: string | null;
  readonly variants: (PhotoVariantRef & { readonly rank: number })[];
  /** `true` once a size of the photo came from a `mixedSources` list. */
  sizesListed: boolean;
  /** Where an item of the photo lacked its `mixedSources` list (e.g. `responsivePhotos[3].mixedSources`), else `null`. */
  sizesMissingAt: string | null;
}

/**
 * Reads the gallery of a Zillow `property` object: the photo arrays
 * (`responsivePhotos[].mixedSources.{jpeg,webp}`, `originalPhotos`,
 * `responsivePhotosOriginalRatio`, `photos`, `hugePhotos`) merged by the
 * 32-hex photo key, in the order of the first array that lists photos. The
 * largest size wins, preferring the uncropped rendition at equal width.
 * When the sizes list (`mixedSources`) is gone from the items of
 * `responsivePhotos`, `originalPhotos` and `responsivePhotosOriginalRatio`
 * (renamed or dropped) while their smaller `url` is there, the photo is
 * kept at that size and carries `sizeDowngrade` naming the missing field.
 * Only this listing's own arrays are read, so nearby and similar homes'
 * photos never mix in. A listing without photos of its own shows a Google
 * Street View image instead: it is kept as the gallery's one photo (id
 * `streetview-<md5 of location>`, caption saying what it is), since it is
 * what the site shows for the home; {@link ZillowPropertyPhotos.streetViewOnly} flags it.
 *
 * @param property - the `property` object of the page
 * @returns photos, excluded images, arrays present and the declared count
 */
export function zillowPhotosFromProperty(property: JsonRecord): ZillowPropertyPhotos {
  const drafts = new Map<string, PhotoDraft>();
  // Keyed by position: the arrays list the same gallery, so one foreign image appears once per array.
  const excluded = new Map<number, { readonly url: string; readonly reason: string }>();
  const arraysPresent: string[] = [];
  for (const name of ZILLOW_PHOTO_ARRAYS) {
    const items = arrayAt(property, name);
    if (items === undefined) continue;
    arraysPresent.push(name);
    items.forEach((item, index) => addItem(item, index, drafts, excluded, ZILLOW_SIZED_ARRAYS.has(name) ? `${name}[${index}]` : null));
  }
  const photos = [...drafts.values()].map(toListingPhoto);
  return {
    photos,
    excluded: [...excluded.values()],
    arraysPresent,
    declaredPhotoCount: numberAt(property, 'photoCount') ?? null,
    streetViewOnly: photos.length > 0 && photos.every((p) => p.photoId.startsWith('streetview-')),
  };
}

function addItem(
  item: unknown,
  index: number,
  drafts: Map<string, PhotoDraft>,
  excluded: Map<number, { readonly url: string; readonly reason: string }>,
  sizedAt: string | null,
): void {
  const urls = itemUrls(item);
  const sizesMissingAt =
    sizedAt !== null && isRecord(item) && recordAt(item, 'mixedSources') === undefined ? `${sizedAt}.mixedSources` : null;
  const listingUrls = urls.filter((u) => isZillowListingPhotoUrl(u.url));
  if (listingUrls.length === 0 && urls.length > 0 && urls.every((u) => parseStreetViewUrl(u.url) !== null)) {
    addStreetView(urls, drafts);
    return;
  }
  if (listingUrls.length === 0) {
    const best = urls.reduce<ItemUrl | undefined>((a, b) => (a === undefined || (b.widthPx ?? -1) > (a.widthPx ?? -1) ? b : a), undefined);
    if (best !== undefined && !excluded.has(index)) excluded.set(index, { url: best.url, reason: describeForeign(best.url) });
    return;
  }
  for (const u of listingUrls) {
    const parsed = parseZillowPhotoUrl(u.url);
    if (parsed === null) continue;
    let draft = drafts.get(parsed.key);
    if (draft === undefined) {
      draft = { key: parsed.key, caption: null, variants: [], sizesListed: false, sizesMissingAt: null };
      drafts.set(parsed.key, draft);
    }
    draft.caption ??= stringAt(item, 'caption')?.trim() || null;
    draft.sizesListed ||= u.format !== null;
    draft.sizesMissingAt ??= sizesMissingAt;
    const rank = parsed.variant.startsWith('uncropped') ? 0 : parsed.variant.startsWith('cc_ft') ? 2 : 1;
    draft.variants.push({ url: u.url, widthPx: u.widthPx ?? parsed.widthPx, format: parsed.format, rank });
  }
}

function addStreetView(urls: readonly ItemUrl[], drafts: Map<string, PhotoDraft>): void {
  for (const u of urls) {
    const view = parseStreetViewUrl(u.url);
    if (view === null) continue;
    let draft = drafts.get(view.photoId);
    if (draft === undefined) {
      draft = { key: view.photoId, caption: STREET_VIEW_CAPTION, variants: [], sizesListed: true, sizesMissingAt: null };
      drafts.set(view.photoId, draft);
    }
    // One URL serves every format; keep the JPEG entry only.
    if (u.format !== 'webp') draft.variants.push({ url: u.url, widthPx: u.widthPx ?? view.widthPx, format: 'jpeg', rank: 0 });
  }
}

interface ItemUrl {
  readonly url: string;
  readonly widthPx: number | null;
  /** The `mixedSources` format key the URL was listed under, or `null`. */
  readonly format: string | null;
}

/** Every URL of one photo item with the width the page states for it. */
function itemUrls(item: unknown): ItemUrl[] {
  if (typeof item === 'string') return [{ url: item, widthPx: null, format: null }];
  if (!isRecord(item)) return [];
  const out: ItemUrl[] = [];
  const sources = recordAt(item, 'mixedSources');
  for (const format of ['jpeg', 'webp']) {
    for (const s of arrayAt(sources, format) ?? []) {
      const url = stringAt(s, 'url');
      if (url !== undefined) out.push({ url, widthPx: numberAt(s, 'width') ?? null, format });
    }
  }
  const url = stringAt(item, 'url');
  if (url !== undefined) out.push({ url, widthPx: null, format: null });
  return out;
}

function describeForeign(url: string): string {
  let host = 'an unknown host';
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a URL';
  }
  return `not a listing photo (served by ${host})`;
}

function toListingPhoto(draft: PhotoDraft): ListingPhoto {
  const variants = sortVariantsLargestFirst(draft.variants);
  const best = variants[0];
  const downgraded = !draft.sizesListed && draft.sizesMissingAt !== null;
  return {
    photoId: draft.key,
    url: best?.url ?? '',
    widthPx: best?.widthPx ?? null,
    heightPx: null,
    caption: draft.caption,
    variants: variants.slice(1),
    ...(downgraded
      ? {
          sizeDowngrade:
            `${draft.sizesMissingAt ?? ''} is missing (renamed or dropped) and no other array lists this photo's sizes: ` +
            `${best?.url ?? 'no URL'} is the item's own \`url\`, a smaller size than the largest Zillow serves`,
        }
      : {}),
  };
}

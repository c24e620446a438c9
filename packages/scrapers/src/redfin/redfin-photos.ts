import type { ListingPhoto, PhotoVariantRef } from '@phx/core';
import { arrayAt, isRecord, numberAt, recordAt, sortVariantsLargestFirst, stringAt } from '../listing/index.js';
import type { JsonRecord } from '../listing/index.js';
import { REDFIN_PHOTO_SIZES, parseRedfinPhotoUrl, redfinPhotoUrlForSize } from './redfin-urls.js';

/** The gallery read from an `aboveTheFold` body. */
export interface RedfinPayloadPhotos {
  /** Photos in gallery order. */
  readonly photos: ListingPhoto[];
  /** Entries left out, with the reason. */
  readonly excluded: { readonly url: string; readonly reason: string }[];
  /** `true` when `payload.mediaBrowserInfo.photos` is an array (possibly empty). */
  readonly photosArrayPresent: boolean;
  /** Street address from `payload.addressSectionInfo`, or `null`. */
  readonly address: string | null;
}

const URL_FIELDS: readonly (readonly [string, string])[] = Object.freeze([
  ['photoUrls', 'fullScreenPhotoUrl'],
  ['photoUrls', 'nonFullScreenPhotoUrl'],
  ['photoUrls', 'nonFullScreenPhotoUrlCompressed'],
  ['photoUrls', 'lightboxListUrl'],
  ['thumbnailData', 'thumbnailUrl'],
]);

/**
 * Reads the gallery from the body of `/stingray/api/home/details/aboveTheFold`:
 * `payload.mediaBrowserInfo.photos[]`, in order. The id of each photo is
 * `<dataSourceId>/<MLS id>_<n>` from its URLs (the same for every size); the
 * largest size is `bigphoto` (`fullScreenPhotoUrl`) at the stated width and
 * height.
 *
 * @param body - the parsed API body (prefix already stripped)
 * @param captions - captions by Redfin's numeric photo id (from `photoTagsAndCaptions`)
 * @returns photos, excluded entries, whether the array exists, and the address
 */
export function redfinPhotosFromAboveTheFold(body: unknown, captions: ReadonlyMap<string, string> = new Map()): RedfinPayloadPhotos {
  const payload = recordAt(body, 'payload');
  const items = arrayAt(recordAt(payload, 'mediaBrowserInfo'), 'photos');
  const photos: ListingPhoto[] = [];
  const excluded: { url: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const item of items ?? []) {
    const photo = toListingPhoto(item, captions);
    if (photo === null) {
      excluded.push({ url: firstUrl(item) ?? '(no URL)', reason: 'not a listing photo URL on ssl.cdn-redfin.com/photo/' });
    } else if (!seen.has(photo.photoId)) {
      seen.add(photo.photoId);
      photos.push(photo);
    }
  }
  return { photos, excluded, photosArrayPresent: items !== undefined, address: redfinAddress(payload) };
}

/**
 * Reads captions from the body of `/stingray/api/photoTagsAndCaptions/…`.
 *
 * @param body - the parsed API body
 * @returns `shortCaption` (else `longCaption`) by numeric photo id; empty captions left out
 */
export function redfinCaptionsFromPhotoTags(body: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const byId = recordAt(recordAt(body, 'payload'), 'tagsByPhotoId');
  for (const [id, entry] of Object.entries(byId ?? {})) {
    const caption = (stringAt(entry, 'shortCaption') ?? stringAt(entry, 'longCaption'))?.trim();
    if (caption) out.set(id, caption);
  }
  return out;
}

function toListingPhoto(item: unknown, captions: ReadonlyMap<string, string>): ListingPhoto | null {
  if (!isRecord(item)) return null;
  const variants: (PhotoVariantRef & { rank: number })[] = [];
  let photoId: string | null = null;
  const fullWidth = numberAt(item, 'width') ?? null;
  for (const [group, field] of URL_FIELDS) {
    const url = stringAt(recordAt(item, group), field);
    const parsed = url === undefined ? null : parseRedfinPhotoUrl(url);
    if (url === undefined || parsed === null) continue;
    photoId ??= parsed.photoId;
    if (parsed.photoId !== photoId) continue;
    const big = parsed.size === 'bigphoto';
    const rank = REDFIN_PHOTO_SIZES.indexOf(parsed.size);
    variants.push({ url, widthPx: big ? fullWidth : null, format: parsed.format, rank: rank < 0 ? 99 : rank });
  }
  if (photoId === null) return null;
  const downgrade = addDerivedBigphoto(variants, fullWidth);
  const sorted = sortVariantsLargestFirst(variants);
  const best = sorted[0];
  if (best === undefined) return null;
  const numericId = numberAt(item, 'photoId');
  const isBig = parseRedfinPhotoUrl(best.url)?.size === 'bigphoto';
  return {
    photoId,
    url: best.url,
    widthPx: best.widthPx,
    heightPx: isBig ? (numberAt(item, 'height') ?? null) : null,
    caption: numericId === undefined ? null : (captions.get(String(numericId)) ?? null),
    variants: sorted.slice(1),
    ...(downgrade === null ? {} : { sizeDowngrade: downgrade }),
  };
}

/**
 * When `photoUrls.fullScreenPhotoUrl` (the `bigphoto` size) is missing, adds
 * the `bigphoto` URL derived from the largest listed size (Redfin names every
 * size alike) so the full size is still tried, and says so.
 *
 * @returns the note for {@link ListingPhoto.sizeDowngrade}, or `null` when `bigphoto` was listed
 */
function addDerivedBigphoto(variants: (PhotoVariantRef & { rank: number })[], fullWidth: number | null): string | null {
  if (variants.some((v) => parseRedfinPhotoUrl(v.url)?.size === 'bigphoto')) return null;
  const listed = [...variants].sort((a, b) => a.rank - b.rank)[0];
  const parsed = listed === undefined ? null : parseRedfinPhotoUrl(listed.url);
  if (listed === undefined || parsed === null) return null;
  variants.push({ url: redfinPhotoUrlForSize(parsed, 'bigphoto', 'jpeg'), widthPx: fullWidth, format: 'jpeg', rank: 0 });
  return `photoUrls.fullScreenPhotoUrl (bigphoto) absent: full size derived from the listed ${parsed.size} URL, unconfirmed by the page`;
}

function firstUrl(item: unknown): string | undefined {
  for (const [group, field] of URL_FIELDS) {
    const url = stringAt(recordAt(item, group), field);
    if (url !== undefined) return url;
  }
  return undefined;
}

/**
 * Reads the street address from an `aboveTheFold` payload.
 *
 * @param payload - `body.payload`
 * @returns e.g. `2748 E 23rd Ave, Vancouver, BC V5R 1A8`, or `null`
 */
function redfinAddress(payload: JsonRecord | undefined): string | null {
  const info = recordAt(payload, 'addressSectionInfo');
  const street = stringAt(recordAt(info, 'streetAddress'), 'assembledAddress');
  const city = stringAt(info, 'city');
  const state = stringAt(info, 'state');
  const zip = stringAt(info, 'zip');
  if (street === undefined || city === undefined || state === undefined) return null;
  return `${street}, ${city}, ${state}${zip === undefined ? '' : ` ${zip}`}`;
}

import { UnsupportedUrlError } from '../errors/index.js';
import { formatFromUrl } from '../listing/index.js';

/** Host of Redfin's listing photos. */
export const REDFIN_PHOTO_HOST = 'ssl.cdn-redfin.com';

/** Hosts a Redfin listing page may be on. */
export const REDFIN_PAGE_HOSTS: readonly string[] = Object.freeze(['www.redfin.com', 'redfin.com', 'www.redfin.ca', 'redfin.ca']);

/**
 * Redfin photo sizes, largest first. `bigphoto` is the full size; the order
 * of the others is what the site's layouts show (widths are not stated).
 */
export const REDFIN_PHOTO_SIZES: readonly string[] = Object.freeze([
  'bigphoto',
  'mbpaddedwide',
  'islphoto',
  'mbphotov3',
  'mbphoto',
  'bcsphoto',
  'midphoto',
  'tmbphoto',
]);

/** A Redfin listing photo URL taken apart. */
export interface RedfinPhotoUrl {
  /** MLS data source number (`86` ARMLS, `1` NWMLS, `211` REBNY...). */
  readonly dataSourceId: string;
  /** Size folder, e.g. `bigphoto`, `mbphotov3`. */
  readonly size: string;
  /** Sub-folder: the last 3 digits of the MLS id. */
  readonly subdirectory: string;
  /** MLS id with its prefix, e.g. `R3088944`, `RLS20051747`. */
  readonly mlsId: string;
  /** Photo index in the listing: 0 for the first photo (which has no `_<n>` in its name). */
  readonly index: number;
  /** Shoot version; it changes when a listing is re-shot. */
  readonly version: number;
  /** `jpeg` or `webp`. */
  readonly format: string;
  /** Stable id, the same across sizes and formats: `<dataSourceId>/<mlsId>_<index>`. */
  readonly photoId: string;
}

const PHOTO_PATH_RE =
  /^\/photo\/(\d+)\/([a-z0-9]+)\/([0-9a-z]+)\/(?:gen[A-Za-z0-9]*\.)?([A-Za-z0-9-]+?)(?:_(\d+))?_(\d+)\.(jpg|jpeg|webp)$/;

/**
 * Takes a Redfin listing photo URL apart
 * (`ssl.cdn-redfin.com/photo/<ds>/<size>/<sub>/[gen<Size>.]<mls>[_<n>]_<ver>.<ext>`).
 *
 * @param url - any URL
 * @returns the parts and the stable photo id; `null` for other URLs (agent
 *   photos under `system_files`, logos, UI images)
 */
export function parseRedfinPhotoUrl(url: string): RedfinPhotoUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.hostname !== REDFIN_PHOTO_HOST) return null;
  const m = PHOTO_PATH_RE.exec(parsed.pathname);
  if (!m) return null;
  const [, dataSourceId = '', size = '', subdirectory = '', mlsId = '', n, ver = '0'] = m;
  const index = n === undefined ? 0 : Number(n);
  return {
    dataSourceId,
    size,
    subdirectory,
    mlsId,
    index,
    version: Number(ver),
    format: formatFromUrl(url),
    photoId: `${dataSourceId}/${mlsId}_${index}`,
  };
}

/**
 * Builds the URL of another size of a Redfin photo (the site names sizes by
 * folder; every size but `bigphoto` prefixes the file with `gen<Size>.`).
 *
 * @param photo - a parsed photo URL
 * @param size - the size folder wanted, e.g. `bigphoto`
 * @param format - `jpeg` or `webp`
 * @returns the URL of that size
 */
export function redfinPhotoUrlForSize(photo: RedfinPhotoUrl, size: string, format: 'jpeg' | 'webp'): string {
  const ext = format === 'jpeg' ? 'jpg' : 'webp';
  const base = photo.index === 0 ? `${photo.mlsId}_${photo.version}` : `${photo.mlsId}_${photo.index}_${photo.version}`;
  const prefix = size === 'bigphoto' ? '' : `gen${GEN_PREFIX[size] ?? 'Mid'}.`;
  return `https://${REDFIN_PHOTO_HOST}/photo/${photo.dataSourceId}/${size}/${photo.subdirectory}/${prefix}${base}.${ext}`;
}

const GEN_PREFIX: Readonly<Record<string, string>> = Object.freeze({
  mbpaddedwide: 'Mid',
  mbphotov3: 'Mid',
  mbphoto: 'Mid',
  midphoto: 'Mid',
  islphoto: 'Isl',
  bcsphoto: 'Bcs',
  tmbphoto: 'Tmb',
});

/**
 * Checks a Redfin listing URL and reads its property id.
 *
 * @param url - e.g. `https://www.redfin.com/AZ/Phoenix/123-Main-St-85001/home/12345678`
 * @returns the property id
 * @throws {@link UnsupportedUrlError} when `url` is not an https Redfin home page URL
 */
export function parseRedfinListingUrl(url: string): { readonly propertyId: string } {
  const expected = 'https://www.redfin.com/<state>/<city>/<address-slug>/home/<propertyId>';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsupportedUrlError(url, 'redfin', expected);
  }
  const m = /\/home\/(\d+)\/?$/.exec(parsed.pathname);
  if (parsed.protocol !== 'https:' || !REDFIN_PAGE_HOSTS.includes(parsed.hostname) || !m) {
    throw new UnsupportedUrlError(url, 'redfin', expected);
  }
  return { propertyId: m[1] ?? '' };
}

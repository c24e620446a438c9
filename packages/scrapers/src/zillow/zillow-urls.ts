import { UnsupportedUrlError } from '../errors/index.js';
import { formatFromUrl } from '../listing/index.js';

/** Host of Zillow's listing photos. */
export const ZILLOW_PHOTO_HOST = 'photos.zillowstatic.com';

/** Hosts a Zillow listing page may be on. */
export const ZILLOW_PAGE_HOSTS: readonly string[] = Object.freeze(['www.zillow.com', 'zillow.com']);

/** A Zillow photo URL taken apart. */
export interface ZillowPhotoUrl {
  /** The 32-hex photo key: the same for every size and format of one photo. */
  readonly key: string;
  /** The size suffix, e.g. `cc_ft_1536`, `uncropped_scaled_within_1536_1152`, `o_a`. */
  readonly variant: string;
  /** Width in px the suffix stands for, or `null` when unknown. */
  readonly widthPx: number | null;
  /** `jpeg`, `webp`... */
  readonly format: string;
}

const PHOTO_PATH_RE = /^\/fp\/([0-9a-f]{32})-([a-z0-9_]+)\.(jpg|jpeg|webp|png)$/i;
/** Suffixes that are not listing photos though they share the path: agent headshots, broker logos. */
const NOT_LISTING_VARIANT_RE = /^(h_[a-z]|zillow_web_.*|[a-z]_[a-z]_?\d*_?logo.*)$/i;
/** Fixed-size suffixes and their widths (px). */
const FIXED_WIDTHS: Readonly<Record<string, number>> = Object.freeze({
  d_d: 800,
  o_a: 1024,
  p_a: 180,
  p_c: 300,
  p_d: 400,
  p_e: 576,
  p_f: 1024,
  p_g: 1280,
  p_h: 1536,
});

/**
 * Takes a Zillow photo URL apart.
 *
 * @param url - any URL
 * @returns key, size suffix, width and format; `null` when `url` is not a
 *   `photos.zillowstatic.com/fp/<key>-<suffix>.<ext>` URL
 */
export function parseZillowPhotoUrl(url: string): ZillowPhotoUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.hostname !== ZILLOW_PHOTO_HOST) return null;
  const m = PHOTO_PATH_RE.exec(parsed.pathname);
  if (!m) return null;
  const key = (m[1] ?? '').toLowerCase();
  const variant = m[2] ?? '';
  return { key, variant, widthPx: zillowVariantWidth(variant), format: formatFromUrl(url) };
}

/**
 * Width in px that a Zillow size suffix stands for.
 *
 * @param variant - e.g. `cc_ft_768`, `uncropped_scaled_within_1344_1008`, `d_d`
 * @returns the width, or `null` for an unknown suffix
 */
export function zillowVariantWidth(variant: string): number | null {
  const cropped = /^cc_ft_(\d+)$/.exec(variant);
  if (cropped) return Number(cropped[1]);
  const scaled = /^uncropped_scaled_within_(\d+)_(\d+)$/.exec(variant);
  if (scaled) return Number(scaled[1]);
  return FIXED_WIDTHS[variant] ?? null;
}

/**
 * Tells whether a Zillow photo URL shows a listing photo (not an agent
 * headshot `h_n`/`h_g` nor a `zillow_web_*` logo on the same path).
 *
 * @param url - any URL
 * @returns `true` for listing photos on `photos.zillowstatic.com`
 */
export function isZillowListingPhotoUrl(url: string): boolean {
  const p = parseZillowPhotoUrl(url);
  return p !== null && !NOT_LISTING_VARIANT_RE.test(p.variant);
}

/**
 * Checks a Zillow listing (home details) URL and reads its zpid.
 *
 * @param url - e.g. `https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/`
 * @returns the zpid
 * @throws {@link UnsupportedUrlError} when `url` is not an https Zillow home details URL
 */
export function parseZillowListingUrl(url: string): { readonly zpid: string } {
  const expected = 'https://www.zillow.com/homedetails/<address-slug>/<zpid>_zpid/';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UnsupportedUrlError(url, 'zillow', expected);
  }
  const m = /\/homedetails\/(?:[^/]+\/)?(\d+)_zpid\/?$/.exec(parsed.pathname);
  if (parsed.protocol !== 'https:' || !ZILLOW_PAGE_HOSTS.includes(parsed.hostname) || !m) {
    throw new UnsupportedUrlError(url, 'zillow', expected);
  }
  return { zpid: m[1] ?? '' };
}

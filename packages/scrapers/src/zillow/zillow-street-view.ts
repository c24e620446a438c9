import { createHash } from 'node:crypto';

/** Host of the Google Street View images Zillow shows for listings without photos. */
export const STREET_VIEW_HOST = 'maps.googleapis.com';

/** A Street View image URL taken apart. */
export interface StreetViewUrl {
  /**
   * Stable id, the same for every size: `streetview-<md5 of the location>`
   * (Street View URLs carry no photo key; the location names the view).
   */
  readonly photoId: string;
  /** Width in px from `size=<w>x<h>`, or `null`. */
  readonly widthPx: number | null;
  /** Height in px from `size=<w>x<h>`, or `null`. */
  readonly heightPx: number | null;
}

/**
 * Takes a Google Street View image URL apart
 * (`https://maps.googleapis.com/maps/api/streetview?location=…&size=1536x1152&…`).
 * Zillow puts one in the gallery of a listing that has no photos of its own.
 *
 * @param url - any URL
 * @returns id and size, or `null` for other URLs (including Street View metadata URLs)
 */
export function parseStreetViewUrl(url: string): StreetViewUrl | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.hostname !== STREET_VIEW_HOST || parsed.pathname !== '/maps/api/streetview') return null;
  const location = parsed.searchParams.get('location');
  if (location === null || location.trim() === '') return null;
  const normalized = location.trim().toLowerCase().replace(/\s+/g, ' ');
  const size = /^(\d+)x(\d+)$/.exec(parsed.searchParams.get('size') ?? '');
  return {
    photoId: `streetview-${createHash('md5').update(normalized).digest('hex')}`,
    widthPx: size ? Number(size[1]) : null,
    heightPx: size ? Number(size[2]) : null,
  };
}

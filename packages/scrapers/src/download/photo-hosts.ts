import type { Source } from '@phx/core';

/**
 * Hosts photos are downloaded from by default: Zillow's and Redfin's photo
 * CDNs, and Google's Street View images that Zillow shows for listings
 * without photos.
 */
export const DEFAULT_PHOTO_HOSTS: readonly string[] = Object.freeze([
  'photos.zillowstatic.com',
  'ssl.cdn-redfin.com',
  'maps.googleapis.com',
]);

/**
 * Names the site a photo host belongs to.
 *
 * @param host - a host name
 * @returns `zillow`, `redfin` or `null`
 */
export function sourceOfPhotoHost(host: string): Source | null {
  const h = host.toLowerCase();
  if (h === 'zillowstatic.com' || h.endsWith('.zillowstatic.com') || h.endsWith('.zillow.com')) return 'zillow';
  if (h === 'cdn-redfin.com' || h.endsWith('.cdn-redfin.com') || h.endsWith('.redfin.com')) return 'redfin';
  return null;
}

/**
 * Parses an HTTP `Retry-After` value: delay seconds or an HTTP date.
 *
 * @param value - the header value, or `null`
 * @param nowMs - the current time in ms since the epoch (injectable for tests)
 * @returns the delay in ms (never negative), or `null` when absent or unreadable
 */
export function parseRetryAfterMs(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

import type { Source } from '@phx/core';
import { parseRetryAfterMs } from '../download/photo-hosts.js';
import { ListingRemovedError, NavigationError } from '../errors/index.js';

/** Response header the replay (routes and the replay HTTP server) sets on a URL it has no saved response for. */
export const REPLAY_MISS_HEADER = 'x-phx-replay-miss';

/**
 * Types the status of a listing page's answer, the same for Chromium and
 * the plain HTTP client: 404 and 410 mean the listing is gone (or, marked
 * with {@link REPLAY_MISS_HEADER}, that replay has no saved page), 429 and
 * 5xx are transient with the `Retry-After` delay. Other statuses pass (walls
 * are recognised from the page by the site's check).
 *
 * @param url - the page URL asked for
 * @param source - the site
 * @param status - HTTP status of the page
 * @param header - reads a response header by lower-case name (`null` when absent)
 * @throws {@link ListingRemovedError} on 404 or 410 (`replayMiss` when replay has no page)
 * @throws {@link NavigationError} (transient) on 429 or 5xx, with `status` and `retryAfterMs`
 */
export function assertPageAnswered(url: string, source: Source, status: number, header: (name: string) => string | null): void {
  if (status === 404 || status === 410) {
    throw header(REPLAY_MISS_HEADER) !== null
      ? new ListingRemovedError(url, source, status, 'the replay archive has no saved page for this URL', { replayMiss: true })
      : new ListingRemovedError(url, source, status, `HTTP ${status}`);
  }
  if (status === 429 || status >= 500) {
    const retryAfter = header('retry-after');
    throw new NavigationError(url, source, {
      message: `HTTP ${status}${retryAfter === null ? '' : ` (Retry-After: ${retryAfter})`}`,
      status,
      retryAfterMs: parseRetryAfterMs(retryAfter),
    });
  }
}

/** One photo download request. */
export interface PhotoFetchRequest {
  /** Absolute https URL of the photo. */
  readonly url: string;
  /** Aborts the download; the call then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
  /**
   * Entity tags (as the host sent them in `ETag`, quotes and `W/` kept) of
   * copies the caller already holds: sent as `If-None-Match`, so a host
   * whose current photo has one of them answers 304 and the fetcher returns a
   * {@link NotModifiedPhoto}. Absent or empty: not sent.
   */
  readonly ifNoneMatch?: readonly string[];
  /**
   * Sent as `If-Modified-Since` (an HTTP date, second precision): a host
   * whose photo did not change since then answers 304 and the fetcher
   * returns a {@link NotModifiedPhoto}. Hosts ignore it when `ifNoneMatch`
   * is sent too. Absent: not sent.
   */
  readonly ifModifiedSince?: Date;
}

/** A downloaded photo, fully in memory, or the answer "not modified" to a conditional request. */
export interface FetchedPhoto {
  /** URL after redirects. */
  readonly url: string;
  /** The body bytes, exactly as served; empty for a {@link NotModifiedPhoto}. */
  readonly bytes: Buffer;
  /** `Content-Type` header, or `null`. */
  readonly contentType: string | null;
  /** `ETag` header, or `null` (kept for incremental re-runs). */
  readonly etag: string | null;
  /** `Last-Modified` header, or `null`. */
  readonly lastModified: string | null;
  /**
   * `true` only when the request was conditional (`ifNoneMatch` or
   * `ifModifiedSince`) and the host answered 304 Not Modified: the copy the
   * caller holds is current and `bytes` is empty (see {@link isNotModified}).
   * Absent or `false`: `bytes` is the photo.
   */
  readonly notModified?: boolean;
}

/** The host answered a conditional request with 304 Not Modified: nothing was downloaded. */
export interface NotModifiedPhoto extends FetchedPhoto {
  /** Always `true`. */
  readonly notModified: true;
  /** Always empty (0 bytes). */
  readonly bytes: Buffer;
}

/**
 * Tells a 304 answer to a conditional request from a downloaded photo.
 *
 * @param photo - what `PhotoFetcher.fetchPhoto` returned
 * @returns `true` when the host answered 304 Not Modified (no bytes)
 */
export function isNotModified(photo: FetchedPhoto): photo is NotModifiedPhoto {
  return photo.notModified === true;
}

/**
 * Downloads photo bytes from a photo host. Implemented by `@phx/scrapers`
 * (HTTP with size cap, timeouts, retries, replay).
 */
export interface PhotoFetcher {
  /**
   * Downloads one photo, or revalidates a copy the caller holds when the
   * request carries `ifNoneMatch` or `ifModifiedSince`.
   *
   * @param request - URL, abort signal, and optionally the validators of the copy held
   * @returns the bytes and the caching headers, or a {@link NotModifiedPhoto}
   *   (only for a conditional request the host answered with 304)
   * @throws a `CoreError` subclass whose `kind` says whether to retry
   */
  fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto>;
}

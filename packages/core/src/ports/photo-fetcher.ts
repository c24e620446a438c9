/** One photo download request. */
export interface PhotoFetchRequest {
  /** Absolute https URL of the photo. */
  readonly url: string;
  /** Aborts the download; the call then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
}

/** A downloaded photo, fully in memory. */
export interface FetchedPhoto {
  /** URL after redirects. */
  readonly url: string;
  /** The body bytes, exactly as served. */
  readonly bytes: Buffer;
  /** `Content-Type` header, or `null`. */
  readonly contentType: string | null;
  /** `ETag` header, or `null` (kept for incremental re-runs). */
  readonly etag: string | null;
  /** `Last-Modified` header, or `null`. */
  readonly lastModified: string | null;
}

/**
 * Downloads photo bytes from a photo host. Implemented by `@phx/scrapers`
 * (HTTP with size cap, timeouts, retries, replay).
 */
export interface PhotoFetcher {
  /**
   * Downloads one photo.
   *
   * @param request - URL and abort signal
   * @returns the bytes and the caching headers
   * @throws a `CoreError` subclass whose `kind` says whether to retry
   */
  fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto>;
}

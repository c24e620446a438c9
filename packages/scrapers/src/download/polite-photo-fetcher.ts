import { CancelledError, noopLogger, parseInput, throwIfCancelled } from '@phx/core';
import type { FetchedPhoto, Logger, PhotoFetchRequest, PhotoFetcher } from '@phx/core';
import { z } from 'zod';
import { HostRateLimiter } from '../politeness/host-rate-limiter.js';
import { DEFAULT_POLITENESS_OPTIONS, politenessOptionsSchema, resolvePolitenessOptions } from '../politeness/politeness-options.js';
import type { PolitenessOptions, ResolvedPolitenessOptions } from '../politeness/politeness-options.js';
import { SourceGuard } from '../politeness/source-guard.js';
import { eitherSignal } from '../politeness/abortable.js';
import { checkPhotoFetchRequest } from './photo-fetch-request.js';
import { sourceOfPhotoHost } from './photo-hosts.js';

/** Options of {@link PolitePhotoFetcher}. */
export interface PolitePhotoFetcherOptions {
  /** The fetcher that downloads (e.g. {@link HttpPhotoFetcher}); borrowed. */
  readonly fetcher: PhotoFetcher;
  /** Rates, concurrency and retries; `photoRequestsPerSecond`, `photoConcurrency` and the retry fields apply. Default {@link DEFAULT_POLITENESS_OPTIONS}. */
  readonly politeness?: PolitenessOptions;
  /** Defaults for unset politeness fields. Default {@link DEFAULT_POLITENESS_OPTIONS}. */
  readonly politenessDefaults?: ResolvedPolitenessOptions;
  /** Logger; default drops everything. */
  readonly logger?: Logger;
}

const optionsSchema = z
  .object({
    fetcher: z.custom<PhotoFetcher>((v) => typeof (v as PhotoFetcher | null)?.fetchPhoto === 'function', {
      message: 'must be a PhotoFetcher',
    }),
    politeness: politenessOptionsSchema.optional(),
    politenessDefaults: z.custom<ResolvedPolitenessOptions>((v) => typeof v === 'object' && v !== null).optional(),
    logger: z.custom<Logger>((v) => typeof v === 'object' && v !== null, { message: 'must be a Logger' }).optional(),
  })
  .strict();

/**
 * Wraps a {@link PhotoFetcher} with politeness: photo downloads per second
 * per photo host (with jitter), a cap on downloads at once per source, and
 * retries with exponential backoff and jitter on transient failures (408,
 * 429, 5xx, timeouts, connection errors), waiting what `Retry-After` asks on
 * 429 and 503. Permanent failures (404, not a photo, too large) are thrown
 * at once. {@link close} cancels every download running, waiting or
 * backing off, and every later one, with `CancelledError`.
 *
 * @example
 * ```ts
 * import { HttpPhotoFetcher } from '@phx/scrapers';
 * declare const url: string, signal: AbortSignal;
 * const fetcher = new PolitePhotoFetcher({ fetcher: new HttpPhotoFetcher(), politeness: { photoRequestsPerSecond: 4 } });
 * const photo = await fetcher.fetchPhoto({ url, signal });
 * ```
 */
export class PolitePhotoFetcher implements PhotoFetcher {
  private readonly inner: PhotoFetcher;
  private readonly options: ResolvedPolitenessOptions;
  private readonly limiter: HostRateLimiter;
  private readonly guards = new Map<string, SourceGuard>();
  private readonly logger: Logger;
  private readonly closing = new AbortController();

  /**
   * @param options - see {@link PolitePhotoFetcherOptions}
   * @throws `InvalidInputError` (core) listing every bad option
   */
  constructor(options: PolitePhotoFetcherOptions) {
    parseInput(optionsSchema, options, 'PolitePhotoFetcher options');
    this.inner = options.fetcher;
    this.options = resolvePolitenessOptions(options.politeness, options.politenessDefaults ?? DEFAULT_POLITENESS_OPTIONS);
    this.limiter = new HostRateLimiter({ requestsPerSecond: this.options.photoRequestsPerSecond, jitterMs: 0 });
    this.logger = (options.logger ?? noopLogger).child({ component: 'polite-photo-fetcher' });
  }

  /**
   * Downloads one photo politely.
   *
   * @param request - URL (a string, or a `URL` object read as its `href`), abort signal and the validators of a copy held
   * @returns what the wrapped fetcher returns
   * @throws whatever the wrapped fetcher throws on the last attempt (transient errors after the last retry)
   * @throws `CancelledError` (core) promptly when `req.signal` aborts or the fetcher is closed, also while waiting or backing off
   * @throws `InvalidInputError` (core) `fetchPhoto request` naming each bad field: not an object, unknown keys,
   *   `url` (not a string or `URL`, or blank), `signal` (not an `AbortSignal`), `ifNoneMatch`, `ifModifiedSince`
   */
  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    const req = checkPhotoFetchRequest(request);
    const signal = eitherSignal(req.signal, this.closing.signal);
    try {
      throwIfCancelled(signal);
      const guard = this.guardFor(req.url);
      // The wrapped fetcher gets the joined signal: a download cut by close() is a cancellation, not a transient failure.
      return await guard.run(req.url, signal, async (_attempt, attemptSignal) => {
        await this.limiter.acquire(req.url, attemptSignal);
        return this.inner.fetchPhoto({ ...req, signal });
      });
    } finally {
      signal.clear();
    }
  }

  /**
   * Cancels every download of this fetcher, running, waiting or backing
   * off, and refuses later ones, all with `CancelledError` ("photo fetcher
   * is closed"). The wrapped fetcher is borrowed and left as it is.
   * Idempotent.
   */
  close(): void {
    if (!this.closing.signal.aborted) this.closing.abort(new CancelledError('photo fetcher is closed'));
  }

  private guardFor(url: string): SourceGuard {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      host = '';
    }
    const source = sourceOfPhotoHost(host);
    const key = source ?? 'other';
    let guard = this.guards.get(key);
    if (guard === undefined) {
      const o = this.options;
      guard = new SourceGuard({
        source,
        concurrency: o.photoConcurrency,
        maxRetries: o.maxRetries,
        initialBackoffMs: o.initialBackoffMs,
        maxBackoffMs: o.maxBackoffMs,
        jitterMs: o.jitterMs,
        blocksToOpenCircuit: null,
        circuitOpenMs: o.circuitOpenMs,
        logger: this.logger,
      });
      this.guards.set(key, guard);
    }
    return guard;
  }
}

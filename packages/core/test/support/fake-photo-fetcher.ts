import { setTimeout as sleep } from 'node:timers/promises';
import { CoreError, throwIfCancelled } from '../../src/errors/index.js';
import type { FetchedPhoto, PhotoFetcher, PhotoFetchRequest } from '../../src/ports/index.js';

/** A {@link PhotoFetcher} serving fixed bodies by URL (real fixture bytes), answering 404 for others. */
export class FakePhotoFetcher implements PhotoFetcher {
  readonly fetched: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly bodies: ReadonlyMap<string, Buffer>,
    private readonly delayMs = 0,
  ) {}

  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    this.fetched.push(request.url);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await sleep(this.delayMs, undefined, request.signal ? { signal: request.signal } : {}).catch(() => undefined);
      throwIfCancelled(request.signal);
      const bytes = this.bodies.get(request.url);
      // Like the real fetcher's DownloadError, the error carries the status.
      if (bytes === undefined)
        throw Object.assign(new CoreError('PHOTO_HTTP_STATUS', `GET ${request.url} answered HTTP 404`, 'permanent'), { status: 404 });
      return { url: request.url, bytes: Buffer.from(bytes), contentType: 'image/jpeg', etag: null, lastModified: null };
    } finally {
      this.inFlight -= 1;
    }
  }
}

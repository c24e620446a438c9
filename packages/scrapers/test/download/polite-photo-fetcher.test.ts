import { CancelledError } from '@phx/core';
import type { FetchedPhoto, PhotoFetchRequest, PhotoFetcher } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { PolitePhotoFetcher } from '../../src/download/index.js';
import { DownloadError, NotAPhotoError } from '../../src/errors/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/index.js';

const PHOTO = 'https://photos.zillowstatic.com/fp/0123456789abcdef0123456789abcdef-o_a.jpg';
const REDFIN_PHOTO = 'https://ssl.cdn-redfin.com/photo/1/bigphoto/123/123123_0.jpg';

/** A fetcher that answers from a script of outcomes, one per call, and records call times. */
class ScriptedFetcher implements PhotoFetcher {
  readonly calls: { url: string; at: number }[] = [];
  running = 0;
  peak = 0;
  constructor(
    private readonly script: (url: string, call: number) => Error | null,
    private readonly delayMs = 0,
  ) {}
  async fetchPhoto(req: PhotoFetchRequest): Promise<FetchedPhoto> {
    this.calls.push({ url: req.url, at: Date.now() });
    this.running += 1;
    this.peak = Math.max(this.peak, this.running);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.running -= 1;
    const failure = this.script(req.url, this.calls.length);
    if (failure !== null) throw failure;
    return { url: req.url, bytes: Buffer.from([0xff, 0xd8, 0xff]), contentType: 'image/jpeg', etag: '"e"', lastModified: null };
  }
}

const polite = (inner: PhotoFetcher, politeness = {}): PolitePhotoFetcher =>
  new PolitePhotoFetcher({ fetcher: inner, politeness, politenessDefaults: REPLAY_POLITENESS_OPTIONS });

describe('PolitePhotoFetcher', () => {
  it('retries a 429 after the Retry-After delay and returns the photo', async () => {
    const inner = new ScriptedFetcher((url, call) =>
      call === 1 ? new DownloadError(url, 'zillow', { message: 'HTTP 429', status: 429, retryAfterMs: 300 }) : null,
    );
    const photo = await polite(inner).fetchPhoto({ url: PHOTO });
    expect(photo.etag).toBe('"e"');
    expect(inner.calls).toHaveLength(2);
    expect(inner.calls[1]!.at - inner.calls[0]!.at).toBeGreaterThanOrEqual(290);
  });

  it('throws permanent failures at once', async () => {
    const inner = new ScriptedFetcher(
      (url) => new NotAPhotoError(url, 'zillow', { contentType: 'text/html', firstBytesHex: '3c68746d6c' }),
    );
    await expect(polite(inner).fetchPhoto({ url: PHOTO })).rejects.toBeInstanceOf(NotAPhotoError);
    expect(inner.calls).toHaveLength(1);
  });

  it('caps downloads at once per source and spaces them per photo host', async () => {
    const inner = new ScriptedFetcher(() => null, 20);
    const fetcher = polite(inner, { photoConcurrency: 2, photoRequestsPerSecond: 20 });
    const started = Date.now();
    await Promise.all([PHOTO, PHOTO, PHOTO, PHOTO, REDFIN_PHOTO].map((url) => fetcher.fetchPhoto({ url })));
    expect(inner.peak).toBeLessThanOrEqual(3); // 2 Zillow + 1 Redfin at most
    expect(Date.now() - started).toBeGreaterThanOrEqual(140); // 4 Zillow photos at 20/s
  });

  it('stops waiting when the signal aborts', async () => {
    const inner = new ScriptedFetcher((url) => new DownloadError(url, 'zillow', { message: 'HTTP 503', status: 503, retryAfterMs: 5_000 }));
    const controller = new AbortController();
    const pending = polite(inner).fetchPhoto({ url: PHOTO, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancel')), 100);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(inner.calls).toHaveLength(1);
  });
});

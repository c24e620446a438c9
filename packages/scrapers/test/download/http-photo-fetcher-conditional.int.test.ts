import { isNotModified } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpPhotoFetcher } from '../../src/download/index.js';
import { ReplayArchive } from '../../src/replay/replay-archive.js';
import { ReplayPhotoServer, createReplayDispatcher } from '../../src/replay/index.js';
import { fixturesDir } from '../support/fixtures.js';

/** First photo of zillow-hdp-austin-tx-29423592, and a photo of another listing. */
const PHOTO = 'https://photos.zillowstatic.com/fp/0908196da96088046519d08b7d069684-cc_ft_384.jpg';
const OTHER = 'https://photos.zillowstatic.com/fp/f0df7bb34618b59134c105b004ce221e-cc_ft_384.jpg';
/** The `Last-Modified` replay sends for every photo. */
const REPLAY_LAST_MODIFIED = new Date('2024-11-01T00:00:00.000Z');

describe('HttpPhotoFetcher conditional requests to the replay photo server (real HTTP)', () => {
  let server: ReplayPhotoServer;
  let fetcher: HttpPhotoFetcher;

  beforeAll(async () => {
    server = await ReplayPhotoServer.start(await ReplayArchive.load({ fixturesDir }), { cacheDir: null });
    fetcher = new HttpPhotoFetcher({ dispatcher: createReplayDispatcher(server.origin) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends If-None-Match and returns a typed not-modified result for a 304', async () => {
    const first = await fetcher.fetchPhoto({ url: PHOTO });
    expect(first.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(isNotModified(first)).toBe(false);
    const again = await fetcher.fetchPhoto({ url: PHOTO, ifNoneMatch: [first.etag ?? ''] });
    expect(isNotModified(again)).toBe(true);
    expect(again).toEqual({
      url: PHOTO,
      bytes: Buffer.alloc(0),
      contentType: null,
      etag: first.etag,
      lastModified: 'Fri, 01 Nov 2024 00:00:00 GMT',
      notModified: true,
    });
  });

  it('answers 304 when any tag of the list matches, weak or strong, and 200 with the photo when none does', async () => {
    const { etag } = await fetcher.fetchPhoto({ url: PHOTO });
    const other = await fetcher.fetchPhoto({ url: OTHER });
    const listed = await fetcher.fetchPhoto({ url: PHOTO, ifNoneMatch: [other.etag ?? '', `W/${etag ?? ''}`] });
    expect(listed.notModified).toBe(true);
    const changed = await fetcher.fetchPhoto({ url: PHOTO, ifNoneMatch: [other.etag ?? ''] });
    expect(isNotModified(changed)).toBe(false);
    expect(changed.etag).toBe(etag);
    expect(changed.bytes.equals((await fetcher.fetchPhoto({ url: PHOTO })).bytes)).toBe(true);
  });

  it('sends If-Modified-Since: 304 from the Last-Modified date on, 200 before it', async () => {
    const same = await fetcher.fetchPhoto({ url: PHOTO, ifModifiedSince: REPLAY_LAST_MODIFIED });
    expect(same.notModified).toBe(true);
    expect(same.bytes.length).toBe(0);
    const older = await fetcher.fetchPhoto({ url: PHOTO, ifModifiedSince: new Date(REPLAY_LAST_MODIFIED.getTime() - 1000) });
    expect(older.notModified).toBeUndefined();
    expect(older.bytes.length).toBeGreaterThan(1000);
  });
});

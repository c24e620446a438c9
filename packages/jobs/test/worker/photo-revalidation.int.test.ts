import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, PropertyExtractor, isNotModified, loadPropertiesCsv } from '@phx/core';
import type { FetchedPhoto, PhotoFetchRequest, PhotoFetcher, Property, PropertyOutcome } from '@phx/core';
import { createScraperKit } from '@phx/scrapers';
import type { ScraperKit } from '@phx/scrapers';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

/** The Chicago page's gallery, read independently of the scraper: each photo's Zillow key and caption, in gallery order. */
async function chicagoGallery(): Promise<{ key: string; caption: string | null }[]> {
  const html = await readFile(join(FIXTURES_DIR, 'listings/zillow/zillow-hdp-chicago-il-119974210.html'), 'utf8');
  const next = /<script id="__NEXT_DATA__"[^>]*>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const pageProps = JSON.parse(next).props.pageProps;
  const cache = JSON.parse(pageProps.componentProps?.gdpClientCache ?? pageProps.gdpClientCache);
  const photos = (Object.values(cache)[0] as { property: { responsivePhotos: { url: string; caption?: string }[] } }).property
    .responsivePhotos;
  return photos.map((p) => ({ key: /\/fp\/([0-9a-f]{32})-/.exec(p.url)?.[1] ?? p.url, caption: p.caption?.trim() || null }));
}

const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));
/** A photo of another saved listing (Austin), never on the Chicago listing. */
const OTHER_PICTURE_KEY = '0908196da96088046519d08b7d069684';

/**
 * The kit's real fetcher (HTTP to the replay photo server), recording each
 * request and answer. `replaced` plays a host that now serves another picture
 * behind a URL: the request goes to that picture's URL, over the same HTTP.
 */
class RecordingFetcher implements PhotoFetcher {
  readonly requests: PhotoFetchRequest[] = [];
  readonly answers: FetchedPhoto[] = [];
  readonly replaced = new Map<string, string>();
  constructor(private readonly inner: PhotoFetcher) {}

  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    this.requests.push(request);
    const answer = await this.inner.fetchPhoto({ ...request, url: this.replaced.get(request.url) ?? request.url });
    this.answers.push(answer);
    return answer;
  }

  reset(): void {
    this.requests.length = 0;
    this.answers.length = 0;
  }
}

describe('revalidating known photos with their ETags (replayed listing, real photo server over HTTP, MongoDB)', () => {
  let tdb: TestDatabase;
  let imagesDir: string;
  let kit: ScraperKit;
  let fetcher: RecordingFetcher;
  let photos: MongoPhotoRepository;
  let property: Property;

  const extractor = (revalidateKnownPhotos?: boolean): PropertyExtractor =>
    new PropertyExtractor({
      scrapers: kit.scrapers,
      fetcher,
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
      ...(revalidateKnownPhotos === undefined ? {} : { revalidateKnownPhotos }),
    });
  const run = async (revalidateKnownPhotos?: boolean): Promise<PropertyOutcome> => {
    fetcher.reset();
    return extractor(revalidateKnownPhotos).extractProperty(property, { sources: ['zillow'], dryRun: false, jobId: null });
  };

  beforeAll(async () => {
    tdb = await openTestDatabase('revalidate');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-revalidate-'));
    kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: FIXTURES_DIR } });
    fetcher = new RecordingFetcher(kit.fetcher);
    photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    const found = (await loadPropertiesCsv(SAMPLE_CSV)).find((p) => p.address.includes('Chicago'));
    if (found === undefined) throw new Error('the sample CSV lost its Chicago listing');
    property = found;
  });
  afterAll(async () => {
    await kit?.close();
    await tdb.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('asks nothing by default, sends the stored ETags when on: 304 unchanged, new bytes behind a known URL a new photo', async () => {
    const first = await run();
    const listed = first.photosFound;
    expect(first).toMatchObject({ status: 'completed', newImages: listed, duplicateImages: 0, failedImages: 0 });
    expect(fetcher.requests.every((r) => r.ifNoneMatch === undefined)).toBe(true);
    const records = await photos.listPhotos(property.id);
    expect(records).toHaveLength(listed);
    const gallery = await chicagoGallery();
    expect(gallery).toHaveLength(5);
    expect(records.map((r) => r.photoIds[0])).toEqual(gallery.map((g) => g.key));
    expect(records.map((r) => r.caption)).toEqual(gallery.map((g) => g.caption));
    expect(records.map((r) => r.gallery?.zillow?.position)).toEqual([0, 1, 2, 3, 4]);
    expect(records.every((r) => r.etags.length === 1 && /^"[0-9a-f]{40}"$/.test(r.etags[0] ?? ''))).toBe(true);

    // Default: polite, no request for a known photo.
    expect(await run()).toMatchObject({ newImages: 0, duplicateImages: 0, unchangedImages: listed, failedImages: 0 });
    expect(fetcher.requests).toEqual([]);

    // Revalidation on: one conditional request per photo with the ETag its record holds, every answer a 304.
    expect(await run(true)).toMatchObject({ newImages: 0, duplicateImages: 0, unchangedImages: listed, failedImages: 0, removedImages: 0 });
    const etagOfUrl = new Map(records.flatMap((r) => r.urls.map((u) => [u, r.etags] as const)));
    expect(fetcher.requests.map((r) => [r.url, r.ifNoneMatch])).toEqual(fetcher.requests.map((r) => [r.url, etagOfUrl.get(r.url)]));
    expect(fetcher.requests).toHaveLength(listed);
    expect(fetcher.answers.filter(isNotModified)).toHaveLength(listed);

    // The host now serves another picture behind the first photo's URL: a 200 with new bytes, stored as a new photo.
    const replacedUrl = fetcher.requests[0]?.url ?? '';
    fetcher.replaced.set(replacedUrl, replacedUrl.replace(/\/fp\/[0-9a-f]{32}-/, `/fp/${OTHER_PICTURE_KEY}-`));
    expect(await run(true)).toMatchObject({ newImages: 1, duplicateImages: 0, unchangedImages: listed - 1, failedImages: 0 });
    expect(fetcher.answers.filter(isNotModified)).toHaveLength(listed - 1);
    const after = await photos.listPhotos(property.id);
    expect(after).toHaveLength(listed + 1);
    const newRecord = after.find((r) => !records.some((old) => old.sha256 === r.sha256));
    expect(newRecord?.urls).toEqual([replacedUrl]);
  }, 180_000);
});

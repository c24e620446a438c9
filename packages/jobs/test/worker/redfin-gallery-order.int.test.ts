import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileImageStore, PropertyExtractor, loadPropertiesCsv } from '@phx/core';
import type { FetchedPhoto, PhotoFetchRequest, PhotoFetcher, Property } from '@phx/core';
import { createScraperKit } from '@phx/scrapers';
import type { ScraperKit } from '@phx/scrapers';
import { MongoPhotoRepository } from '../../src/repository/mongo-photo-repository.js';
import { photoCollectionName } from '../../src/repository/photo-partitions.js';
import { FIXTURES_DIR } from '../support/fixture-photos.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';

const PAGE = 'listings/redfin/redfin-hdp-vancouver-bc-156482034.html';
const SAMPLE_CSV = fileURLToPath(new URL('../../../../tools/data/sample-properties.csv', import.meta.url));

/** One cached API body of the page's server state (`{}&&` prefix stripped), found by path prefix. */
function cachedBody(dataCache: Record<string, { res: { text: string } }>, prefix: string): unknown {
  const entry = Object.entries(dataCache).find(([key]) => key.startsWith(prefix));
  if (entry === undefined) throw new Error(`the saved page has no cached ${prefix}`);
  return JSON.parse(entry[1].res.text.slice(4));
}

/**
 * The saved Redfin page's gallery, read independently of the scraper (as the
 * fixtures README describes): `__reactServerState.InitialContext` →
 * `ReactServerAgent.cache.dataCache` → `aboveTheFold` `payload.mediaBrowserInfo.photos[]`
 * in order, each photo's `bigphoto` URL, with the `shortCaption` of
 * `photoTagsAndCaptions` (empty: none).
 */
async function redfinGallery(): Promise<{ url: string; caption: string | null }[]> {
  const html = await readFile(join(FIXTURES_DIR, PAGE), 'utf8');
  const start = html.indexOf('__reactServerState.InitialContext = ') + '__reactServerState.InitialContext = '.length;
  const context = JSON.parse(html.slice(start, html.indexOf(';\n', start)));
  const dataCache = context['ReactServerAgent.cache'].dataCache;
  const photos = (
    cachedBody(dataCache, '/stingray/api/home/details/aboveTheFold') as {
      payload: { mediaBrowserInfo: { photos: { photoId: number; photoUrls: { fullScreenPhotoUrl: string } }[] } };
    }
  ).payload.mediaBrowserInfo.photos;
  const tags = (
    cachedBody(dataCache, '/stingray/api/photoTagsAndCaptions/') as {
      payload: { tagsByPhotoId: Record<string, { shortCaption?: string }> };
    }
  ).payload.tagsByPhotoId;
  return photos.map((p) => ({ url: p.photoUrls.fullScreenPhotoUrl, caption: tags[String(p.photoId)]?.shortCaption?.trim() || null }));
}

/**
 * The kit's real fetcher (HTTP to the replay photo server), but the host
 * answers the cover (the gallery's first photo) only once `othersStored`
 * says photos listed behind it are stored, as a slow host would: first
 * sighting then cannot be gallery order, whatever the timing of this machine.
 */
class SlowCoverFetcher implements PhotoFetcher {
  constructor(
    private readonly inner: PhotoFetcher,
    private readonly coverUrl: string,
    private readonly othersStored: () => Promise<boolean>,
  ) {}

  async fetchPhoto(request: PhotoFetchRequest): Promise<FetchedPhoto> {
    const answer = await this.inner.fetchPhoto(request);
    for (let waitedMs = 0; request.url === this.coverUrl && !(await this.othersStored()); waitedMs += 50) {
      if (waitedMs > 60_000) throw new Error('no other photo was stored within 60 s while the cover was held back');
      await sleep(50);
    }
    return answer;
  }
}

describe('a saved Redfin listing keeps its gallery order (replayed page in Chromium, real photo server over HTTP, MongoDB)', () => {
  let tdb: TestDatabase;
  let imagesDir: string;
  let kit: ScraperKit;
  let property: Property;

  beforeAll(async () => {
    tdb = await openTestDatabase('redfin_gallery');
    imagesDir = await mkdtemp(join(tmpdir(), 'phx-jobs-redfin-gallery-'));
    kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: FIXTURES_DIR } });
    const found = (await loadPropertiesCsv(SAMPLE_CSV)).find((p) => p.listingUrls.redfin?.includes('/home/156482034'));
    if (found === undefined) throw new Error('the sample CSV lost its Vancouver condo (Redfin 156482034)');
    property = found;
  });
  afterAll(async () => {
    await kit?.close();
    await tdb?.close();
    await rm(imagesDir, { recursive: true, force: true });
  });

  it('lists the stored photos in the page gallery order with its captions, not in the order they were stored', async () => {
    const gallery = await redfinGallery();
    expect(gallery).toHaveLength(23);
    const stored = (): Promise<number> => tdb.db.collection(photoCollectionName(property.id)).countDocuments({ propertyId: property.id });
    const fetcher = new SlowCoverFetcher(kit.fetcher, gallery[0]!.url, async () => (await stored()) >= 3);
    const photos = new MongoPhotoRepository({ db: tdb.db });
    await photos.ensureIndexes();
    const extractor = new PropertyExtractor({
      scrapers: kit.scrapers,
      fetcher,
      store: new FileImageStore({ rootDir: imagesDir, fsync: false }),
      repository: photos,
    });

    const outcome = await extractor.extractProperty(property, { sources: ['redfin'], dryRun: false, jobId: null });
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 23, newImages: 23, duplicateImages: 0, failedImages: 0 });

    const records = await photos.listPhotos(property.id);
    expect(records.map((r) => r.urls[0])).toEqual(gallery.map((g) => g.url));
    expect(records.map((r) => r.gallery?.redfin?.position)).toEqual(gallery.map((_, i) => i));
    expect(records.map((r) => r.caption)).toEqual(gallery.map((g) => g.caption));
    expect(gallery.filter((g) => g.caption !== null).length).toBeGreaterThan(15);

    // The old order (first sighting, then record id) follows the order photos were stored: the cover came fourth or later.
    const firstSighting = await tdb.db
      .collection(photoCollectionName(property.id))
      .find({ propertyId: property.id })
      .sort({ firstSeenAt: 1, _id: 1 })
      .toArray();
    const bySighting = firstSighting.map((d) => (d['urls'] as string[])[0]);
    expect(bySighting).not.toEqual(gallery.map((g) => g.url));
    expect(bySighting.indexOf(gallery[0]!.url)).toBeGreaterThanOrEqual(3);
  }, 180_000);
});

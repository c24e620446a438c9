import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CancelledError, CoreError, InvalidInputError, ListingNotFoundError } from '../../src/errors/index.js';
import { PropertyExtractor } from '../../src/extraction/index.js';
import type { ExtractionEvent, ExtractPropertyRequest } from '../../src/extraction/index.js';
import type { Source } from '../../src/model/index.js';
import type { PhotoRecord } from '../../src/ports/index.js';
import { MemoryPhotoRepository, storedFileNames } from '../../src/photos/index.js';
import { MemoryImageStore } from '../../src/store/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';
import type { ExtractionWorld, PageSpec } from '../support/extraction-world.js';
import { readHousePhoto } from '../support/fixtures.js';

const home = makeProperty('4732 W Davis Rd, Glendale, AZ 85306', ['zillow', 'redfin']);
const zillowOnly = makeProperty('1 Main St, Phoenix, AZ 85001', ['zillow']);

function pages(entries: [string | null, PageSpec][]): Map<string | null, PageSpec> {
  return new Map(entries);
}

function request(overrides: Partial<ExtractPropertyRequest> = {}): ExtractPropertyRequest & { events: ExtractionEvent[] } {
  const events: ExtractionEvent[] = [];
  return { sources: ['zillow', 'redfin'], dryRun: false, jobId: null, onEvent: (e) => events.push(e), events, ...overrides };
}

/** The stored originals among a property's files (each also has `.web.webp` and `.thumb.webp` variants). */
function originals(names: readonly string[]): string[] {
  return names.filter((n) => !n.endsWith('.webp'));
}

async function sha256Of(name: string): Promise<string> {
  return createHash('sha256')
    .update(await readHousePhoto(name))
    .digest('hex');
}

describe('PropertyExtractor: storing photos', () => {
  it('stores each distinct photo once and counts byte-identical photos as duplicates', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(12)]]) });
    const req = request({ sources: ['zillow'] });
    const outcome = await world.extractor.extractProperty(zillowOnly, req);
    expect(outcome).toEqual({
      propertyId: zillowOnly.id,
      address: zillowOnly.address,
      status: 'completed',
      ...{
        photosFound: 4,
        newImages: 3,
        duplicateImages: 1,
        failedImages: 0,
        unchangedImages: 0,
        removedImages: 0,
        missingPhotos: 0,
        placeholderImages: 0,
      },
      ...{ sourcesRead: ['zillow'], fetchModes: [], skippedSources: [], failures: [] },
    });
    const bathroom = await sha256Of('house-012-bathroom.jpg');
    expect(originals(await world.store.list(zillowOnly.id))).toHaveLength(3);
    expect(await world.store.list(zillowOnly.id)).toContain(`${bathroom}.jpg`);
    const records = await world.repository.listPhotos(zillowOnly.id);
    expect(records).toHaveLength(3);
    expect((await world.store.list(zillowOnly.id)).sort()).toEqual(records.flatMap(storedFileNames).sort());
    expect(records[0]?.variants.map((v) => [v.name, v.fileName, v.format])).toEqual([
      ['web', `${records[0]?.sha256}.web.webp`, 'webp'],
      ['thumb', `${records[0]?.sha256}.thumb.webp`, 'webp'],
    ]);
    expect(records.every((r) => r.perceptualHash !== null && /^[0-9a-f]{16}$/.test(r.perceptualHash))).toBe(true);
    expect(records.find((r) => r.sha256 === bathroom)).toMatchObject({
      photoIds: expect.arrayContaining(['h012-bathroom', 'h012-bedroom']),
      format: 'jpeg',
      fileName: `${bathroom}.jpg`,
    });
    expect(req.events.map((e) => e.type)).toEqual([
      'property-started',
      'photos-listed',
      ...Array<string>(4).fill('photo-stored'),
      'property-finished',
    ]);
    expect(req.events.filter((e) => e.type === 'photo-stored' && !e.created)).toHaveLength(1);
    expect(world.scrapers.zillow.released).toEqual([zillowOnly.id]);
  });

  it('records the same photo on Zillow and Redfin once, with both sources', async () => {
    const frontal = { photoId: 'same-frontal', body: 'house-photos/house-020-frontal.jpg' };
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), [frontal, ...house(21, ['kitchen'])]]]),
      redfin: pages([[pageUrl('redfin', home), [frontal]]]),
    });
    const outcome = await world.extractor.extractProperty(home, request());
    const frontalHash = await sha256Of('house-020-frontal.jpg');
    expect(outcome).toMatchObject({ status: 'completed', newImages: 2, duplicateImages: 1, sourcesRead: ['zillow', 'redfin'] });
    const records = await world.repository.listPhotos(home.id);
    expect(records).toHaveLength(2);
    expect(records.find((r) => r.sha256 === frontalHash)).toMatchObject({
      sources: expect.arrayContaining(['zillow', 'redfin']),
      photoIds: ['same-frontal'],
      urls: expect.arrayContaining([expect.stringContaining('zillowstatic'), expect.stringContaining('cdn-redfin')]),
    });
  });

  it('downloads nothing on a second run: every photo is unchanged and its last-seen moves', async () => {
    // An injected clock: the second run is a day later, whatever the machine's speed.
    let now = new Date('2026-11-01T12:00:00Z');
    const clock = { now: () => now };
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(3)]]) }, { extractor: { clock } });
    await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    const downloads = world.fetcher.fetched.length;
    now = new Date('2026-11-02T12:00:00Z');
    const req = request({ sources: ['zillow'] });
    const again = await world.extractor.extractProperty(zillowOnly, req);
    expect(again).toMatchObject({ status: 'completed', newImages: 0, duplicateImages: 0, unchangedImages: 4, removedImages: 0 });
    expect(world.fetcher.fetched.length).toBe(downloads);
    expect(req.events.filter((e) => e.type === 'photo-unchanged')).toHaveLength(4);
    expect(originals(await world.store.list(zillowOnly.id))).toHaveLength(4);
    const records = await world.repository.listPhotos(zillowOnly.id);
    expect(records.map((r) => [r.firstSeenAt.toISOString(), r.lastSeenAt.toISOString()])).toEqual(
      records.map(() => ['2026-11-01T12:00:00.000Z', '2026-11-02T12:00:00.000Z']),
    );
  });

  it('stores again a known photo whose file the image store lacks (a new or emptied images folder over the same database)', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(3)]]) });
    await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    const before = await world.store.list(zillowOnly.id);
    const emptyStore = new MemoryImageStore();
    const { scrapers, fetcher, repository } = world;
    const extractor = new PropertyExtractor({ scrapers, fetcher, store: emptyStore, repository });
    const req = request({ sources: ['zillow'] });
    const again = await extractor.extractProperty(zillowOnly, req);
    // The same listing photos as recorded, their files stored again: unchanged, not new or duplicate.
    expect(again).toMatchObject({ status: 'completed', unchangedImages: 4, newImages: 0, duplicateImages: 0, failedImages: 0 });
    expect(req.events.filter((e) => e.type === 'photo-unchanged' && e.filesRestored === 'missing')).toHaveLength(4);
    expect((await emptyStore.list(zillowOnly.id)).sort()).toEqual([...before].sort());
    expect(await repository.listPhotos(zillowOnly.id)).toHaveLength(4);
  });

  it('stores again a known photo one of whose web variants the image store lacks (a deleted thumbnail)', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(3)]]) });
    await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    const before = await world.store.list(zillowOnly.id);
    const lost = before.find((name) => name.endsWith('.webp'));
    expect(lost, 'the run stores web variants').toBeDefined();
    const store = new MemoryImageStore();
    for (const name of before.filter((n) => n !== lost))
      await store.put(zillowOnly.id, name, (await world.store.get(zillowOnly.id, name))!);
    const { scrapers, fetcher, repository } = world;
    const again = await new PropertyExtractor({ scrapers, fetcher, store, repository }).extractProperty(
      zillowOnly,
      request({ sources: ['zillow'] }),
    );
    expect(again).toMatchObject({ status: 'completed', failedImages: 0, unchangedImages: 4, newImages: 0, duplicateImages: 0 });
    expect(await store.list(zillowOnly.id)).toEqual(before);
    expect(await repository.listPhotos(zillowOnly.id)).toHaveLength(4);
  });

  it('keeps at most photoConcurrency downloads in flight', async () => {
    const photos = [...house(30), ...house(31), ...house(32)];
    const world = await buildWorld(
      { zillow: pages([[pageUrl('zillow', zillowOnly), photos]]) },
      { fetchDelayMs: 5, extractor: { photoConcurrency: 2 } },
    );
    const outcome = await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    expect(outcome.newImages).toBe(12);
    expect(world.fetcher.maxInFlight).toBe(2);
  });
});

describe('PropertyExtractor: failures', () => {
  it('fails only the photo that is corrupt, truncated, HTML or missing; the rest are stored', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><title>Access to this page has been denied</title></html>');
    const photos: PageSpec = [
      ...house(5, ['kitchen']),
      { photoId: 'truncated', body: 'images/truncated-first-10000-bytes.jpg' },
      { photoId: 'html', body: html },
      { photoId: 'gone', body: null },
      ...house(5, ['frontal']),
    ];
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), photos]]) });
    const req = request({ sources: ['zillow'] });
    const outcome = await world.extractor.extractProperty(zillowOnly, req);
    expect(outcome).toMatchObject({ status: 'completed', photosFound: 5, newImages: 2, failedImages: 3 });
    expect(outcome.failures.map((f) => [f.code, f.source])).toEqual([
      ['INVALID_IMAGE', 'zillow'],
      ['INVALID_IMAGE', 'zillow'],
      ['PHOTO_HTTP_STATUS', 'zillow'],
    ]);
    expect(outcome.failures[0]?.message).toMatch(/truncated/);
    expect(outcome.failures[0]?.url).toContain('truncated');
    expect(outcome.failures[1]?.message).toMatch(/not-an-image.*Access to this page has been denied/);
    expect(req.events.filter((e) => e.type === 'photo-failed')).toHaveLength(3);
    expect(originals(await world.store.list(zillowOnly.id))).toHaveLength(2);
  });

  it('fails the property when a listing page cannot be read, naming the page; the other source is still read', async () => {
    const pageError = new CoreError('PHOTO_DATA_MISSING', 'no __NEXT_DATA__ script on the page', 'permanent');
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), house(7)]]),
      redfin: pages([[pageUrl('redfin', home), pageError]]),
    });
    const outcome = await world.extractor.extractProperty(home, request());
    expect(outcome).toMatchObject({ status: 'failed', newImages: 4, sourcesRead: ['zillow'] });
    expect(outcome.failures).toEqual([
      {
        source: 'redfin',
        url: pageUrl('redfin', home),
        code: 'PHOTO_DATA_MISSING',
        message: `Could not read the redfin listing page ${pageUrl('redfin', home)}: no __NEXT_DATA__ script on the page`,
        kind: 'permanent',
      },
    ]);
    expect(world.scrapers.redfin.released).toEqual([home.id]);
  });

  it('fails a source whose gallery is empty or whose every photo failed', async () => {
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), []]]),
      redfin: pages([[pageUrl('redfin', home), [{ photoId: 'x', body: null }]]]),
    });
    const outcome = await world.extractor.extractProperty(home, request());
    expect(outcome.status).toBe('failed');
    expect(outcome.failures.map((f) => f.code)).toEqual(['NO_PHOTOS', 'PHOTO_HTTP_STATUS', 'ALL_PHOTOS_FAILED']);
  });

  it('fails the source when photos cannot be stored', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(8)]]) });
    const store = new MemoryImageStore();
    store.put = async () => {
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const extractor = new PropertyExtractor({
      scrapers: world.scrapers,
      fetcher: world.fetcher,
      store,
      repository: new MemoryPhotoRepository(),
    });
    const outcome = await extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    expect(outcome).toMatchObject({ status: 'failed', newImages: 0 });
    expect(outcome.failures).toEqual([
      expect.objectContaining({ source: 'zillow', code: 'ENOSPC', message: expect.stringMatching(/no space left/) }),
    ]);
  });
});

describe('PropertyExtractor: skipped sources', () => {
  it('skips a source without a listing URL, and still completes', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(9, ['kitchen'])]]) });
    const outcome = await world.extractor.extractProperty(zillowOnly, request());
    expect(outcome).toMatchObject({
      status: 'completed',
      sourcesRead: ['zillow'],
      skippedSources: [{ source: 'redfin', reason: 'no redfin listing URL for this property' }],
      failures: [],
    });
    expect(world.scrapers.redfin.requests).toEqual([]);
    expect(world.scrapers.redfin.released).toEqual([zillowOnly.id]);
  });

  it('skips a source whose scraper finds no listing (ListingNotFoundError)', async () => {
    const notFound = new ListingNotFoundError('redfin', home.address, 'address search returned no match');
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), house(10, ['kitchen'])]]),
      redfin: pages([[pageUrl('redfin', home), notFound]]),
    });
    const outcome = await world.extractor.extractProperty(home, request());
    expect(outcome).toMatchObject({ status: 'completed', skippedSources: [{ source: 'redfin', reason: notFound.message }] });
  });

  it('asks the scraper to search by address when searchByAddress is on', async () => {
    const world = await buildWorld({ redfin: pages([[null, house(11, ['kitchen'])]]) }, { extractor: { searchByAddress: true } });
    const outcome = await world.extractor.extractProperty(zillowOnly, request({ sources: ['redfin'] }));
    expect(outcome).toMatchObject({ status: 'completed', newImages: 1 });
    expect(world.scrapers.redfin.requests[0]?.listingUrl).toBeNull();
  });

  it('searches every requested site by address for a property with no listing URL at all, even with searchByAddress off', async () => {
    const world = await buildWorld({ redfin: pages([[null, house(11, ['kitchen'])]]) });
    const bare = makeProperty('6 Somewhere Ln, Mesa, AZ', []);
    const outcome = await world.extractor.extractProperty(bare, request({ sources: ['redfin'] }));
    expect(outcome).toMatchObject({ status: 'completed', newImages: 1, sourcesRead: ['redfin'] });
    expect(world.scrapers.redfin.requests.map((r) => r.listingUrl)).toEqual([null]);
  });

  it('fails a property with no listing on any requested source, saying why for each', async () => {
    const bare = makeProperty('5 Nowhere Ln, Mesa, AZ', []);
    const zillowNone = new ListingNotFoundError(
      'zillow',
      bare.address,
      'the address search https://www.zillow.com/homes/x_rb/ listed 3 homes',
    );
    const redfinNone = new ListingNotFoundError('redfin', bare.address, 'the location autocomplete answered HTTP 404');
    const world = await buildWorld({ zillow: pages([[null, zillowNone]]), redfin: pages([[null, redfinNone]]) });
    const outcome = await world.extractor.extractProperty(bare, request());
    expect(outcome.status).toBe('failed');
    expect(outcome.failures).toEqual([
      {
        source: null,
        url: null,
        code: 'NOT_FOUND',
        message: `No requested source has a listing for "5 Nowhere Ln, Mesa, AZ" (zillow: ${zillowNone.message}; redfin: ${redfinNone.message})`,
      },
    ]);
  });
});

describe('PropertyExtractor: dry run', () => {
  it('lists photos without downloading or storing anything', async () => {
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), house(13)]]),
      redfin: pages([[pageUrl('redfin', home), house(14, ['kitchen'])]]),
    });
    const req = request({ dryRun: true });
    const outcome = await world.extractor.extractProperty(home, req);
    expect(outcome).toMatchObject({
      status: 'completed',
      photosFound: 5,
      newImages: 0,
      duplicateImages: 0,
      sourcesRead: ['zillow', 'redfin'],
    });
    expect(req.events.filter((e) => e.type === 'photo-listed-dry-run')).toHaveLength(5);
    expect(world.fetcher.fetched).toEqual([]);
    expect(await world.store.list(home.id)).toEqual([]);
    expect(await world.repository.listPhotos(home.id)).toEqual([]);
  });
});

describe('PropertyExtractor: cancellation', () => {
  it('stops promptly when the signal is aborted, keeps what was stored and releases the scrapers', async () => {
    const photos = [...house(40), ...house(41), ...house(42), ...house(43)];
    const world = await buildWorld(
      { zillow: pages([[pageUrl('zillow', zillowOnly), photos]]) },
      { fetchDelayMs: 20, extractor: { photoConcurrency: 2 } },
    );
    const controller = new AbortController();
    const req = request({
      sources: ['zillow'],
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'photo-stored') controller.abort(new Error('job cancelled by user'));
      },
    });
    const started = Date.now();
    const error: unknown = await world.extractor.extractProperty(zillowOnly, req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).message).toBe('job cancelled by user');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(world.fetcher.fetched.length).toBeLessThan(photos.length);
    const stored = originals(await world.store.list(zillowOnly.id));
    expect(stored.length).toBeGreaterThanOrEqual(1);
    expect(await world.repository.listPhotos(zillowOnly.id)).toHaveLength(stored.length);
    expect(world.scrapers.zillow.released).toEqual([zillowOnly.id]);
  });

  it('cancels while the listing page loads', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(44)]]) }, { scrapeDelayMs: 200 });
    const controller = new AbortController();
    const pending = world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'], signal: controller.signal }));
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    expect(world.fetcher.fetched).toEqual([]);
  });

  it('does not start when the signal is already aborted', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(45)]]) });
    const req = request({ sources: ['zillow'], signal: AbortSignal.abort() });
    await expect(world.extractor.extractProperty(zillowOnly, req)).rejects.toBeInstanceOf(CancelledError);
    expect(world.scrapers.zillow.requests).toEqual([]);
    expect(req.events).toEqual([]);
  });
});

describe('PropertyExtractor: validation and listeners', () => {
  it('rejects invalid options, listing every problem', async () => {
    const world = await buildWorld({});
    const call = (): unknown =>
      new PropertyExtractor({
        scrapers: world.scrapers,
        fetcher: {} as never,
        store: world.store,
        repository: world.repository,
        photoConcurrency: 0,
        maxPixels: 1.5,
      });
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/fetcher: must be a PhotoFetcher; photoConcurrency: .*; maxPixels: /);
    // A store written before `listFiles` (sizes, to find damaged files) is refused up front, not at the first property.
    const { put, get, list } = world.store;
    const older = { put, get, list } as never;
    const { scrapers, fetcher, repository } = world;
    expect(() => new PropertyExtractor({ scrapers, fetcher, store: older, repository })).toThrow(
      /store: must be an ImageStore .*listFiles/,
    );
  });

  it('rejects a request for a source without a scraper, or with no source', async () => {
    const world = await buildWorld({});
    const extractor = new PropertyExtractor({
      scrapers: { zillow: world.scrapers.zillow },
      fetcher: world.fetcher,
      store: world.store,
      repository: world.repository,
    });
    await expect(extractor.extractProperty(home, request())).rejects.toThrow(/no scraper configured for redfin/);
    await expect(extractor.extractProperty(home, request({ sources: [] }))).rejects.toThrow(/sources: name at least one source/);
    await expect(extractor.extractProperty(home, request({ sources: ['bing' as Source] }))).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('survives a listener that throws', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(46, ['kitchen'])]]) });
    const req = request({
      sources: ['zillow'],
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await expect(world.extractor.extractProperty(zillowOnly, req)).resolves.toMatchObject({ status: 'completed', newImages: 1 });
  });
});

describe('PropertyExtractor: one canonical image per picture', () => {
  async function scaled(name: string, widthPx: number, format: 'jpeg' | 'webp' = 'jpeg'): Promise<Buffer> {
    const image = sharp(await readHousePhoto(name)).resize(widthPx);
    return format === 'jpeg' ? image.jpeg({ quality: 70 }).toBuffer() : image.webp({ quality: 70 }).toBuffer();
  }

  it('keeps the largest copy of a picture seen smaller first, with every source and URL, and names both files', async () => {
    const small = { photoId: 'z-frontal', body: await scaled('house-020-frontal.jpg', 300, 'webp') };
    const large = { photoId: '86/123_1', body: 'house-photos/house-020-frontal.jpg' };
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), [small, ...house(20, ['kitchen', 'bedroom', 'bathroom'])]]]),
      redfin: pages([[pageUrl('redfin', home), [large]]]),
    });
    const outcome = await world.extractor.extractProperty(home, request());
    expect(outcome).toMatchObject({ status: 'completed', newImages: 4, duplicateImages: 1 });
    const records = await world.repository.listPhotos(home.id);
    expect(records).toHaveLength(4);
    const frontal = records.find((r) => r.photoIds.includes('z-frontal'));
    expect(frontal).toMatchObject({
      sha256: await sha256Of('house-020-frontal.jpg'),
      format: 'jpeg',
      sources: ['zillow', 'redfin'],
      photoIds: ['z-frontal', '86/123_1'],
      duplicates: [{ format: 'webp', widthPx: 300 }],
    });
    expect(frontal?.urls).toHaveLength(2);
    expect(frontal?.duplicates[0]?.fileNames).toHaveLength(3);
    expect((await world.store.list(home.id)).sort()).toEqual(records.flatMap(storedFileNames).sort());
  });

  it('does not store a smaller copy seen after the largest one', async () => {
    const large = { photoId: 'z-kitchen', body: 'house-photos/house-033-kitchen.jpg' };
    const small = { photoId: 'r-kitchen', body: await scaled('house-033-kitchen.jpg', 360) };
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), [large]]]),
      redfin: pages([[pageUrl('redfin', home), [small]]]),
    });
    expect(await world.extractor.extractProperty(home, request())).toMatchObject({ newImages: 1, duplicateImages: 1 });
    const [record, ...rest] = await world.repository.listPhotos(home.id);
    expect(rest).toEqual([]);
    expect(record).toMatchObject({ sha256: await sha256Of('house-033-kitchen.jpg'), duplicates: [{ widthPx: 360, fileNames: [] }] });
    expect((await world.store.list(home.id)).sort()).toEqual(storedFileNames(record as PhotoRecord).sort());
  });

  it('keeps similar rooms of different houses apart', async () => {
    const rooms = [...house(3, ['bathroom']), ...house(43, ['bathroom']), ...house(40, ['bedroom']), ...house(56, ['bedroom'])];
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), rooms]]) });
    expect(await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }))).toMatchObject({
      newImages: 4,
      duplicateImages: 0,
    });
  });

  it('writes the configured variants only', async () => {
    const world = await buildWorld(
      { zillow: pages([[pageUrl('zillow', zillowOnly), house(8, ['kitchen'])]]) },
      { extractor: { variants: [{ name: 'small', maxSidePx: 120, quality: 50 }] } },
    );
    await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    const [record] = await world.repository.listPhotos(zillowOnly.id);
    expect(record?.variants.map((v) => [v.name, Math.max(v.widthPx, v.heightPx)])).toEqual([['small', 120]]);
    expect(await world.store.list(zillowOnly.id)).toHaveLength(2);
  });
});

describe('PropertyExtractor: incremental re-runs', () => {
  /** A later visit to the sites, with other galleries, over the same store and records. */
  function later(world: ExtractionWorld, next: Partial<Record<Source, Map<string | null, PageSpec>>>): Promise<ExtractionWorld> {
    return buildWorld(next, { extractor: { store: world.store, repository: world.repository } });
  }

  it('downloads only new photos, marks vanished ones removed (kept, dated) and restores them when they return', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(4)]]) });
    await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));

    const second = await later(world, {
      zillow: pages([[pageUrl('zillow', zillowOnly), [...house(4, ['bathroom', 'bedroom', 'frontal']), ...house(5, ['kitchen'])]]]),
    });
    const req = request({ sources: ['zillow'] });
    const outcome = await second.extractor.extractProperty(zillowOnly, req);
    expect(outcome).toMatchObject({ status: 'completed', newImages: 1, duplicateImages: 0, unchangedImages: 3, removedImages: 1 });
    expect(second.fetcher.fetched).toHaveLength(1);
    expect(req.events.filter((e) => e.type === 'photos-removed')).toEqual([
      { type: 'photos-removed', propertyId: zillowOnly.id, count: 1 },
    ]);
    let records = await world.repository.listPhotos(zillowOnly.id);
    expect(records).toHaveLength(5);
    const kitchen = records.find((r) => r.photoIds.includes('h004-kitchen'));
    expect(kitchen?.removedAt).toBeInstanceOf(Date);
    expect(records.filter((r) => r.removedAt !== null)).toHaveLength(1);
    expect(await world.store.list(zillowOnly.id)).toContain(kitchen?.fileName);

    const third = await later(world, { zillow: pages([[pageUrl('zillow', zillowOnly), [...house(4), ...house(5, ['kitchen'])]]]) });
    expect(await third.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }))).toMatchObject({
      ...{ newImages: 0, unchangedImages: 5, removedImages: 0 },
    });
    expect(third.fetcher.fetched).toHaveLength(0);
    records = await world.repository.listPhotos(zillowOnly.id);
    expect(records.every((r) => r.removedAt === null)).toBe(true);
  });

  it('marks nothing removed when a source failed or was not read', async () => {
    const world = await buildWorld({
      zillow: pages([[pageUrl('zillow', home), house(6)]]),
      redfin: pages([[pageUrl('redfin', home), house(26, ['kitchen'])]]),
    });
    await world.extractor.extractProperty(home, request());
    const failing = await later(world, {
      zillow: pages([[pageUrl('zillow', home), new CoreError('PHOTO_DATA_MISSING', 'no photo data', 'permanent')]]),
      redfin: pages([[pageUrl('redfin', home), []]]),
    });
    expect(await failing.extractor.extractProperty(home, request())).toMatchObject({ status: 'failed', removedImages: 0 });
    // Zillow not read: its photos stay listed even though Redfin's gallery is now empty.
    const redfinOnly = await later(world, { redfin: pages([[pageUrl('redfin', home), house(26, ['kitchen'])]]) });
    expect(await redfinOnly.extractor.extractProperty(home, request({ sources: ['redfin'] }))).toMatchObject({
      status: 'completed',
      removedImages: 0,
    });
    expect((await world.repository.listPhotos(home.id)).every((r) => r.removedAt === null)).toBe(true);
  });

  it('completes on a re-run what a crash left between storing the files and recording them', async () => {
    const world = await buildWorld({ zillow: pages([[pageUrl('zillow', zillowOnly), house(9, ['kitchen', 'frontal'])]]) });
    // The crash: the kitchen photo's files were stored, its record was never written.
    const kitchen = await readHousePhoto('house-009-kitchen.jpg');
    const sha = createHash('sha256').update(kitchen).digest('hex');
    await world.store.put(zillowOnly.id, `${sha}.jpg`, kitchen);
    const outcome = await world.extractor.extractProperty(zillowOnly, request({ sources: ['zillow'] }));
    expect(outcome).toMatchObject({ status: 'completed', newImages: 2 });
    const records = await world.repository.listPhotos(zillowOnly.id);
    expect((await world.store.list(zillowOnly.id)).sort()).toEqual(records.flatMap(storedFileNames).sort());
  });
});

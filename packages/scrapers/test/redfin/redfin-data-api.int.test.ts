import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserPool } from '../../src/browser/index.js';
import { REPLAY_POLITENESS_OPTIONS } from '../../src/politeness/index.js';
import type { PolitenessOptions } from '../../src/politeness/index.js';
import { RedfinScraper } from '../../src/redfin/index.js';
import { redfinAutocompleteUrl } from '../../src/redfin/redfin-autocomplete.js';
import { ReplayArchive } from '../../src/replay/index.js';
import { fixturesDir, readListing, readOwnFixture } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { interceptedPool } from '../support/replay-scene.js';
import type { Intercept, InterceptedPool } from '../support/replay-scene.js';

/** The saved New York page: its rendered media browser shows 7 of the 11 photos it declares. */
const NEW_YORK = 'https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411';
/** What the page asks for the whole gallery (from inside the page, with its cookies). */
const ABOVE_THE_FOLD = '**/stingray/api/home/details/aboveTheFold?propertyId=45142411*';
const ADDRESS = '111 4th Ave UNIT 3I, New York, NY 10003';

let archive: ReplayArchive;
const pools: BrowserPool[] = [];

beforeAll(async () => {
  const html = { status: 200, contentType: 'text/html; charset=utf-8', body: Buffer.from(readOwnFixture('redfin-home.html')) };
  archive = await ReplayArchive.load({ fixturesDir, extraPages: [{ url: 'https://www.redfin.com/', response: html }] });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** A pool replaying the saved pages where `intercept` answers the requests matching `glob`; `times` says when each came (ms). */
function scene(glob: string, intercept: Intercept): InterceptedPool {
  const intercepted = interceptedPool(archive, glob, intercept);
  pools.push(intercepted.pool);
  return intercepted;
}

function redfin(pool: BrowserPool, politeness: PolitenessOptions = {}): RedfinScraper {
  return new RedfinScraper({ pool, politeness, politenessDefaults: REPLAY_POLITENESS_OPTIONS, settleMs: 500, fetchMode: 'browser' });
}

/**
 * An `aboveTheFold` answer for the New York listing with all its 11 photos,
 * made from the saved Vancouver answer (Redfin's real format): its first 11
 * photos moved to the New York listing's MLS (REBNY `211`, `RLS20051747_<n>`).
 */
function newYorkAboveTheFold(): string {
  const saved = readListing('redfin', 'redfin-stingray-aboveTheFold-vancouver-bc-154849597.json');
  const data = JSON.parse(saved.slice('{}&&'.length)) as {
    payload: { addressSectionInfo?: unknown; mediaBrowserInfo: { photos: unknown[] } };
  };
  data.payload.mediaBrowserInfo.photos = data.payload.mediaBrowserInfo.photos.slice(0, 11);
  delete data.payload.addressSectionInfo;
  const moved = JSON.stringify(data)
    .replace(/\/256\//g, '/211/')
    .replace(/\/944\//g, '/747/')
    .replace(/R3088944_/g, 'RLS20051747_');
  return `{}&&${moved}`;
}

const htmlPage = '<!DOCTYPE html><html><head><title>Redfin | Something went wrong</title></head><body><h1>Oops</h1></body></html>';

const errorOf = (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );

describe("Redfin's aboveTheFold API, asked when the rendered gallery is short (Chromium, replay)", () => {
  it('a 403 answer is a bot wall counted by the breaker: the circuit opens after 2, the third call requests nothing', async () => {
    const { pool, times } = scene(ABOVE_THE_FOLD, (route) =>
      route.fulfill({ status: 403, contentType: 'text/html', body: '<html><title>403 Forbidden</title></html>' }),
    );
    const scraper = redfin(pool, { blocksToOpenCircuit: 2 });
    for (const n of [1, 2]) {
      const err = await errorOf(scraper.listPhotos({ property: property(`ny ${n}`), listingUrl: NEW_YORK }));
      expect(err).toMatchObject({ code: 'BOT_WALL', kind: 'blocked', status: 403, source: 'redfin' });
    }
    const refused = await errorOf(scraper.listPhotos({ property: property('ny 3'), listingUrl: NEW_YORK }));
    expect(refused).toMatchObject({ code: 'SOURCE_BLOCKED', kind: 'blocked' });
    expect(scraper.guard.circuitState).toBe('open');
    expect(times).toHaveLength(2);
  });

  it('the saved AWS WAF challenge answered with 200 is a bot wall too (markers win over the status)', async () => {
    const wall = readListing('redfin', 'redfin-block-aws-waf-challenge-202.html');
    const { pool } = scene(ABOVE_THE_FOLD, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: wall }));
    const err = await errorOf(redfin(pool).listPhotos({ property: property('ny waf'), listingUrl: NEW_YORK }));
    expect(err).toMatchObject({ code: 'BOT_WALL', kind: 'blocked', vendor: 'aws-waf', status: 200 });
  });

  it('a 429 with Retry-After: 2 is retried no sooner than 2 s later, and the 200 after it gives all 11 photos', async () => {
    const { pool, times } = scene(ABOVE_THE_FOLD, (route, hit) =>
      hit === 1
        ? route.fulfill({ status: 429, headers: { 'retry-after': '2' }, contentType: 'text/plain', body: 'slow down' })
        : route.fulfill({ status: 200, contentType: 'application/json', body: newYorkAboveTheFold() }),
    );
    const listing = await redfin(pool).listPhotos({ property: property('ny 429'), listingUrl: NEW_YORK });
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2_000);
    expect([listing.photos.length, listing.declaredPhotoCount, listing.dataPath]).toEqual([
      11,
      11,
      'aboveTheFold payload.mediaBrowserInfo.photos',
    ]);
    expect(listing.photos[0]?.url).toBe('https://ssl.cdn-redfin.com/photo/211/bigphoto/747/RLS20051747_4.jpg');
  });

  it('a 429 answered forever fails the property as rate limited (transient, with the delay asked) after the retries', async () => {
    const { pool, times } = scene(ABOVE_THE_FOLD, (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '1' }, contentType: 'text/plain', body: 'slow down' }),
    );
    const err = await errorOf(redfin(pool, { maxRetries: 2 }).listPhotos({ property: property('ny 429 forever'), listingUrl: NEW_YORK }));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', kind: 'transient', status: 429, retryAfterMs: 1_000, source: 'redfin' });
    expect(times).toHaveLength(3);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(1_000);
  });

  it('an HTML page where JSON is expected is unexpected content naming what came, not a kept short gallery', async () => {
    const { pool, times } = scene(ABOVE_THE_FOLD, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: htmlPage }),
    );
    const err = await errorOf(redfin(pool, { maxRetries: 1 }).listPhotos({ property: property('ny html'), listingUrl: NEW_YORK }));
    expect(err).toMatchObject({ code: 'UNEXPECTED_CONTENT', kind: 'transient', status: 200, contentType: 'text/html; charset=utf-8' });
    expect((err as Error).message).toContain('"Redfin | Something went wrong"');
    expect(times).toHaveLength(2);
  });
});

describe("Redfin's location search API (Chromium, replay)", () => {
  it('an HTML answer is unexpected content, not "layout changed" or missing photo data', async () => {
    const { pool, times } = scene(redfinAutocompleteUrl(ADDRESS), (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: htmlPage }),
    );
    const err = await errorOf(redfin(pool, { maxRetries: 0 }).findListingUrl(ADDRESS));
    expect(err).toMatchObject({ code: 'UNEXPECTED_CONTENT', kind: 'transient', contentType: 'text/html; charset=utf-8' });
    expect((err as Error).message).toContain('location-autocomplete');
    expect(times).toHaveLength(1);
  });

  it('a 429 is rate limited with the delay it asks for (was a navigation failure of the page)', async () => {
    const { pool, times } = scene(redfinAutocompleteUrl(ADDRESS), (route) =>
      route.fulfill({ status: 429, headers: { 'retry-after': '1' }, contentType: 'text/plain', body: 'slow down' }),
    );
    const err = await errorOf(redfin(pool, { maxRetries: 0 }).findListingUrl(ADDRESS));
    expect(err).toMatchObject({ code: 'RATE_LIMITED', kind: 'transient', status: 429, retryAfterMs: 1_000 });
    expect(times).toHaveLength(1);
  });
});

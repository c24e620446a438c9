import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotWallError, NotAListingPageError } from '../../src/errors/index.js';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { ReplayArchive } from '../../src/replay/index.js';
import { fixturesDir, readListing, readOwnFixture } from '../support/fixtures.js';
import { property } from '../support/kit.js';

// Issue 10 item 11 (first half): a fixtures folder holding a bot wall or a
// non-listing page under a detail-page file name still loads, and serves
// that page as what it is. The folder is made here: links to the shared
// fixtures plus three saved pages under detail-page names.
const ADDED = {
  'zillow/zillow-hdp-phoenix-az-90000101.html': readOwnFixture('zillow-px-captcha-403.html'),
  'zillow/zillow-hdp-phoenix-az-90000103.html': readListing('zillow', 'zillow-search-brunswick-me-04011.html'),
  'redfin/redfin-hdp-phoenix-az-90000102.html': readListing('redfin', 'redfin-block-aws-waf-challenge-202.html'),
};
const WALL_ZILLOW = 'https://www.zillow.com/homedetails/1-Any-St-Phoenix-AZ-85001/90000101_zpid/';
const SEARCH_ZILLOW = 'https://www.zillow.com/homedetails/3-Any-St-Phoenix-AZ-85001/90000103_zpid/';
const WALL_REDFIN = 'https://www.redfin.com/AZ/Phoenix/2-Any-St-85001/home/90000102';

let dir: string;
let kit: ScraperKit | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'phx-fixtures-'));
  await symlink(path.join(fixturesDir, 'house-photos'), path.join(dir, 'house-photos'));
  for (const site of ['zillow', 'redfin']) {
    await mkdir(path.join(dir, 'listings', site), { recursive: true });
    for (const name of await readdir(path.join(fixturesDir, 'listings', site))) {
      await symlink(path.join(fixturesDir, 'listings', site, name), path.join(dir, 'listings', site, name));
    }
  }
  for (const [name, text] of Object.entries(ADDED)) await writeFile(path.join(dir, 'listings', name), text);
});
afterAll(async () => {
  await kit?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a fixtures folder with a bot wall or a search page under a detail-page file name', () => {
  it('loads, keeps the real listings, and says what the other pages are', async () => {
    const archive = await ReplayArchive.load({ fixturesDir: dir });
    expect(archive.listings).toHaveLength(9);
    expect(archive.otherPages.map((p) => [path.basename(p.file), p.what])).toEqual([
      ['zillow-hdp-phoenix-az-90000101.html', expect.stringMatching(/bot wall/)],
      ['zillow-hdp-phoenix-az-90000103.html', expect.stringMatching(/search results with 36 home cards/)],
      ['redfin-hdp-phoenix-az-90000102.html', expect.stringMatching(/bot wall/)],
    ]);
  });

  it('serves each page as what it is through the scrapers in Chromium', async () => {
    kit = await createScraperKit({ mode: { kind: 'replay', fixturesDir: dir }, fetchMode: 'browser', navigationTimeoutMs: 30_000 });
    const zillowWall = await kit.scrapers.zillow.listPhotos({ property: property('a'), listingUrl: WALL_ZILLOW }).catch((e: unknown) => e);
    expect(zillowWall).toBeInstanceOf(BotWallError);
    const search = await kit.scrapers.zillow.listPhotos({ property: property('b'), listingUrl: SEARCH_ZILLOW }).catch((e: unknown) => e);
    expect(search).toBeInstanceOf(NotAListingPageError);
    const redfinWall = await kit.scrapers.redfin.listPhotos({ property: property('c'), listingUrl: WALL_REDFIN }).catch((e: unknown) => e);
    expect(redfinWall).toBeInstanceOf(BotWallError);
  });
});

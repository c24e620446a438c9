import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseZillowListingPage } from '@phx/scrapers/internal';
import { findWorkspaceRoot } from '../../src/db/workspace-paths.js';
import { DistinctZillowPages, ReplayedPageScraper, SCALE_SAVED_PAGE } from '../../src/bench/scale-pages.js';

const fixtures = resolve(process.env['PHX_FIXTURES_DIR'] ?? join(findWorkspaceRoot(), '..', 'shared', 'fixtures'));
const savedPath = join(fixtures, 'listings/zillow', SCALE_SAVED_PAGE.file);

describe('DistinctZillowPages and ReplayedPageScraper (bench:scale)', () => {
  it('gives every property its own zpid, in its URL and in its page', async () => {
    const pages = await DistinctZillowPages.fromFixtures(fixtures);
    const properties = pages.properties(10_000);
    const urls = properties.map((p) => p.listingUrls.zillow ?? '');
    const zpids = urls.map((u) => /\/(\d+)_zpid\/$/.exec(u)?.[1]);
    expect(new Set(properties.map((p) => p.id)).size).toBe(10_000);
    expect(new Set(zpids).size).toBe(10_000);
    expect(zpids).not.toContain(undefined);
    expect(zpids).not.toContain(SCALE_SAVED_PAGE.zpid);
    const page = pages.pageFor(zpids[7] as string);
    expect(page).not.toContain(SCALE_SAVED_PAGE.zpid);
    expect(parseZillowListingPage(page, urls[7] as string).listingId).toBe(zpids[7]);
  });

  it("lists the saved page's photos, in order, for a generated listing", async () => {
    const saved = parseZillowListingPage(await readFile(savedPath, 'utf8'), 'https://www.zillow.com/homedetails/x/2146993218_zpid/');
    expect(saved.photos).toHaveLength(42);
    const pages = await DistinctZillowPages.fromFixtures(fixtures);
    const [property] = pages.properties(3).slice(2);
    const listed = await new ReplayedPageScraper(pages).listPhotos({ property: property!, listingUrl: null });
    expect(listed.source).toBe('zillow');
    expect(listed.listingUrl).toBe(property!.listingUrls.zillow);
    expect(listed.photos).toEqual(saved.photos);
    expect(listed.declaredPhotoCount).toBe(saved.declaredPhotoCount);
  });

  it('rejects a URL that is not a Zillow listing, as the browser scraper does', async () => {
    const pages = await DistinctZillowPages.fromFixtures(fixtures);
    const [property] = pages.properties(1);
    await expect(
      new ReplayedPageScraper(pages).listPhotos({ property: property!, listingUrl: 'https://example.com/home/1' }),
    ).rejects.toThrow(/zillow/i);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { zillowPhotosFromGalleryDom } from '../../src/zillow/zillow-gallery-dom.js';
import { fixturesDir, readListing } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { htmlAnswer } from '../support/page-edits.js';
import { HUNG_URL, deferGallery, deferNextData, withHungIframe, withHungHeadScript } from '../support/slow-pages.js';
import { zillowSearchUrl } from '../../src/zillow/zillow-search.js';

// Issue 10 item 3: wait for the data the parser needs, not for `load`.
const url = (n: number): string => `https://www.zillow.com/homedetails/${n}-Slow-St-Venice-CA-90291/9500000${n}_zpid/`;
const venice = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
const NEXT_DATA_RE = /<script id="__NEXT_DATA__"[^>]*>[\s\S]*?<\/script>/;
const veniceDomOnly = venice.replace(NEXT_DATA_RE, '');
const DOM_PHOTOS = zillowPhotosFromGalleryDom(veniceDomOnly)?.photos.length ?? 0;

/** An address whose search page (the saved Brunswick one, its fifth home made this address) renders its results 2.5 s after load. */
const SEARCHED = '1000 Plymouth Dr, Austin, TX 78758';
const SEARCHED_URL = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
function searchPageWith(address: string, detailUrl: string): string {
  return readListing('zillow', 'zillow-search-brunswick-me-04011.html').replace(NEXT_DATA_RE, (script) => {
    const json = script.slice(script.indexOf('>') + 1, script.lastIndexOf('<'));
    const data = JSON.parse(json) as {
      props: { pageProps: { searchPageState: { cat1: { searchResults: { listResults: Record<string, unknown>[] } } } } };
    };
    const results = data.props.pageProps.searchPageState.cat1.searchResults.listResults;
    results[4] = { ...results[4], zpid: '29423592', address, detailUrl };
    return `${script.slice(0, script.indexOf('>') + 1)}${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`;
  });
}

let kit: ScraperKit;
beforeAll(async () => {
  kit = await createScraperKit({
    fetchMode: 'browser',
    mode: {
      kind: 'replay',
      fixturesDir,
      extraPages: [
        { url: HUNG_URL, response: { ...htmlAnswer('<html></html>'), delayMs: 600_000 } },
        { url: url(1), response: htmlAnswer(deferGallery(veniceDomOnly, 2_500)) },
        { url: url(2), response: htmlAnswer(withHungIframe(venice)) },
        { url: url(3), response: htmlAnswer(withHungHeadScript(venice)) },
        { url: zillowSearchUrl(SEARCHED), response: htmlAnswer(deferNextData(searchPageWith(SEARCHED, SEARCHED_URL), 2_500)) },
      ],
    },
    // Short on purpose: the fixed waits this replaces would each cost the whole time.
    navigationTimeoutMs: 8_000,
    politeness: { maxRetries: 0 },
  });
});
afterAll(async () => {
  await kit?.close();
});

describe('the page loader waits for the data, not for `load`', () => {
  it('reads a gallery the page renders 2.5 s after load', async () => {
    expect(DOM_PHOTOS).toBeGreaterThan(0);
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url(1)), listingUrl: url(1) });
    expect(result.photos).toHaveLength(DOM_PHOTOS);
  });

  it('reads every photo of a page whose iframe never answers', async () => {
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url(2)), listingUrl: url(2) });
    expect(result.photos).toHaveLength(31);
  });

  it('keeps the HTML and data already delivered when a script in <head> never answers', async () => {
    const result = await kit.scrapers.zillow.listPhotos({ property: property(url(3)), listingUrl: url(3) });
    expect(result.photos).toHaveLength(31);
  });

  it('finds the listing of an address whose search page renders its results 2.5 s after load', async () => {
    expect(await kit.scrapers.zillow.findListingUrl(SEARCHED)).toBe(SEARCHED_URL);
  });
});

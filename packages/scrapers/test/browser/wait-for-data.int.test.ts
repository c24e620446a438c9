import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { zillowPhotosFromGalleryDom } from '../../src/zillow/zillow-gallery-dom.js';
import { fixturesDir, readListing } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { htmlAnswer } from '../support/page-edits.js';
import { HUNG_URL, deferGallery, withHungIframe, withHungHeadScript } from '../support/slow-pages.js';

// Issue 10 item 3: wait for the data the parser needs, not for `load`.
const url = (n: number): string => `https://www.zillow.com/homedetails/${n}-Slow-St-Venice-CA-90291/9500000${n}_zpid/`;
const venice = readListing('zillow', 'zillow-hdp-venice-ca-20454567.html');
const NEXT_DATA_RE = /<script id="__NEXT_DATA__"[^>]*>[\s\S]*?<\/script>/;
const veniceDomOnly = venice.replace(NEXT_DATA_RE, '');
const DOM_PHOTOS = zillowPhotosFromGalleryDom(veniceDomOnly)?.photos.length ?? 0;

let kit: ScraperKit;
beforeAll(async () => {
  kit = await createScraperKit({
    mode: {
      kind: 'replay',
      fixturesDir,
      extraPages: [
        { url: HUNG_URL, response: { ...htmlAnswer('<html></html>'), delayMs: 600_000 } },
        { url: url(1), response: htmlAnswer(deferGallery(veniceDomOnly, 2_500)) },
        { url: url(2), response: htmlAnswer(withHungIframe(venice)) },
        { url: url(3), response: htmlAnswer(withHungHeadScript(venice)) },
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
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotWallError } from '../../src/errors/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { readListing } from '../support/fixtures.js';
import { property, replayKit } from '../support/kit.js';

const WAF_URL = 'https://www.redfin.com/AZ/Phoenix/1-Bot-Wall-St-85001/home/90000001';
const PARTIAL_URL = 'https://www.redfin.ca/bc/vancouver/2748-E-23rd-Ave-V5R-1A7/home/154849597';

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit('context', [
    {
      url: WAF_URL,
      response: {
        status: 202,
        contentType: 'text/html',
        body: Buffer.from(readListing('redfin', 'redfin-block-aws-waf-challenge-202.html')),
      },
    },
  ]);
});
afterAll(async () => {
  await kit?.close();
});

/** Photo counts checked by hand (see redfin-page.test.ts). */
const EXPECTED = [
  ['https://www.redfin.ca/bc/vancouver/2748-E-23rd-Ave-V5R-1A7/home/154849597', 31],
  ['https://www.redfin.ca/bc/vancouver/829-E-14th-Ave-V5T-2N5/home/155809679', 40],
  ['https://www.redfin.ca/bc/vancouver/788-W-8th-Ave-V5Z-1E1/unit-L01/home/156482034', 23],
  ['https://www.redfin.com/NY/New-York/111-4th-Ave-10003/unit-3I/home/45142411', 7],
] as const;

describe('RedfinScraper in Chromium on the replayed pages', () => {
  for (const [url, count] of EXPECTED) {
    it(`reads ${count} photos from ${url}`, async () => {
      const p = property(url);
      const result = await kit.scrapers.redfin.listPhotos({ property: p, listingUrl: url });
      await kit.scrapers.redfin.releaseProperty(p.id);
      expect(result.source).toBe('redfin');
      expect(result.photos).toHaveLength(count);
      expect(result.photos.every((ph) => ph.url.startsWith('https://ssl.cdn-redfin.com/photo/') && ph.url.includes('/bigphoto/'))).toBe(
        true,
      );
    });
  }

  it('says the rendered New York page shows 7 of 11 photos and its aboveTheFold API gave nothing more in replay', async () => {
    const url = EXPECTED[3][0];
    const result = await kit.scrapers.redfin.listPhotos({ property: property('ny'), listingUrl: url });
    expect(result.declaredPhotoCount).toBe(11);
    expect(result.dataPath).toBe('rendered media browser [data-rf-test-id="mediaBrowser"]');
  });

  it('completes a partly rendered gallery from the aboveTheFold API the page itself uses', async () => {
    // The Vancouver page with its server state removed and a media browser showing 2 of 31 photos:
    // the scraper asks /stingray/api/home/details/aboveTheFold?propertyId=154849597 (replayed from the saved body).
    const saved = readListing('redfin', 'redfin-hdp-vancouver-bc-154849597.html');
    const stripped = saved.replace(/root\.__reactServerState\.InitialContext = /, 'root.gone = ');
    const preview =
      '<div data-rf-test-id="mediaBrowser"><button id="photoPreviewButton">31 photos</button>' +
      '<picture><img src="https://ssl.cdn-redfin.com/photo/256/bigphoto/944/R3088944_4.jpg" alt="2748 E 23rd Ave"></picture>' +
      '<picture><img src="https://ssl.cdn-redfin.com/photo/256/mbphotov3/944/genMid.R3088944_1_3.jpg"></picture></div>';
    const partialKit = await replayKit('virtual', [
      {
        url: PARTIAL_URL,
        response: { status: 200, contentType: 'text/html', body: Buffer.from(stripped.replace('<body', `<body>${preview}<i hidden></i`)) },
      },
    ]);
    try {
      const result = await partialKit.scrapers.redfin.listPhotos({ property: property('partial'), listingUrl: PARTIAL_URL });
      expect(result.photos).toHaveLength(31);
      expect(result.dataPath).toBe('aboveTheFold payload.mediaBrowserInfo.photos');
    } finally {
      await partialKit.close();
    }
  });

  it('throws BotWallError on the AWS WAF challenge (HTTP 202)', async () => {
    const err = await kit.scrapers.redfin.listPhotos({ property: property('waf'), listingUrl: WAF_URL }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotWallError);
    expect((err as BotWallError).vendor).toBe('aws-waf');
    expect((err as BotWallError).status).toBe(202);
    expect((err as BotWallError).source).toBe('redfin');
  });
});

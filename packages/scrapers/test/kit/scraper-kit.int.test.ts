import { describe, expect, it } from 'vitest';
import { property, replayKit } from '../support/kit.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';

describe('ScraperKit in replay', () => {
  it('scrapes both sources, downloads through the fetcher, and leaves no Chromium after close()', async () => {
    const kit = await replayKit('context');
    let pids: number[] = [];
    try {
      const z = await kit.scrapers.zillow.listPhotos({
        property: property('z'),
        listingUrl: 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/',
      });
      const r = await kit.scrapers.redfin.listPhotos({
        property: property('r'),
        listingUrl: 'https://www.redfin.ca/bc/vancouver/788-W-8th-Ave-V5Z-1E1/unit-L01/home/156482034',
      });
      expect([z.photos.length, r.photos.length]).toEqual([5, 23]);
      const photo = await kit.fetcher.fetchPhoto({ url: r.photos[0]?.url ?? '' });
      expect(photo.contentType).toBe('image/jpeg');
      pids = chromiumProcessesOfThisTest();
      expect(pids.length).toBeGreaterThan(0);
    } finally {
      await kit.close();
    }
    const deadline = Date.now() + 5_000;
    while (stillAlive(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stillAlive(pids)).toEqual([]);
    expect(chromiumProcessesOfThisTest()).toEqual([]);
  });
});

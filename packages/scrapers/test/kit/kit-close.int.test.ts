import { CancelledError } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { createScraperKit } from '../../src/kit/index.js';
import type { ScraperKit } from '../../src/kit/index.js';
import { fixturesDir } from '../support/fixtures.js';
import { property } from '../support/kit.js';
import { chromiumProcessesOfThisTest, stillAlive } from '../support/processes.js';

const AUSTIN = 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/';
const CHICAGO = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';
const VANCOUVER = 'https://www.redfin.ca/bc/vancouver/788-W-8th-Ave-V5Z-1E1/unit-L01/home/156482034';

/** A replay kit with one page and one download at a time per source, so that further calls wait in line. */
function narrowKit(): Promise<ScraperKit> {
  return createScraperKit({
    fetchMode: 'browser',
    mode: { kind: 'replay', fixturesDir },
    isolationMode: 'context',
    politeness: { pageConcurrency: 1, photoConcurrency: 1 },
  });
}

function outcomes(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => (r.status === 'fulfilled' ? 'fulfilled' : (r.reason as Error).constructor.name));
}

/** The first photo URL of the saved Chicago page, as the replay serves it. */
function aPhotoUrl(kit: ScraperKit): string {
  const chicago = kit.archive?.listings.find((l) => l.url === CHICAGO);
  return chicago?.parsed.photos[0]?.url ?? '';
}

describe('ScraperKit.close() with work in flight (Chromium, replay)', () => {
  it('rejects every running and queued listPhotos with CancelledError and leaves no Chromium', async () => {
    const kit = await narrowKit();
    // One read first, so that Chromium is up and the next calls meet a running browser.
    expect((await kit.scrapers.zillow.listPhotos({ property: property('warm'), listingUrl: CHICAGO })).photos).toHaveLength(5);
    const pids = chromiumProcessesOfThisTest();
    expect(pids.length).toBeGreaterThan(0);
    const settled = Promise.allSettled([
      kit.scrapers.zillow.listPhotos({ property: property('z1'), listingUrl: AUSTIN }),
      kit.scrapers.zillow.listPhotos({ property: property('z2'), listingUrl: AUSTIN }),
      kit.scrapers.zillow.listPhotos({ property: property('z3'), listingUrl: CHICAGO }),
      kit.scrapers.redfin.listPhotos({ property: property('r1'), listingUrl: VANCOUVER }),
    ]);
    await kit.close();
    expect(outcomes(await settled)).toEqual(['CancelledError', 'CancelledError', 'CancelledError', 'CancelledError']);
    const after = await kit.scrapers.zillow.listPhotos({ property: property('late'), listingUrl: AUSTIN }).catch((e: unknown) => e);
    expect(after).toBeInstanceOf(CancelledError);
    const deadline = Date.now() + 10_000;
    while (stillAlive(pids).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stillAlive(pids)).toEqual([]);
    expect(chromiumProcessesOfThisTest()).toEqual([]);
  });

  it('reports downloads started during or after close() as CancelledError, not as a retried DownloadError', async () => {
    const kit = await narrowKit();
    const url = aPhotoUrl(kit);
    const before = await kit.fetcher.fetchPhoto({ url });
    expect(before.contentType).toBe('image/jpeg');
    const during = [kit.fetcher.fetchPhoto({ url }), kit.fetcher.fetchPhoto({ url }), kit.fetcher.fetchPhoto({ url })];
    const closing = kit.close();
    const settled = Promise.allSettled([...during, kit.fetcher.fetchPhoto({ url })]);
    await closing;
    const later = kit.fetcher.fetchPhoto({ url });
    expect(outcomes([...(await settled), ...(await Promise.allSettled([later]))])).toEqual([
      'CancelledError',
      'CancelledError',
      'CancelledError',
      'CancelledError',
      'CancelledError',
    ]);
    expect(((await later.catch((e: unknown) => e)) as CancelledError).message).toBe('photo fetcher is closed');
  });
});

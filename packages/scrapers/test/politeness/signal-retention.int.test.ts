import { getEventListeners } from 'node:events';
import { toPropertyId } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScraperKit } from '../../src/kit/index.js';
import { replayKit } from '../support/kit.js';

/**
 * What a long-lived signal keeps of the calls that joined it: its abort
 * listeners, plus the composite signals `AbortSignal.any` registers in it
 * (Node keeps a WeakRef and its bookkeeping per call until the source
 * aborts, about 1.2 KiB a call: nodejs/node#54614).
 */
function kept(signal: AbortSignal): number {
  const dependants = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = dependants === undefined ? undefined : (signal as unknown as Record<symbol, Set<unknown> | undefined>)[dependants];
  return getEventListeners(signal, 'abort').length + (set?.size ?? 0);
}

const CHICAGO_URL = 'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/';

let kit: ScraperKit;
beforeAll(async () => {
  kit = await replayKit();
});
afterAll(async () => {
  await kit?.close();
});

// Issue 10 item 10: a long run must not leave something of each page or photo in the signals that outlive it.
describe('long-lived signals keep nothing of the calls that ended', () => {
  it('a job-long signal and the pool and fetcher signals are as they were after pages and photo downloads', async () => {
    const job = new AbortController();
    const property = { id: toPropertyId(CHICAGO_URL), address: CHICAGO_URL, listingUrls: {} };
    let photos = 0;
    let afterFirst: { job: number; pool: number } | null = null;
    for (let round = 0; round < 4; round += 1) {
      const listing = await kit.scrapers.zillow.listPhotos({ property, listingUrl: CHICAGO_URL, signal: job.signal });
      for (const photo of listing.photos) {
        const url = photo.variants[0]?.url;
        if (url === undefined) continue;
        await kit.fetcher.fetchPhoto({ url, signal: job.signal });
        photos += 1;
      }
      // The first round may leave what a signal keeps once, whatever the number of calls (one listener); later rounds add nothing.
      afterFirst ??= { job: kept(job.signal), pool: kept(kit.pool.closedSignal) };
    }
    expect(photos).toBeGreaterThanOrEqual(20);
    expect(afterFirst?.job).toBeLessThanOrEqual(1);
    expect(afterFirst?.pool).toBeLessThanOrEqual(1);
    expect({ job: kept(job.signal), pool: kept(kit.pool.closedSignal) }).toEqual(afterFirst);
  });
});

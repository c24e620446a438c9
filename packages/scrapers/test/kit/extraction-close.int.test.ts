import {
  CancelledError,
  MemoryImageStore,
  MemoryPhotoRepository,
  PropertyExtractor,
  ZERO_COUNTERS,
  applyExtractionEvent,
  runExtraction,
  toPropertyId,
} from '@phx/core';
import type { ExtractionEvent, Property } from '@phx/core';
import { describe, expect, it } from 'vitest';
import { replayKit } from '../support/kit.js';

const LISTINGS: readonly [string, string][] = [
  ['1000 Plymouth Dr, Austin, TX 78758', 'https://www.zillow.com/homedetails/1000-Plymouth-Dr-Austin-TX-78758/29423592_zpid/'],
  ['1233 Palms Blvd, Venice, CA 90291', 'https://www.zillow.com/homedetails/1233-Palms-Blvd-Venice-CA-90291/20454567_zpid/'],
  [
    '235 W Van Buren St UNIT 1509, Chicago, IL 60607',
    'https://www.zillow.com/homedetails/235-W-Van-Buren-St-UNIT-1509-Chicago-IL-60607/119974210_zpid/',
  ],
];
const properties: Property[] = LISTINGS.map(([address, zillow]) => ({ id: toPropertyId(address), address, listingUrls: { zillow } }));

describe('runExtraction over a kit that is closed mid-run (Chromium, replay, real photos)', () => {
  it.each(['kit.close()', 'signal abort'])('rejects with CancelledError and counts no property failed (%s)', async (how) => {
    const kit = await replayKit('context');
    const events: ExtractionEvent[] = [];
    const controller = new AbortController();
    let closing: Promise<void> | null = null;
    try {
      const extractor = new PropertyExtractor({
        scrapers: kit.scrapers,
        fetcher: kit.fetcher,
        store: new MemoryImageStore(),
        repository: new MemoryPhotoRepository(),
        photoConcurrency: 2,
      });
      const onEvent = (event: ExtractionEvent): void => {
        events.push(event);
        // Stop at the first stored photo: every property is still running or waiting then.
        if (event.type !== 'photo-stored' || closing !== null) return;
        if (how === 'kit.close()') closing = kit.close();
        else {
          closing = Promise.resolve();
          controller.abort();
        }
      };
      const run = runExtraction(
        { properties, sources: ['zillow'], dryRun: false, jobId: null, signal: controller.signal, onEvent },
        extractor,
      );
      const err = await run.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CancelledError);
      expect(events.filter((e) => e.type === 'photo-stored').length).toBeGreaterThan(0);
      expect(events.filter((e) => e.type === 'property-finished')).toEqual([]);
      const counters = events.reduce(applyExtractionEvent, { ...ZERO_COUNTERS, totalProperties: properties.length });
      expect(counters).toMatchObject({ completedProperties: 0, failedProperties: 0, failedImages: 0 });
    } finally {
      await closing;
      await kit.close();
    }
  });
});

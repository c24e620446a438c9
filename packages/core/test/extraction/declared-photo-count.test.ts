import { describe, expect, it } from 'vitest';
import { applyExtractionEvent } from '../../src/extraction/index.js';
import type { ExtractionEvent, ExtractPropertyRequest } from '../../src/extraction/index.js';
import { ZERO_COUNTERS } from '../../src/model/index.js';
import type { ExtractionCounters, PropertyOutcome } from '../../src/model/index.js';
import { buildWorld, house, makeProperty, pageUrl } from '../support/extraction-world.js';

const zillowOnly = makeProperty('1 Main St, Phoenix, AZ 85001', ['zillow']);
const both = makeProperty('4732 W Davis Rd, Glendale, AZ 85306', ['zillow', 'redfin']);

function request(overrides: Partial<ExtractPropertyRequest> = {}): ExtractPropertyRequest & { events: ExtractionEvent[] } {
  const events: ExtractionEvent[] = [];
  return { sources: ['zillow'], dryRun: false, jobId: null, onEvent: (e) => events.push(e), events, ...overrides };
}

function finished(events: readonly ExtractionEvent[]): PropertyOutcome | undefined {
  const last = events.find((e) => e.type === 'property-finished');
  return last?.type === 'property-finished' ? last.outcome : undefined;
}

/** house(12) lists 4 photos on Zillow; the page may declare more. */
async function zillowWorld(declared: number | null) {
  const url = pageUrl('zillow', zillowOnly);
  const world = await buildWorld({ zillow: new Map([[url, house(12)]]) });
  if (declared !== null) world.scrapers.zillow.declaredPhotoCounts.set(url, declared);
  return { world, url };
}

describe('PropertyExtractor: declared photo count', () => {
  it('ends partial, with the missing photos and why, when the page declares more photos than its gallery gave', async () => {
    const { world, url } = await zillowWorld(6);
    const req = request();
    const outcome = await world.extractor.extractProperty(zillowOnly, req);
    expect(outcome).toMatchObject({ status: 'partial', missingPhotos: 2, photosFound: 4, failedImages: 0, sourcesRead: ['zillow'] });
    expect(outcome.newImages + outcome.duplicateImages).toBe(4);
    expect(outcome.failures).toEqual([
      {
        source: 'zillow',
        url,
        code: 'PHOTOS_MISSING',
        message: `The zillow listing page ${url} declares 6 photos but its gallery gave 4: 2 missing`,
      },
    ]);
    expect(finished(req.events)).toEqual(outcome);
    const counters = req.events.reduce<ExtractionCounters>(applyExtractionEvent, { ...ZERO_COUNTERS, totalProperties: 1 });
    expect(counters).toMatchObject({ completedProperties: 0, partialProperties: 1, failedProperties: 0, totalImages: 4 });
  });

  it('completes when the gallery gives every declared photo, or the page declares none', async () => {
    for (const declared of [4, 3, null]) {
      const { world } = await zillowWorld(declared);
      const outcome = await world.extractor.extractProperty(zillowOnly, request());
      expect({ declared, status: outcome.status, missing: outcome.missingPhotos }).toEqual({ declared, status: 'completed', missing: 0 });
    }
  });

  it('counts photos that failed and photos already stored as accounted for, not missing', async () => {
    const { world } = await zillowWorld(4);
    await world.extractor.extractProperty(zillowOnly, request());
    const second = await world.extractor.extractProperty(zillowOnly, request());
    expect(second).toMatchObject({ status: 'completed', missingPhotos: 0, unchangedImages: 4, newImages: 0 });
  });

  it('sums the shortfall of each source read', async () => {
    const zUrl = pageUrl('zillow', both);
    const rUrl = pageUrl('redfin', both);
    const world = await buildWorld({ zillow: new Map([[zUrl, house(12)]]), redfin: new Map([[rUrl, house(13)]]) });
    world.scrapers.zillow.declaredPhotoCounts.set(zUrl, 5);
    world.scrapers.redfin.declaredPhotoCounts.set(rUrl, 7);
    const outcome = await world.extractor.extractProperty(both, request({ sources: ['zillow', 'redfin'] }));
    expect(outcome).toMatchObject({ status: 'partial', missingPhotos: 4 });
    expect(outcome.failures.map((f) => [f.source, f.code])).toEqual([
      ['zillow', 'PHOTOS_MISSING'],
      ['redfin', 'PHOTOS_MISSING'],
    ]);
  });

  it('checks the declared count in a dry run too', async () => {
    const { world } = await zillowWorld(10);
    const outcome = await world.extractor.extractProperty(zillowOnly, request({ dryRun: true }));
    expect(outcome).toMatchObject({ status: 'partial', missingPhotos: 6, newImages: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { applyExtractionEvent } from '../../src/extraction/index.js';
import type { ExtractionEvent } from '../../src/extraction/index.js';
import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, toContentHash, toPropertyId } from '../../src/model/index.js';
import type { ExtractionCounters, PropertyOutcome } from '../../src/model/index.js';

const propertyId = toPropertyId('1 Main St');
const sha256 = toContentHash('a'.repeat(64));
const start: ExtractionCounters = { ...ZERO_COUNTERS, totalProperties: 2 };

function outcome(status: PropertyOutcome['status']): PropertyOutcome {
  return {
    ...{ propertyId, address: '1 Main St', status, ...ZERO_OUTCOME_COUNTS },
    ...{ sourcesRead: [], fetchModes: [], skippedSources: [], failures: [] },
  };
}

const stored = (created: boolean): ExtractionEvent => ({
  type: 'photo-stored',
  propertyId,
  source: 'zillow',
  photoId: 'p',
  sha256,
  created,
});

describe('applyExtractionEvent', () => {
  it.each<[string, ExtractionEvent, Partial<ExtractionCounters>]>([
    ['a new photo', stored(true), { totalImages: 1, newImages: 1 }],
    ['a duplicate photo', stored(false), { totalImages: 1, duplicateImages: 1 }],
    ['a photo listed in a dry run', { type: 'photo-listed-dry-run', propertyId, source: 'redfin', photoId: 'p' }, { totalImages: 1 }],
    [
      'a failed photo',
      { type: 'photo-failed', propertyId, failure: { source: 'zillow', url: null, code: 'INVALID_IMAGE', message: 'x' } },
      { failedImages: 1 },
    ],
    ['a completed property', { type: 'property-finished', outcome: outcome('completed') }, { completedProperties: 1 }],
    ['a failed property', { type: 'property-finished', outcome: outcome('failed') }, { failedProperties: 1 }],
  ])('counts %s', (_what, event, change) => {
    expect(applyExtractionEvent(start, event)).toEqual({ ...start, ...change });
  });

  it('leaves counters unchanged (same object) for events that count nothing', () => {
    expect(applyExtractionEvent(start, { type: 'property-started', propertyId, address: '1 Main St' })).toBe(start);
    expect(applyExtractionEvent(start, { type: 'photos-listed', propertyId, source: 'zillow', count: 9 })).toBe(start);
  });

  it('is pure: never changes its input', () => {
    const frozen = Object.freeze({ ...start });
    const next = [stored(true), stored(false), stored(true)].reduce(applyExtractionEvent, frozen);
    expect(frozen).toEqual(start);
    expect(next).toMatchObject({ totalImages: 3, newImages: 2, duplicateImages: 1, totalProperties: 2 });
  });
});

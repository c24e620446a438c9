import { describe, expect, it } from 'vitest';
import {
  COUNTER_NAMES,
  PHOTO_COUNTER_NAMES,
  PROPERTY_COUNTER_NAMES,
  ZERO_COUNTERS,
  ZERO_OUTCOME_COUNTS,
  addCounters,
  maxCounters,
  outcomeCounters,
  pickCounters,
  finishedProperties,
  photosSeen,
  toPropertyId,
} from '../../src/model/index.js';
import type { ExtractionCounters, PropertyOutcome, PropertyOutcomeCounts } from '../../src/model/index.js';

/** Counters 1, 2, 3, ... in list order, so every field has its own value. */
const counting: ExtractionCounters = pickCounters(Object.fromEntries(COUNTER_NAMES.map((name, i) => [name, i + 1])));

function outcome(status: PropertyOutcome['status'], counts: Partial<PropertyOutcomeCounts> = {}): PropertyOutcome {
  return {
    ...{ propertyId: toPropertyId('1 Main St'), address: '1 Main St', status, ...ZERO_OUTCOME_COUNTS },
    ...{ photosFound: 7, newImages: 3, duplicateImages: 2, failedImages: 1 },
    ...{ sourcesRead: [], fetchModes: [], skippedSources: [], failures: [] },
    ...counts,
  };
}

describe('the counter list', () => {
  it('is the property counters then the photo counters, each name once', () => {
    expect(COUNTER_NAMES).toEqual([...PROPERTY_COUNTER_NAMES, ...PHOTO_COUNTER_NAMES]);
    expect(new Set(COUNTER_NAMES).size).toBe(COUNTER_NAMES.length);
    expect(PROPERTY_COUNTER_NAMES.every((name) => name.endsWith('Properties'))).toBe(true);
    expect(PHOTO_COUNTER_NAMES.every((name) => name.endsWith('Images'))).toBe(true);
  });

  it('has ZERO_COUNTERS with exactly its names, all 0, frozen', () => {
    expect(Object.keys(ZERO_COUNTERS)).toEqual([...COUNTER_NAMES]);
    expect(Object.values(ZERO_COUNTERS).every((v) => v === 0)).toBe(true);
    expect(Object.isFrozen(ZERO_COUNTERS)).toBe(true);
  });
});

describe('pickCounters', () => {
  it('fills counters a document written before them lacks (absent or null) with 0', () => {
    const old = {
      totalProperties: 4,
      completedProperties: 2,
      failedProperties: 1,
      totalImages: 9,
      newImages: 8,
      duplicateImages: 1,
      failedImages: 0,
    };
    expect(pickCounters({ ...old, placeholderImages: null })).toEqual({
      ...old,
      ...{ partialProperties: 0, deferredProperties: 0, unchangedImages: 0, removedImages: 0, placeholderImages: 0 },
    });
  });

  it('keeps only the counters of a larger object, in list order', () => {
    const job = { id: 'j1', status: 'completed', ...counting, errorMessage: null };
    const picked = pickCounters(job);
    expect(picked).toEqual(counting);
    expect(Object.keys(picked)).toEqual([...COUNTER_NAMES]);
  });
});

describe('addCounters and maxCounters', () => {
  it('adds every counter by default', () => {
    const sum = addCounters(counting, counting);
    for (const name of COUNTER_NAMES) expect(sum[name], name).toBe(2 * counting[name]);
  });

  it('adds only the named counters, the others keep the first value', () => {
    const sum = addCounters(counting, counting, PHOTO_COUNTER_NAMES);
    for (const name of PHOTO_COUNTER_NAMES) expect(sum[name], name).toBe(2 * counting[name]);
    for (const name of PROPERTY_COUNTER_NAMES) expect(sum[name], name).toBe(counting[name]);
  });

  it('takes the higher of each counter, or of the named ones only', () => {
    const low = { ...counting, newImages: 0, removedImages: 100, totalProperties: 0 };
    expect(maxCounters(low, counting)).toEqual({ ...counting, removedImages: 100 });
    expect(maxCounters(low, counting, ['newImages'])).toEqual({ ...low, newImages: counting.newImages });
  });

  it('does not change its arguments', () => {
    const a = { ...counting };
    addCounters(a, counting);
    maxCounters(a, ZERO_COUNTERS);
    expect(a).toEqual(counting);
  });
});

describe('outcomeCounters', () => {
  it.each([
    ['completed', 'completedProperties'],
    ['partial', 'partialProperties'],
    ['deferred', 'deferredProperties'],
    ['failed', 'failedProperties'],
  ] as const)('counts a %s property in %s, with its photos', (status, counter) => {
    const counts = { unchangedImages: 4, removedImages: 5, placeholderImages: 2 };
    expect(outcomeCounters(outcome(status, counts), false)).toEqual({
      ...ZERO_COUNTERS,
      [counter]: 1,
      ...{ totalImages: 5, newImages: 3, duplicateImages: 2, failedImages: 1, ...counts },
    });
  });

  it('counts the photos listed as totalImages in a dry run', () => {
    expect(outcomeCounters(outcome('completed'), true)).toEqual({
      ...ZERO_COUNTERS,
      ...{ completedProperties: 1, totalImages: 7, newImages: 3, duplicateImages: 2, failedImages: 1 },
    });
  });
});

describe('finishedProperties and photosSeen', () => {
  it('counts a property done whatever its end, and photos stored or found unchanged', () => {
    const c = {
      ...ZERO_COUNTERS,
      totalProperties: 9,
      completedProperties: 5,
      partialProperties: 1,
      deferredProperties: 1,
      failedProperties: 1,
    };
    expect(finishedProperties(c)).toBe(8);
    // A re-run that downloaded nothing: no photo stored, 218 found unchanged.
    expect(photosSeen({ ...c, totalImages: 0, unchangedImages: 218, failedImages: 3, removedImages: 2 })).toBe(218);
    expect(photosSeen({ ...c, totalImages: 7, newImages: 5, duplicateImages: 2, unchangedImages: 1 })).toBe(8);
  });
});

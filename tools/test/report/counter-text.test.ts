import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, ZERO_COUNTERS } from '@phx/core';
import { COUNTER_LABELS, countOf, formatCounts, formatPhotos, formatPropertiesDone } from '../../src/report/counter-text.js';

describe('formatCounts', () => {
  it('prints each named counter as value and label, in the order asked', () => {
    const counters = { ...ZERO_COUNTERS, newImages: 7, failedImages: 2, partialProperties: 1 };
    expect(formatCounts(counters, ['failedImages', 'newImages', 'partialProperties'])).toBe('2 failed, 7 new, 1 partial');
    expect(formatCounts(counters, [])).toBe('');
  });

  it('has a label for every counter', () => {
    expect(Object.keys(COUNTER_LABELS).sort()).toEqual([...COUNTER_NAMES].sort());
  });
});

describe('properties done and photos seen', () => {
  const counters = {
    ...ZERO_COUNTERS,
    totalProperties: 10,
    completedProperties: 4,
    partialProperties: 1,
    deferredProperties: 1,
    failedProperties: 2,
    totalImages: 3,
    newImages: 2,
    duplicateImages: 1,
    unchangedImages: 40,
  };

  it('counts every finished property as done, failed ones included (core finishedProperties)', () => {
    expect(formatPropertiesDone(counters)).toBe('8/10 properties done (4 completed, 1 partial, 1 deferred, 2 failed)');
  });

  it('counts the photos stored and those found unchanged (core photosSeen)', () => {
    expect(formatPhotos(counters)).toBe('43 photos (2 new, 1 duplicate, 40 unchanged, 0 failed, 0 removed, 0 placeholder)');
    expect(formatPhotos({ ...ZERO_COUNTERS, unchangedImages: 1 })).toMatch(/^1 photo \(/);
  });
});

describe('countOf', () => {
  it('puts the noun in the number of the count', () => {
    expect([countOf(0, 'property', 'properties'), countOf(1, 'property', 'properties'), countOf(2, 'photo'), countOf(1, 'photo')]).toEqual([
      '0 properties',
      '1 property',
      '2 photos',
      '1 photo',
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { COUNTER_NAMES, ZERO_COUNTERS } from '@phx/core';
import { COUNTER_LABELS, formatCounts } from '../../src/report/counter-text.js';

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

import { describe, expect, it } from 'vitest';
import { toExtractionInput } from '../src/lib/extract-selection.js';
import { countWords } from '../src/lib/format.js';

describe('countWords', () => {
  it('uses the singular for exactly one', () => {
    expect(countWords(1, 'property', 'properties')).toBe('1 property');
    expect(countWords(0, 'property', 'properties')).toBe('0 properties');
    expect(countWords(2, 'photo', 'photos')).toBe('2 photos');
  });
});

describe('toExtractionInput', () => {
  it('refuses when no source is ticked instead of reading every source', () => {
    expect(toExtractionInput(['p-1'], [])).toEqual({ problem: 'Choose at least one source.' });
  });

  it('refuses when no property is selected', () => {
    expect(toExtractionInput([], ['zillow'])).toEqual({ problem: 'Select at least one property.' });
  });

  it('sends the selected ids and the ticked sources', () => {
    expect(toExtractionInput(['p-1', 'p-2'], ['redfin'])).toEqual({ input: { propertyIds: ['p-1', 'p-2'], sources: ['redfin'] } });
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_FETCH_MODE, FETCH_MODES, fetchModeSchema, isFetchMode } from '../../src/index.js';

describe('fetch modes', () => {
  it('names auto, http and browser, and defaults to auto', () => {
    expect([...FETCH_MODES]).toEqual(['auto', 'http', 'browser']);
    expect(DEFAULT_FETCH_MODE).toBe('auto');
    expect(fetchModeSchema.parse(undefined)).toBe('auto');
  });

  it('accepts exactly the modes, lower case', () => {
    expect(['auto', 'http', 'browser'].map(isFetchMode)).toEqual([true, true, true]);
    expect(['HTTP', 'chromium', '', undefined, 1].map(isFetchMode)).toEqual([false, false, false, false, false]);
    expect(fetchModeSchema.safeParse('chromium').success).toBe(false);
    expect(fetchModeSchema.parse('http')).toBe('http');
  });
});

import { describe, expect, it } from 'vitest';
import { jobFetchModeWords, servedByWords } from '../src/lib/fetch-modes.js';

describe('servedByWords', () => {
  it('names what served each source, in the order read', () => {
    expect(
      servedByWords([
        { source: 'zillow', mode: 'HTTP' },
        { source: 'redfin', mode: 'BROWSER' },
      ]),
    ).toBe('pages: zillow by http · redfin by browser');
  });

  it('says nothing when no source said (an older outcome, or a scraper that does not say)', () => {
    expect(servedByWords([])).toBeNull();
  });
});

describe('jobFetchModeWords', () => {
  it("names the job's mode, or the worker's default when it names none", () => {
    expect(jobFetchModeWords('AUTO')).toBe('auto fetch');
    expect(jobFetchModeWords('BROWSER')).toBe('browser fetch');
    expect(jobFetchModeWords(null)).toBe("worker's default fetch");
  });
});

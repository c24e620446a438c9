import { describe, expect, it } from 'vitest';
import { CoreError } from '../../src/errors/index.js';
import { toExtractionFailure } from '../../src/extraction/extraction-failure.js';

/** A transient error of a page that answered 429, as the scrapers throw it (`retryAfterMs` from `Retry-After`). */
class TooManyRequests extends CoreError {
  readonly retryAfterMs: number | null;
  constructor(retryAfterMs: number | null) {
    super('NAVIGATION_FAILED', 'HTTP 429 (Retry-After: 600)', 'transient');
    this.retryAfterMs = retryAfterMs;
  }
}

const URL_A = 'https://www.zillow.com/homedetails/1_zpid/';

describe('toExtractionFailure', () => {
  it('keeps the wait the source asked for (retryAfterMs), with the code and kind', () => {
    expect(toExtractionFailure(new TooManyRequests(600_000), 'zillow', URL_A, 'Could not read the zillow listing page')).toEqual({
      source: 'zillow',
      url: URL_A,
      code: 'NAVIGATION_FAILED',
      message: `Could not read the zillow listing page ${URL_A}: HTTP 429 (Retry-After: 600)`,
      kind: 'transient',
      retryAfterMs: 600_000,
    });
  });

  it('leaves retryAfterMs out when the error asks for no wait, or for none that makes sense', () => {
    for (const asked of [null, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(toExtractionFailure(new TooManyRequests(asked), 'zillow', URL_A)).not.toHaveProperty('retryAfterMs');
    }
    expect(toExtractionFailure(new Error('socket hang up'), null, null)).toEqual({
      source: null,
      url: null,
      code: 'UNEXPECTED_ERROR',
      message: 'socket hang up',
    });
  });
});

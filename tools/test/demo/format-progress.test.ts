import { describe, expect, it } from 'vitest';
import { formatProgress } from '../../src/demo/run-demo-extraction.js';

describe('demo progress line', () => {
  it('shows partial and deferred properties beside failed ones, and unchanged and placeholder photos beside new, duplicate and failed (a second run counts them unchanged)', () => {
    const line = formatProgress({
      id: 'j',
      status: 'COMPLETED',
      totalProperties: 9,
      completedProperties: 7,
      partialProperties: 1,
      deferredProperties: 1,
      failedProperties: 0,
      totalImages: 218,
      newImages: 0,
      duplicateImages: 0,
      unchangedImages: 218,
      removedImages: 0,
      failedImages: 0,
      placeholderImages: 2,
      errorMessage: null,
    });
    expect(line).toBe(
      'completed   properties 9/9 (1 partial, 1 deferred, 0 failed)  images 218 (0 new, 0 duplicate, 218 unchanged, 0 failed, 2 placeholder)',
    );
  });
});

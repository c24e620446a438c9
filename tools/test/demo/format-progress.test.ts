import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../../src/demo/demo-operations.js';
import { formatProgressLine } from '../../src/report/counter-text.js';

describe('progress line (the demo and the CLI in a pipe)', () => {
  it('shows partial and deferred properties beside failed ones, and unchanged and placeholder photos beside new, duplicate and failed (a second run counts them unchanged)', () => {
    const progress: JobProgress = {
      id: 'j',
      status: 'COMPLETED',
      totalProperties: 9,
      completedProperties: 7,
      partialProperties: 1,
      deferredProperties: 1,
      failedProperties: 0,
      totalImages: 0,
      newImages: 0,
      duplicateImages: 0,
      unchangedImages: 218,
      removedImages: 0,
      failedImages: 0,
      placeholderImages: 2,
      errorMessage: null,
    };
    const line = formatProgressLine(progress);
    expect(line).toBe(
      'completed    9/9 properties done (7 completed, 1 partial, 1 deferred, 0 failed)  218 photos (0 new, 0 duplicate, 218 unchanged, 0 failed, 0 removed, 2 placeholder)',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { failureGroupRows } from '../src/lib/failure-groups.js';

describe('failureGroupRows', () => {
  it('orders by count, labels source and code, and gives each group its share', () => {
    const rows = failureGroupRows([
      { code: 'INVALID_IMAGE', message: 'bad bytes', source: 'zillow', count: 1, exampleUrl: 'https://x/1.jpg' },
      { code: 'NAVIGATION_TIMEOUT', message: 'timed out', source: 'redfin', count: 3, exampleUrl: null },
      { code: 'JOB_FAILED', message: 'stopped', source: null, count: 1, exampleUrl: null },
    ]);
    expect(rows.map((r) => [r.label, r.count, r.sharePercent])).toEqual([
      ['redfin · NAVIGATION_TIMEOUT', 3, 60],
      ['any source · JOB_FAILED', 1, 20],
      ['zillow · INVALID_IMAGE', 1, 20],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(3);
  });

  it('gives no rows for no failures', () => {
    expect(failureGroupRows([])).toEqual([]);
  });
});

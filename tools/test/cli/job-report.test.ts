import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS, toJobId, toPropertyId } from '@phx/core';
import type { ExtractionJob } from '@phx/core';
import { formatJobReport, formatProgressLine } from '../../src/cli/job-report.js';

const address = '1 Main St, Phoenix, AZ 85001';
const at = new Date('2026-01-02T03:04:05.000Z');

/** A re-run under way: counters written by the worker, no property finished yet. */
const job: ExtractionJob = {
  ...ZERO_COUNTERS,
  id: toJobId('6f1c1c8e-7b5a-4d8e-9a61-1f4a3c2b0d9e'),
  createdAt: at,
  startedAt: at,
  completedAt: null,
  properties: [{ id: toPropertyId(address), address, listingUrls: {} }],
  sources: ['zillow', 'redfin'],
  isolationMode: 'virtual',
  dryRun: false,
  status: 'in_progress',
  errorMessage: null,
  progressUpdatedAt: at,
  failedPropertiesList: [],
  propertyOutcomes: [],
  totalProperties: 1,
  totalImages: 3,
  newImages: 2,
  duplicateImages: 1,
  unchangedImages: 6,
  removedImages: 2,
};

describe('CLI job report', () => {
  it('prints the job-level unchanged and removed counters in the summary', () => {
    expect(formatJobReport(job).split('\n')[2]).toBe(
      '  Images: 3 total, 2 new, 1 duplicate, 0 failed; 6 unchanged (not downloaded again), 2 removed',
    );
  });

  it('prints them in the progress line', () => {
    expect(formatProgressLine(job)).toBe(
      'in_progress properties 0/1 (0 failed)  images 3 (2 new, 1 duplicate, 0 failed, 6 unchanged, 2 removed)',
    );
  });

  it('counts absent counters of older job documents as 0', () => {
    const older: ExtractionJob = { ...job };
    delete (older as { unchangedImages?: number }).unchangedImages;
    delete (older as { removedImages?: number }).removedImages;
    expect(formatProgressLine(older)).toBe(
      'in_progress properties 0/1 (0 failed)  images 3 (2 new, 1 duplicate, 0 failed, 0 unchanged, 0 removed)',
    );
  });
});

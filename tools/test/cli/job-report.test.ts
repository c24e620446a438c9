import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, toJobId, toPropertyId } from '@phx/core';
import type { ExtractionJob } from '@phx/core';
import { formatJobReport, formatOutcomes, formatProgressLine } from '../../src/cli/job-report.js';

const address = '1 Main St, Phoenix, AZ 85001';
const at = new Date('2026-01-02T03:04:05.000Z');

/** A re-run under way: counters written by the worker, no property finished yet. */
const job: ExtractionJob = {
  ...ZERO_COUNTERS,
  id: toJobId('6f1c1c8e-7b5a-4d8e-9a61-1f4a3c2b0d9e'),
  createdAt: at,
  startedAt: at,
  completedAt: null,
  sources: ['zillow', 'redfin'],
  isolationMode: 'virtual',
  fetchMode: null,
  dryRun: false,
  status: 'in_progress',
  errorMessage: null,
  progressUpdatedAt: at,
  failedPropertiesList: [],
  totalProperties: 1,
  totalImages: 3,
  newImages: 2,
  duplicateImages: 1,
  unchangedImages: 6,
  removedImages: 2,
  placeholderImages: 1,
};

describe('CLI job report', () => {
  it('prints the job-level unchanged, removed and placeholder counters in the summary', () => {
    expect(formatJobReport(job).split('\n')[2]).toBe(
      '  Images: 3 total, 2 new, 1 duplicate, 0 failed; 6 unchanged (not downloaded again), 2 removed; 1 placeholder',
    );
  });

  it('prints them in the progress line', () => {
    expect(formatProgressLine(job)).toBe(
      'in_progress properties 0/1 (0 partial, 0 deferred, 0 failed)  images 3 (2 new, 1 duplicate, 0 failed, 6 unchanged, 2 removed, 1 placeholder)',
    );
  });

  it("says next to a completed status how many properties are partial, and each one's missing photos", () => {
    const outcome = {
      propertyId: toPropertyId(address),
      address,
      status: 'partial' as const,
      ...{ ...ZERO_OUTCOME_COUNTS, photosFound: 7, newImages: 7, missingPhotos: 4 },
      ...{ sourcesRead: ['redfin' as const], fetchModes: [], skippedSources: [] },
      failures: [
        {
          source: 'redfin' as const,
          url: 'https://www.redfin.com/x',
          code: 'PHOTOS_MISSING',
          message: 'declares 11 photos but its gallery gave 7: 4 missing',
        },
      ],
    };
    const done: ExtractionJob = { ...job, status: 'completed', partialProperties: 1 };
    const report = formatJobReport(done).split('\n');
    expect(report[0]).toBe(`Job ${job.id}: completed (1 property partial: photos missing)`);
    expect(report[1]).toBe('  Progress: 0/1 properties (1 partial, 0 deferred, 0 failed)');
    expect(formatProgressLine(done)).toMatch(/^completed {3}properties 1\/1 \(1 partial, 0 deferred, 0 failed\)/);
    expect(formatOutcomes([outcome], 1)).toContain('missing 4');
    expect(formatOutcomes([outcome], 1)).toContain('! PHOTOS_MISSING: declares 11 photos but its gallery gave 7: 4 missing');
  });

  it('says next to a completed status how many properties are deferred, and when each is retried', () => {
    const retryAt = new Date('2026-01-02T03:14:05.000Z');
    const outcome = {
      propertyId: toPropertyId(address),
      address,
      status: 'deferred' as const,
      retryAt,
      ...{ ...ZERO_OUTCOME_COUNTS, sourcesRead: [], fetchModes: [], skippedSources: [] },
      failures: [
        {
          source: 'zillow' as const,
          url: 'https://www.zillow.com/x',
          code: 'NAVIGATION_FAILED',
          message: 'HTTP 429 (Retry-After: 600)',
          kind: 'transient' as const,
          retryAfterMs: 600_000,
        },
      ],
    };
    const done: ExtractionJob = { ...job, status: 'completed', deferredProperties: 1 };
    const report = formatJobReport(done).split('\n');
    expect(report[0]).toBe(`Job ${job.id}: completed (1 property deferred: the site asked to wait, a later run retries)`);
    expect(report[1]).toBe('  Progress: 0/1 properties (0 partial, 1 deferred, 0 failed)');
    expect(formatProgressLine(done)).toMatch(/^completed {3}properties 1\/1 \(0 partial, 1 deferred, 0 failed\)/);
    expect(formatOutcomes([outcome], 1)).toContain(`deferred  found   0  new   0  dup   0  failed  0  retry at ${retryAt.toISOString()}`);
    expect(formatOutcomes([outcome], 1)).toContain('! NAVIGATION_FAILED: HTTP 429 (Retry-After: 600)');
  });

  it('shows on a property row how many of its photos were placeholders (none: nothing said)', () => {
    const outcome = {
      ...ZERO_OUTCOME_COUNTS,
      propertyId: toPropertyId(address),
      address,
      status: 'completed' as const,
      photosFound: 5,
      newImages: 5,
      placeholderImages: 2,
      sourcesRead: ['zillow' as const],
      fetchModes: [],
      skippedSources: [],
      failures: [],
    };
    const [first, second, more] = formatOutcomes([outcome, { ...outcome, placeholderImages: 0 }], 2).split('\n');
    expect(first).toMatch(/new {3}5 {2}dup {3}0 {2}failed {2}0 {2}placeholder 2$/);
    expect(second).not.toContain('placeholder');
    expect(more).toBeUndefined();
  });

  it("shows the job's fetch mode when it names one, and on a property row what served each source", () => {
    expect(formatJobReport(job).split('\n')[3]).toBe('  Sources: zillow, redfin  isolation: virtual');
    expect(formatJobReport({ ...job, fetchMode: 'http', dryRun: true }).split('\n')[3]).toBe(
      '  Sources: zillow, redfin  isolation: virtual  fetch mode: http  (dry run)',
    );
    const outcome = {
      ...ZERO_OUTCOME_COUNTS,
      propertyId: toPropertyId(address),
      address,
      status: 'completed' as const,
      sourcesRead: ['zillow' as const, 'redfin' as const],
      skippedSources: [],
      failures: [],
    };
    const fetchModes = [
      { source: 'zillow' as const, mode: 'http' as const },
      { source: 'redfin' as const, mode: 'browser' as const },
    ];
    const [served, unsaid] = formatOutcomes(
      [
        { ...outcome, fetchModes },
        { ...outcome, fetchModes: [] },
      ],
      2,
    ).split('\n');
    expect(served).toMatch(/failed {2}0 {2}via zillow http, redfin browser$/);
    expect(unsaid).not.toContain('via');
  });

  it('says how many properties a report page leaves out, and where to page them', () => {
    const outcome = { ...ZERO_OUTCOME_COUNTS, propertyId: toPropertyId(address), address, status: 'completed' as const };
    const lines = formatOutcomes([{ ...outcome, sourcesRead: [], fetchModes: [], skippedSources: [], failures: [] }], 50_000).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('  … and 49999 more properties (page them all with the GraphQL field Job.properties(status, first, after))');
  });
});

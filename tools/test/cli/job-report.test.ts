import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, toJobId, toPropertyId } from '@phx/core';
import type { ExtractionJob } from '@phx/core';
import { formatJobReport, formatOutcomes } from '../../src/cli/job-report.js';
import { formatProgressLine } from '../../src/report/counter-text.js';

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
  timeoutMs: null,
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
  it("names the job's own time limit beside its sources when it has one", () => {
    expect(formatJobReport(job).split('\n')[3]).toBe('  Sources: zillow, redfin  isolation: virtual');
    expect(formatJobReport({ ...job, timeoutMs: 7_200_000 }).split('\n')[3]).toBe(
      '  Sources: zillow, redfin  isolation: virtual  time limit: 7200 s',
    );
  });

  it('counts the unchanged photos among the photos seen in the summary, beside the removed and placeholder ones', () => {
    expect(formatJobReport(job).split('\n')[2]).toBe(
      '  Photos: 9 photos (2 new, 1 duplicate, 6 unchanged, 0 failed, 2 removed, 1 placeholder); unchanged: stored before, not downloaded again',
    );
  });

  it('prints the same in the progress line', () => {
    expect(formatProgressLine(job)).toBe(
      'in_progress  0/1 properties done (0 completed, 0 partial, 0 deferred, 0 failed)  9 photos (2 new, 1 duplicate, 6 unchanged, 0 failed, 2 removed, 1 placeholder)',
    );
  });

  it('a re-run that found every photo unchanged counts them (not "0 photos")', () => {
    const rerun: ExtractionJob = {
      ...job,
      status: 'completed',
      completedProperties: 1,
      totalImages: 0,
      newImages: 0,
      duplicateImages: 0,
      unchangedImages: 218,
      removedImages: 0,
      placeholderImages: 0,
    };
    expect(formatJobReport(rerun).split('\n')[2]).toMatch(/^ {2}Photos: 218 photos \(0 new, 0 duplicate, 218 unchanged, /);
    expect(formatProgressLine(rerun)).toContain(' 218 photos (0 new, 0 duplicate, 218 unchanged, ');
  });

  it('names each failed property and why when given their outcomes; else lists the addresses', () => {
    const failed = {
      propertyId: toPropertyId(address),
      address,
      status: 'failed' as const,
      ...ZERO_OUTCOME_COUNTS,
      ...{ sourcesRead: [], fetchModes: [], skippedSources: [] },
      failures: [{ source: 'zillow' as const, url: 'https://www.zillow.com/x', code: 'LISTING_REMOVED', message: 'the page answered 404' }],
    };
    const ended: ExtractionJob = { ...job, status: 'completed', failedProperties: 2, failedPropertiesList: [address, '2 Main St'] };
    expect(formatJobReport(ended, [failed]).split('\n').slice(5)).toEqual([
      '  Failed properties (2):',
      `    ${address}`,
      '      ! zillow LISTING_REMOVED: the page answered 404',
      '    … and 1 more (page them with the GraphQL field Job.properties(status: FAILED))',
    ]);
    expect(formatJobReport(ended).split('\n').slice(5)).toEqual([`  Failed properties: ${address}; 2 Main St`]);
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
    // One meaning of "properties done" in the summary and the live line: a partial property is done.
    expect(report[1]).toBe('  Progress: 1/1 properties done (0 completed, 1 partial, 0 deferred, 0 failed)');
    expect(formatProgressLine(done)).toMatch(/^completed {4}1\/1 properties done \(0 completed, 1 partial, 0 deferred, 0 failed\)/);
    expect(formatOutcomes([outcome], 1)).toContain('missing 4');
    expect(formatOutcomes([outcome], 1)).toContain('! redfin PHOTOS_MISSING: declares 11 photos but its gallery gave 7: 4 missing');
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
    expect(report[1]).toBe('  Progress: 1/1 properties done (0 completed, 0 partial, 1 deferred, 0 failed)');
    expect(formatProgressLine(done)).toMatch(/^completed {4}1\/1 properties done \(0 completed, 0 partial, 1 deferred, 0 failed\)/);
    expect(formatOutcomes([outcome], 1)).toContain(`deferred  found   0  new   0  dup   0  failed  0  retry at ${retryAt.toISOString()}`);
    expect(formatOutcomes([outcome], 1)).toContain('! zillow NAVIGATION_FAILED: HTTP 429 (Retry-After: 600)');
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

  it('says a catalog selection is not listed yet instead of 0/0 properties done', () => {
    const unlisted = {
      ...job,
      status: 'pending' as const,
      totalProperties: 0,
      propertiesListed: false,
      catalogSelection: { all: true as const },
    };
    expect(formatJobReport(unlisted).split('\n')[1]).toBe('  Progress: every catalog property: not listed yet (the worker lists them)');
    const label = { ...unlisted, catalogSelection: { label: 'phoenix-2025' } };
    expect(formatJobReport(label).split('\n')[1]).toBe('  Progress: label phoenix-2025: not listed yet (the worker lists its properties)');
    expect(formatJobReport({ ...label, propertiesListed: true, totalProperties: 3 }).split('\n')[1]).toMatch(
      /^ {2}Progress: 0\/3 properties done/,
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZERO_OUTCOME_COUNTS, toContentHash, toPropertyId } from '@phx/core';
import type { PropertyExtracting } from '@phx/core';
import { ExtractionMetrics } from '../../src/metrics/extraction-metrics.js';
import { observeExtractor } from '../../src/metrics/observed-extractor.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { sampleJob, withProperties, sampleOutcome, sampleProperty } from '../support/sample-jobs.js';

const propertyId = toPropertyId('1 Main St');
const sha = toContentHash('a'.repeat(64));

/** The sample lines of one metric family (comments dropped). */
function linesOf(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(name) && !l.startsWith('#'));
}

describe('ExtractionMetrics', () => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await openTestDatabase('metrics');
    const jobs = new JobRepository({ db: tdb.db });
    await jobs.create(...withProperties(sampleJob(1, { sources: ['zillow', 'redfin'] })));
    await jobs.create(...withProperties(sampleJob(1, { sources: ['zillow'] })));
    await jobs.create(...withProperties(sampleJob(1, { sources: ['redfin'], status: 'completed' })));
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('exports the original design metrics with exact values', async () => {
    const metrics = new ExtractionMetrics({
      db: tdb.db,
      circuitStates: async () => new Map([['redfin', 'open'] as const]),
    });
    metrics.setActive(true);
    for (const created of [true, true, false])
      metrics.recordEvent({ type: 'photo-stored', propertyId, source: 'zillow', photoId: 'p', sha256: sha, created });
    metrics.recordEvent({ type: 'photo-unchanged', propertyId, source: 'redfin', photoId: 'q', sha256: sha });
    metrics.recordEvent({
      type: 'photo-failed',
      propertyId,
      failure: { source: 'redfin', url: null, code: 'X', message: 'bad', propertyId: null } as never,
    });
    const layout = {
      source: 'zillow' as const,
      url: 'https://www.zillow.com/homedetails/x/1_zpid/',
      code: 'LAYOUT_CHANGED',
      message: 'm',
      kind: 'permanent' as const,
    };
    const outcome = {
      propertyId,
      address: '1 Main St',
      status: 'failed' as const,
      ...ZERO_OUTCOME_COUNTS,
      sourcesRead: [],
      fetchModes: [],
      skippedSources: [],
      failures: [layout],
    };
    metrics.recordEvent({ type: 'property-finished', outcome });
    metrics.recordEvent({ type: 'property-finished', outcome });
    const startedAt = new Date('2026-01-01T00:00:00.000Z');
    const ended = {
      ...sampleJob(1, {
        sources: ['zillow', 'redfin'],
        status: 'completed',
        startedAt,
        completedAt: new Date(startedAt.getTime() + 90_500),
      }),
    } as unknown as StoredExtractionJob;
    metrics.recordJobEnd(ended);

    const text = await metrics.registry.metrics();
    expect(linesOf(text, 'extraction_jobs_created_total')).toEqual([
      'extraction_jobs_created_total{source="zillow"} 2',
      'extraction_jobs_created_total{source="redfin"} 2',
    ]);
    expect(linesOf(text, 'extraction_jobs_completed_total')).toEqual([
      'extraction_jobs_completed_total{source="zillow",status="completed"} 1',
      'extraction_jobs_completed_total{source="redfin",status="completed"} 1',
    ]);
    expect(linesOf(text, 'extraction_job_duration_seconds')).toEqual([
      'extraction_job_duration_seconds_bucket{le="60"} 0',
      'extraction_job_duration_seconds_bucket{le="300"} 1',
      'extraction_job_duration_seconds_bucket{le="600"} 1',
      'extraction_job_duration_seconds_bucket{le="1800"} 1',
      'extraction_job_duration_seconds_bucket{le="3600"} 1',
      'extraction_job_duration_seconds_bucket{le="+Inf"} 1',
      'extraction_job_duration_seconds_sum 90.5',
      'extraction_job_duration_seconds_count 1',
    ]);
    expect(linesOf(text, 'extraction_queue_depth')).toEqual(['extraction_queue_depth 2']);
    expect(linesOf(text, 'extraction_images_total')).toEqual([
      'extraction_images_total{source="zillow",status="new"} 2',
      'extraction_images_total{source="zillow",status="duplicate"} 1',
      'extraction_images_total{source="redfin",status="unchanged"} 1',
      'extraction_images_total{source="redfin",status="failed"} 1',
    ]);
    expect(linesOf(text, 'extraction_failures_total')).toEqual(['extraction_failures_total{source="zillow",code="LAYOUT_CHANGED"} 2']);
    expect(linesOf(text, 'extraction_workers_active')).toEqual(['extraction_workers_active 1']);
    expect(linesOf(text, 'extraction_source_circuit_open')).toEqual([
      'extraction_source_circuit_open{source="zillow"} 0',
      'extraction_source_circuit_open{source="redfin"} 1',
    ]);
  });

  it('counts finished properties by outcome status, partial and deferred ones apart', async () => {
    const metrics = new ExtractionMetrics();
    for (const status of ['completed', 'partial', 'partial', 'deferred', 'failed'] as const) {
      const outcome = { ...sampleOutcome(sampleProperty(1), status === 'failed' ? 'failed' : 'completed'), status };
      metrics.recordEvent({ type: 'property-finished', outcome });
    }
    expect(linesOf(await metrics.registry.metrics(), 'extraction_properties_total')).toEqual([
      'extraction_properties_total{status="completed"} 1',
      'extraction_properties_total{status="partial"} 2',
      'extraction_properties_total{status="deferred"} 1',
      'extraction_properties_total{status="failed"} 1',
    ]);
  });

  it('counts listing pages by source and the fetch mode that served them, and none for a page whose scraper did not say', async () => {
    const metrics = new ExtractionMetrics();
    const listed = (source: 'zillow' | 'redfin', fetchMode?: 'http' | 'browser') =>
      metrics.recordEvent({ type: 'photos-listed', propertyId, source, count: 3, ...(fetchMode === undefined ? {} : { fetchMode }) });
    listed('zillow', 'http');
    listed('zillow', 'http');
    listed('zillow', 'browser');
    listed('redfin', 'browser');
    listed('redfin');
    expect(linesOf(await metrics.registry.metrics(), 'extraction_listing_pages_total')).toEqual([
      'extraction_listing_pages_total{source="zillow",mode="http"} 2',
      'extraction_listing_pages_total{source="zillow",mode="browser"} 1',
      'extraction_listing_pages_total{source="redfin",mode="browser"} 1',
    ]);
  });

  it('counts photos whose files were stored again by source and reason, beside their unchanged image count', async () => {
    const metrics = new ExtractionMetrics();
    const unchanged = { type: 'photo-unchanged', propertyId, photoId: 'p', sha256: sha } as const;
    metrics.recordEvent({ ...unchanged, source: 'zillow', filesRestored: 'size-mismatch' });
    metrics.recordEvent({ ...unchanged, source: 'zillow', filesRestored: 'size-mismatch' });
    metrics.recordEvent({ ...unchanged, source: 'redfin', filesRestored: 'missing' });
    metrics.recordEvent({ ...unchanged, source: 'redfin' });
    const text = await metrics.registry.metrics();
    expect(linesOf(text, 'extraction_photo_files_restored_total')).toEqual([
      'extraction_photo_files_restored_total{source="zillow",reason="size-mismatch"} 2',
      'extraction_photo_files_restored_total{source="redfin",reason="missing"} 1',
    ]);
    expect(linesOf(text, 'extraction_images_total')).toEqual([
      'extraction_images_total{source="zillow",status="unchanged"} 2',
      'extraction_images_total{source="redfin",status="unchanged"} 2',
    ]);
  });

  it('passes every event on to the run and to the observer', async () => {
    const seen: string[] = [];
    const inner: PropertyExtracting = {
      async extractProperty(property, request) {
        request.onEvent?.({ type: 'photo-stored', propertyId: property.id, source: 'zillow', photoId: 'p', sha256: sha, created: true });
        return {
          propertyId: property.id,
          address: property.address,
          status: 'completed',
          ...ZERO_OUTCOME_COUNTS,
          photosFound: 1,
          newImages: 1,
          sourcesRead: ['zillow'],
          fetchModes: [],
          skippedSources: [],
          failures: [],
        };
      },
    };
    const observed = observeExtractor(inner, (e) => seen.push(`observer:${e.type}`));
    const outcome = await observed.extractProperty(
      { id: propertyId, address: '1 Main St', listingUrls: {} },
      { sources: ['zillow'], dryRun: false, jobId: null, onEvent: (e) => seen.push(`run:${e.type}`) },
    );
    expect(outcome.newImages).toBe(1);
    expect(seen).toEqual(['observer:photo-stored', 'run:photo-stored']);
  });
});

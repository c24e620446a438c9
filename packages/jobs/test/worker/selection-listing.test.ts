import { describe, expect, it } from 'vitest';
import { ZERO_COUNTERS } from '@phx/core';
import type { StoredExtractionJob } from '../../src/repository/job-document.js';
import { unlistedRunEnd } from '../../src/worker/selection-listing.js';
import { sampleJob } from '../support/sample-jobs.js';

/** A job of a label whose worker has not written its list. */
function unlisted(selection: StoredExtractionJob['catalogSelection']): StoredExtractionJob {
  const { properties: _unused, ...job } = sampleJob(1, { totalProperties: 0, status: 'in_progress' });
  return {
    ...job,
    version: 2,
    cancelRequestedAt: null,
    runNumber: 1,
    workerName: 'w',
    catalogSelection: selection,
    propertiesListed: false,
  };
}

describe('the end of a run stopped before its catalog selection was listed', () => {
  const job = unlisted({ label: 'glendale' });
  const zero = { ...ZERO_COUNTERS, failedPropertiesList: [] };

  it('cancels, fails on the timeout, hands back on shutdown, and writes nothing once the job is lost', () => {
    const at = new Date('2026-12-07T00:00:00Z');
    expect(unlistedRunEnd(job, { kind: 'cancel', requestedAt: at }, null, at)).toMatchObject({
      status: 'cancelled',
      cancelRequestedAt: at,
      progress: zero,
    });
    expect(
      unlistedRunEnd(job, { kind: 'timeout', rule: 'no-progress', timeoutMs: 1_000, idleMs: 1_000, since: 'run-start' }, null, null),
    ).toMatchObject({
      status: 'failed',
      errorMessage: expect.stringMatching(/JOB_TIMEOUT/),
    });
    expect(unlistedRunEnd(job, { kind: 'shutdown', detail: 'SIGTERM' }, null, null)).toMatchObject({
      status: 'pending',
      errorMessage: null,
    });
    expect(unlistedRunEnd(job, { kind: 'lease-lost' }, null, null)).toBeNull();
  });

  it('fails naming the error of a failed listing, and names the label (or the empty catalog) of an empty selection', () => {
    expect(unlistedRunEnd(job, null, new Error('connection reset'), null)?.errorMessage).toBe(
      "listing the job's properties failed: connection reset",
    );
    expect(unlistedRunEnd({ ...job, propertiesListed: true }, null, null, null)).toMatchObject({
      status: 'failed',
      errorMessage: 'no property of the catalog has the label "glendale" any more; nothing to extract',
    });
    expect(unlistedRunEnd(unlisted({ all: true }), null, null, null)?.errorMessage).toBe(
      'the catalog has no properties any more; nothing to extract',
    );
  });
});

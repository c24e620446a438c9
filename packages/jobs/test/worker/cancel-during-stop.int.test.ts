import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, ZERO_OUTCOME_COUNTS, toContentHash } from '@phx/core';
import type { ExtractPropertyRequest, Property, PropertyExtracting, PropertyOutcome } from '@phx/core';
import { runExtractionJobNow } from '../../src/worker/run-extraction-job-now.js';
import { CancelRequests } from '../../src/repository/cancel-requests.js';
import { JobRepository } from '../../src/repository/job-repository.js';
import { sampleJob, withProperties } from '../support/sample-jobs.js';
import { openTestDatabase } from '../support/test-database.js';
import type { TestDatabase } from '../support/test-database.js';
import { outcomesOf } from '../support/job-outcomes.js';

/** A completed outcome with `unchanged` photos seen as already recorded. */
function unchangedOutcome(property: Property, unchanged: number): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status: 'completed',
    ...ZERO_OUTCOME_COUNTS,
    photosFound: unchanged,
    unchangedImages: unchanged,
    sourcesRead: ['zillow'],
    fetchModes: [],
    skippedSources: [],
    failures: [],
  };
}

const aborted = (signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    if (signal === undefined || signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * An extractor stub: `quick` finishes at once with 1 unchanged photo; `slow`
 * sees `slowUnchanged` photos, asks for the job's cancel, waits until the
 * run's signal aborts, and then finishes `completed` (the operator's case:
 * the property ended while the run was stopping); any other property is cut
 * by the cancel (`CancelledError` once the signal aborts), as core's extractor is.
 */
class FinishesDuringStop implements PropertyExtracting {
  constructor(
    private readonly quick: Property,
    private readonly slow: Property,
    private readonly slowUnchanged: number,
    private readonly requestCancel: () => Promise<void>,
  ) {}

  async extractProperty(property: Property, request: ExtractPropertyRequest): Promise<PropertyOutcome> {
    const emit = request.onEvent ?? (() => undefined);
    emit({ type: 'property-started', propertyId: property.id, address: property.address });
    if (property.id !== this.quick.id && property.id !== this.slow.id) {
      await aborted(request.signal);
      throw new CancelledError('stopped');
    }
    const count = property.id === this.slow.id ? this.slowUnchanged : 1;
    for (let i = 0; i < count; i += 1) {
      const sha256 = toContentHash(String(i).padStart(64, property.id === this.slow.id ? 'b' : 'a'));
      emit({ type: 'photo-unchanged', propertyId: property.id, source: 'zillow', photoId: `p${i}`, sha256 });
    }
    if (property.id === this.slow.id) {
      await this.requestCancel();
      await aborted(request.signal);
    }
    const outcome = unchangedOutcome(property, count);
    emit({ type: 'property-finished', outcome });
    return outcome;
  }
}

describe('cancel while a property finishes', () => {
  let tdb: TestDatabase;
  let repository: JobRepository;

  beforeAll(async () => {
    tdb = await openTestDatabase('cancelstop');
    repository = new JobRepository({ db: tdb.db });
    await repository.ensureIndexes();
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('keeps a property that completes after the run began stopping: counters equal the sum of the outcomes', async () => {
    // Two properties at once; the third never starts (the run is cancelled first).
    const sample = sampleJob(3);
    const job = await repository.create(...withProperties(sample));
    const [quick, slow] = sample.properties as [Property, Property, Property];
    const cancels = new CancelRequests({ db: tdb.db });
    const extractor = new FinishesDuringStop(quick, slow, 10, async () => {
      await cancels.request(job.id, new Date());
    });

    const final = await runExtractionJobNow(job.id, { repository, extractor, propertyConcurrency: 2, cancelPollIntervalMs: 50 });

    expect(final.status).toBe('cancelled');
    expect((await outcomesOf(tdb.db, final.id)).map((o) => o.propertyId).sort()).toEqual([quick.id, slow.id].sort());
    expect(final).toMatchObject({ completedProperties: 2, failedProperties: 0, unchangedImages: 11, totalImages: 0 });
    const sum = (await outcomesOf(tdb.db, final.id)).reduce((n, o) => n + (o.unchangedImages ?? 0), 0);
    expect(final.unchangedImages).toBe(sum);
  });
});

import { newJobId, ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, type PropertyOutcome } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { SAMPLE_PROPERTIES } from './support/sample-properties.js';
import { storeJob } from './support/stored-job.js';
import type { TestJob } from './support/stored-job.js';

const JOB = `query($id: ID!) { job(id: $id) {
  status completedProperties partialProperties deferredProperties failedProperties failedPropertiesList placeholderImages
  propertyOutcomes { address status retryAt placeholderImages failures { code retryAfterMs } } } }`;

const [davis, example] = SAMPLE_PROPERTIES as [(typeof SAMPLE_PROPERTIES)[number], (typeof SAMPLE_PROPERTIES)[number]];
const RETRY_AT = new Date('2026-12-06T12:10:00.000Z');
const PAGE = 'https://www.zillow.com/homedetails/4732-W-Davis-Rd-Glendale-AZ-85306/7694445_zpid/';

/** Davis: its page answered 429 Retry-After: 600, beyond what the job may wait; Example: completed, one placeholder among its photos. */
const outcomes: PropertyOutcome[] = [
  {
    ...{ propertyId: davis.id, address: davis.address, status: 'deferred', retryAt: RETRY_AT },
    ...{ ...ZERO_OUTCOME_COUNTS, sourcesRead: [], fetchModes: [], skippedSources: [] },
    failures: [
      {
        source: 'zillow',
        url: PAGE,
        code: 'NAVIGATION_FAILED',
        message: `${PAGE}: HTTP 429 (Retry-After: 600)`,
        kind: 'transient',
        retryAfterMs: 600_000,
      },
    ],
  },
  {
    ...{ propertyId: example.id, address: example.address, status: 'completed', ...ZERO_OUTCOME_COUNTS, placeholderImages: 1 },
    ...{ photosFound: 4, newImages: 4, sourcesRead: ['zillow'], fetchModes: [], skippedSources: [], failures: [] },
  },
];

describe('a deferred property through GraphQL (job documents in MongoDB, real HTTP)', () => {
  let harness: GraphqlHarness;
  let url: string;

  beforeAll(async () => {
    harness = await openGraphqlHarness('deferred');
    url = await harness.server.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('shows the DEFERRED outcome with its retryAt and asked wait, and the deferred and placeholder counters of the job', async () => {
    const now = new Date();
    // As the worker writes the job at its end: counters settled from the outcomes.
    const ended: TestJob = {
      ...{ id: newJobId(), createdAt: now, startedAt: now, completedAt: now, properties: [davis, example], sources: ['zillow'] },
      ...{ isolationMode: 'virtual', fetchMode: null, dryRun: false, status: 'completed', errorMessage: null, progressUpdatedAt: now },
      timeoutMs: null,
      ...ZERO_COUNTERS,
      ...{ totalProperties: 2, completedProperties: 1, deferredProperties: 1, totalImages: 4, newImages: 4, placeholderImages: 1 },
      failedPropertiesList: [],
      propertyOutcomes: outcomes,
    };
    const job = await storeJob(harness.repository, ended);

    const response = await postGraphql<{ job: unknown }>(url, JOB, { id: job.id }, harness.readKey.authorization);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data?.job).toEqual({
      status: 'COMPLETED',
      completedProperties: 1,
      partialProperties: 0,
      deferredProperties: 1,
      failedProperties: 0,
      failedPropertiesList: [],
      placeholderImages: 1,
      propertyOutcomes: [
        {
          address: davis.address,
          status: 'DEFERRED',
          retryAt: RETRY_AT.toISOString(),
          placeholderImages: 0,
          failures: [{ code: 'NAVIGATION_FAILED', retryAfterMs: 600_000 }],
        },
        { address: example.address, status: 'COMPLETED', retryAt: null, placeholderImages: 1, failures: [] },
      ],
    });
  });
});

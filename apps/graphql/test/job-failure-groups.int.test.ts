import {
  newJobId,
  toPropertyId,
  ZERO_COUNTERS,
  ZERO_OUTCOME_COUNTS,
  type ExtractionFailure,
  type Property,
  type PropertyOutcome,
  type PropertyOutcomeStatus,
} from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { storeJob } from './support/stored-job.js';

const GROUPS = `query($id: ID!) { job(id: $id) { id failureGroups { source code message count exampleUrl propertyIds } } }`;

interface Group {
  readonly source: string | null;
  readonly code: string;
  readonly message: string;
  readonly count: number;
  readonly exampleUrl: string | null;
  readonly propertyIds: string[];
}

const propertyAt = (n: number): Property => {
  const address = `${100 + n} W Test Ave, Phoenix, AZ 85001`;
  return { id: toPropertyId(address), address, listingUrls: {} };
};
const fail = (source: ExtractionFailure['source'], code: string, message: string, url: string | null = null): ExtractionFailure => ({
  source,
  code,
  message,
  url,
});
const outcomeOf = (property: Property, status: PropertyOutcomeStatus, failures: ExtractionFailure[]): PropertyOutcome => ({
  propertyId: property.id,
  address: property.address,
  status,
  ...ZERO_OUTCOME_COUNTS,
  ...(status === 'partial' ? { missingPhotos: 3 } : {}),
  ...(status === 'deferred' ? { retryAt: new Date(Date.now() + 60_000) } : {}),
  sourcesRead: status === 'completed' || status === 'partial' ? ['zillow'] : [],
  fetchModes: [],
  skippedSources: [],
  failures,
});

describe('Job.failureGroups over real HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;

  beforeAll(async () => {
    harness = await openGraphqlHarness('failgroups');
    url = await harness.server.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const store = async (outcomes: (readonly [PropertyOutcomeStatus, ExtractionFailure[]] | null)[]) => {
    const properties = outcomes.map((_, i) => propertyAt(i));
    const now = new Date();
    const job = await storeJob(harness.repository, {
      id: newJobId(),
      createdAt: now,
      startedAt: now,
      completedAt: now,
      properties,
      sources: ['zillow', 'redfin'],
      isolationMode: 'virtual',
      fetchMode: null,
      dryRun: false,
      timeoutMs: null,
      status: 'completed',
      errorMessage: null,
      progressUpdatedAt: now,
      ...ZERO_COUNTERS,
      totalProperties: properties.length,
      failedPropertiesList: [],
      propertyOutcomes: outcomes.flatMap((o, i) => (o === null ? [] : [outcomeOf(properties[i] as Property, o[0], o[1])])),
    });
    return { job, ids: properties.map((p) => p.id) };
  };
  const groupsOf = async (id: string): Promise<Group[]> => {
    const response = await postGraphql<{ job: { failureGroups: Group[] } }>(url, GROUPS, { id }, harness.readKey.authorization);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.job.failureGroups ?? [];
  };

  it('groups the failed and partial outcomes by (source, code, message), largest first, with an example URL and the first 5 properties', async () => {
    const timeout = (url: string | null = null) => fail('zillow', 'NAVIGATION_TIMEOUT', 'page did not load in 30000 ms', url);
    const { job, ids } = await store([
      ['failed', [timeout(), fail(null, 'NOT_FOUND', 'no listing found'), timeout('https://www.zillow.com/a')]],
      ['failed', [timeout('https://www.zillow.com/b')]],
      ['partial', [fail('redfin', 'PHOTOS_MISSING', 'the page declares 3 more photos')]],
      // Not counted: a completed property's photo failure, a deferred property's wait.
      ['completed', [timeout('https://www.zillow.com/c')]],
      ['deferred', [fail('zillow', 'RATE_LIMITED', 'HTTP 429')]],
      ['failed', [timeout()]],
      // Same code and message from another source: a group of its own.
      ['failed', [fail('redfin', 'NAVIGATION_TIMEOUT', 'page did not load in 30000 ms')]],
      null,
      ['failed', [timeout()]],
      ['failed', [timeout()]],
      ['failed', [timeout()]],
      ['failed', []],
    ]);
    expect(await groupsOf(job.id)).toEqual([
      {
        source: 'zillow',
        code: 'NAVIGATION_TIMEOUT',
        message: 'page did not load in 30000 ms',
        count: 7,
        exampleUrl: 'https://www.zillow.com/a',
        propertyIds: [ids[0], ids[1], ids[5], ids[8], ids[9]],
      },
      { source: null, code: 'NOT_FOUND', message: 'no listing found', count: 1, exampleUrl: null, propertyIds: [ids[0]] },
      {
        source: 'redfin',
        code: 'PHOTOS_MISSING',
        message: 'the page declares 3 more photos',
        count: 1,
        exampleUrl: null,
        propertyIds: [ids[2]],
      },
      {
        source: 'redfin',
        code: 'NAVIGATION_TIMEOUT',
        message: 'page did not load in 30000 ms',
        count: 1,
        exampleUrl: null,
        propertyIds: [ids[6]],
      },
    ]);
  });

  it('returns at most 50 groups (the largest) and none for a job without failures', async () => {
    const { job, ids } = await store(
      Array.from(
        { length: 60 },
        (_, i) => ['failed', [fail('zillow', 'E', `m${i}`), ...(i < 3 ? [fail('zillow', 'E', 'shared')] : [])]] as const,
      ),
    );
    const groups = await groupsOf(job.id);
    expect(groups).toHaveLength(50);
    expect(groups[0]).toMatchObject({ message: 'shared', count: 3, propertyIds: ids.slice(0, 3) });
    expect(groups.slice(1).map((g) => g.message)).toEqual(Array.from({ length: 49 }, (_, i) => `m${i}`));
    const clean = await store([['completed', []], null]);
    expect(await groupsOf(clean.job.id)).toEqual([]);
  });

  it('counts failureGroups in the query cost as a list of 50: on 20 jobs at once it is refused before running', async () => {
    const response = await postGraphql(
      url,
      `{ jobs(first: 20) { edges { node { failureGroups { code } } } } }`,
      {},
      harness.readKey.authorization,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.message).toMatch(/Query Cost limit of 5000 exceeded/);
    const one = await postGraphql(
      url,
      `{ jobs(first: 1) { edges { node { failureGroups { code } } } } }`,
      {},
      harness.readKey.authorization,
    );
    expect(one.status).toBe(200);
  });
});

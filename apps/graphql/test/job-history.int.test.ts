import { randomUUID } from 'node:crypto';
import {
  newJobId,
  toPropertyId,
  ZERO_COUNTERS,
  ZERO_OUTCOME_COUNTS,
  type ExtractionJob,
  type JobStatus,
  type PropertyOutcome,
  type Source,
} from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { DAVIS_ADDRESS, DAVIS_ID, SAMPLE_PROPERTIES } from './support/sample-properties.js';
import { storeJob } from './support/stored-job.js';
import type { TestJob } from './support/stored-job.js';

const JOBS = `query($filter: JobFilter, $first: Int, $after: String) {
  jobs(filter: $filter, first: $first, after: $after) { edges { cursor node { id status sources createdAt } } pageInfo { hasNextPage endCursor } } }`;
const PROPERTY = `query($id: ID, $address: String) { property(id: $id, address: $address) { id address listingUrls { source url } } }`;
const RETRY = `mutation($id: ID!) { retryJob(id: $id) { id status sources dryRun totalProperties properties { edges { node { property { id address } } } } } }`;

interface Page {
  readonly edges: {
    readonly cursor: string;
    readonly node: { readonly id: string; readonly status: string; readonly sources: string[]; readonly createdAt: string };
  }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

const [davis, example] = SAMPLE_PROPERTIES as [(typeof SAMPLE_PROPERTIES)[number], (typeof SAMPLE_PROPERTIES)[number]];

/** A job as a worker leaves it, created at `createdAt`. */
function storedJob(createdAt: Date, status: JobStatus, sources: Source[], outcomes: PropertyOutcome[] = []): TestJob {
  const final = status !== 'pending' && status !== 'in_progress';
  return {
    id: newJobId(),
    createdAt,
    startedAt: status === 'pending' ? null : createdAt,
    completedAt: final ? createdAt : null,
    properties: [davis, example],
    sources,
    isolationMode: 'virtual',
    fetchMode: null,
    dryRun: false,
    timeoutMs: null,
    status,
    errorMessage: status === 'failed' ? 'every property failed' : null,
    progressUpdatedAt: createdAt,
    ...ZERO_COUNTERS,
    totalProperties: 2,
    completedProperties: outcomes.filter((o) => o.status === 'completed').length,
    failedProperties: outcomes.filter((o) => o.status === 'failed').length,
    failedPropertiesList: outcomes.filter((o) => o.status === 'failed').map((o) => o.address),
    propertyOutcomes: outcomes,
  };
}

function outcome(property: typeof davis, status: 'completed' | 'failed' | 'deferred'): PropertyOutcome {
  return {
    propertyId: property.id,
    address: property.address,
    status,
    ...ZERO_OUTCOME_COUNTS,
    sourcesRead: status === 'completed' ? ['zillow'] : [],
    fetchModes: [],
    skippedSources: [],
    failures:
      status === 'failed'
        ? [{ source: 'zillow', url: null, code: 'PHOTO_DATA_MISSING', message: 'no photo data' }]
        : status === 'deferred'
          ? [{ source: 'zillow', url: null, code: 'RATE_LIMITED', message: 'HTTP 429', kind: 'transient', retryAfterMs: 600_000 }]
          : [],
    ...(status === 'deferred' ? { retryAt: new Date(Date.now() + 600_000) } : {}),
  };
}

describe('jobs pages, property lookup and retryJob over real HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;
  let admin: string;
  let read: string;
  const jobs: ExtractionJob[] = [];

  beforeAll(async () => {
    harness = await openGraphqlHarness('history');
    url = await harness.server.start();
    admin = harness.adminKey.authorization;
    read = harness.readKey.authorization;
    // Old jobs (January 2020), two of them created in the same millisecond: the order falls back on the id.
    const at = (day: number): Date => new Date(Date.UTC(2020, 0, day, 12));
    const specs: [Date, JobStatus, Source[]][] = [
      [at(1), 'completed', ['zillow']],
      [at(2), 'failed', ['redfin']],
      [at(3), 'completed', ['zillow', 'redfin']],
      [at(3), 'cancelled', ['zillow']],
      [at(4), 'pending', ['redfin']],
      [at(5), 'failed', ['zillow']],
    ];
    for (const [createdAt, status, sources] of specs) jobs.push(await storeJob(harness.repository, storedJob(createdAt, status, sources)));
  });
  afterAll(async () => {
    await harness?.close();
  });

  const OLD = { createdBefore: '2020-02-01T00:00:00.000Z' };
  const newestFirst = (list: readonly ExtractionJob[]): string[] =>
    [...list].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((j) => j.id);
  const page = async (variables: Record<string, unknown>): Promise<Page> => {
    const response = await postGraphql<{ jobs: Page }>(url, JOBS, variables, read);
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.jobs as Page;
  };

  it('walks every job by pages of two with opaque cursors, newest first, stable on equal creation times', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    const hasNext: boolean[] = [];
    do {
      const result: Page = await page({ filter: OLD, first: 2, ...(after === null ? {} : { after }) });
      seen.push(...result.edges.map((e) => e.node.id));
      hasNext.push(result.pageInfo.hasNextPage);
      expect(result.pageInfo.endCursor).toBe(result.edges.at(-1)?.cursor ?? null);
      after = result.pageInfo.hasNextPage ? result.pageInfo.endCursor : null;
    } while (after !== null);
    expect(seen).toEqual(newestFirst(jobs));
    expect(hasNext).toEqual([true, true, false]);
    // A job added while paging (newer than all) does not shift the pages after a cursor.
    const firstPage = await page({ filter: OLD, first: 2 });
    await storeJob(harness.repository, storedJob(new Date(Date.UTC(2020, 2, 1)), 'completed', ['zillow']));
    const second = await page({ filter: { createdBefore: '2020-01-06T00:00:00.000Z' }, first: 2, after: firstPage.pageInfo.endCursor });
    expect(second.edges.map((e) => e.node.id)).toEqual(newestFirst(jobs).slice(2, 4));
  });

  it('filters by status, source and creation time, together', async () => {
    const ids = async (filter: Record<string, unknown>): Promise<string[]> =>
      (await page({ filter: { ...OLD, ...filter }, first: 100 })).edges.map((e) => e.node.id);
    const pick = (test: (j: ExtractionJob) => boolean): string[] => newestFirst(jobs.filter(test));
    expect(await ids({ status: 'FAILED' })).toEqual(pick((j) => j.status === 'failed'));
    expect(await ids({ source: 'redfin' })).toEqual(pick((j) => j.sources.includes('redfin')));
    expect(await ids({ createdFrom: '2020-01-03T00:00:00.000Z', createdBefore: '2020-01-05T00:00:00.000Z' })).toEqual(
      pick((j) => j.createdAt >= new Date('2020-01-03') && j.createdAt < new Date('2020-01-05')),
    );
    expect(await ids({ status: 'COMPLETED', source: 'zillow', createdFrom: '2020-01-02T00:00:00.000Z' })).toEqual([jobs[2]?.id]);
    expect(await ids({ status: 'IN_PROGRESS' })).toEqual([]);
  });

  it('answers BAD_USER_INPUT naming the page size, source, range or cursor', async () => {
    const issuesOf = async (variables: Record<string, unknown>): Promise<unknown> => {
      const response = await postGraphql<{ jobs: Page }>(url, JOBS, variables, read);
      expect(response.status).toBe(200);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      return response.body.errors?.[0]?.extensions?.['issues'];
    };
    expect(await issuesOf({ first: 0 })).toEqual([{ path: 'first', message: '0 is outside 1..100' }]);
    expect(await issuesOf({ first: 101 })).toEqual([{ path: 'first', message: '101 is outside 1..100' }]);
    expect(await issuesOf({ after: 'bm9wZQ' })).toEqual([
      { path: 'after', message: '"bm9wZQ" is not a cursor of this list (use an edge\'s cursor)' },
    ]);
    expect(await issuesOf({ filter: { source: 'craigslist' } })).toEqual([
      { path: 'filter.source', message: 'unknown source "craigslist"; expected zillow or redfin' },
    ]);
    expect(await issuesOf({ filter: { createdFrom: '2020-01-05T00:00:00.000Z', createdBefore: '2020-01-05T00:00:00.000Z' } })).toEqual([
      { path: 'filter.createdFrom', message: '2020-01-05T00:00:00.000Z is not before createdBefore 2020-01-05T00:00:00.000Z' },
    ]);
    const badStatus = await postGraphql(url, JOBS, { filter: { status: 'DONE' } }, read);
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it('reads one property by id or by address; BAD_USER_INPUT unless exactly one is given; NOT_FOUND when none matches', async () => {
    const expected = {
      id: DAVIS_ID,
      address: DAVIS_ADDRESS,
      listingUrls: Object.entries(davis.listingUrls).map(([source, u]) => ({ source, url: u })),
    };
    expect((await postGraphql(url, PROPERTY, { id: DAVIS_ID }, read)).body).toEqual({ data: { property: expected } });
    expect((await postGraphql(url, PROPERTY, { address: '4732 w DAVIS rd,  glendale, az 85306' }, read)).body).toEqual({
      data: { property: expected },
    });
    const both = await postGraphql(url, PROPERTY, { id: DAVIS_ID, address: DAVIS_ADDRESS }, read);
    expect(both.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'id', message: 'give exactly one of id and address' }],
    });
    const neither = await postGraphql(url, PROPERTY, {}, read);
    expect(neither.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'id|address', message: 'give exactly one of id and address' }],
    });
    const unknownId = await postGraphql(url, PROPERTY, { id: 'nowhere' }, read);
    expect(unknownId.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'property', id: 'nowhere' });
    const unknownAddress = await postGraphql(url, PROPERTY, { address: '1 Nowhere Ln, Mesa, AZ 85201' }, read);
    expect(unknownAddress.body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('retryJob enqueues the failed, deferred and unfinished properties only of a finished job, for admin keys; CONFLICT, NOT_FOUND, FORBIDDEN otherwise', async () => {
    const failedOne = await storeJob(
      harness.repository,
      storedJob(new Date(), 'completed', ['zillow', 'redfin'], [outcome(davis, 'failed'), outcome(example, 'completed')]),
    );
    const retried = await postGraphql<{ retryJob: { id: string } }>(url, RETRY, { id: failedOne.id }, admin);
    expect(retried.body.errors).toBeUndefined();
    const job = retried.body.data?.retryJob;
    expect(job).toEqual({
      id: expect.not.stringMatching(failedOne.id) as unknown,
      status: 'PENDING',
      sources: ['zillow', 'redfin'],
      dryRun: false,
      totalProperties: 1,
      properties: { edges: [{ node: { property: { id: toPropertyId(DAVIS_ADDRESS), address: DAVIS_ADDRESS } } }] },
    });
    expect(await harness.database.db.collection('agendaJobs').countDocuments({ 'data.jobId': job?.id })).toBe(1);

    const withReadKey = await postGraphql(url, RETRY, { id: failedOne.id }, read);
    expect(withReadKey.status).toBe(403);
    expect(withReadKey.body.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');

    const clean = await storeJob(
      harness.repository,
      storedJob(new Date(), 'completed', ['zillow'], [outcome(davis, 'completed'), outcome(example, 'completed')]),
    );
    const nothing = await postGraphql(url, RETRY, { id: clean.id }, admin);
    expect(nothing.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'NO_FAILED_PROPERTIES' });
    expect(nothing.body.errors?.[0]?.message).toBe(`Job "${clean.id}" (completed) has no failed, deferred or unfinished property to retry`);

    // A property deferred (its site asked for a long wait) is retried too, as a failed one is.
    const deferredOne = await storeJob(
      harness.repository,
      storedJob(new Date(), 'completed', ['zillow'], [outcome(davis, 'completed'), outcome(example, 'deferred')]),
    );
    const retriedDeferred = await postGraphql<{ retryJob: { totalProperties: number } }>(url, RETRY, { id: deferredOne.id }, admin);
    expect(retriedDeferred.body.errors).toBeUndefined();
    expect(retriedDeferred.body.data?.retryJob).toMatchObject({
      totalProperties: 1,
      properties: { edges: [{ node: { property: { id: example.id, address: example.address } } }] },
    });

    // A job stopped before every property ran (cancelled, or failed by JOB_TIMEOUT): its unfinished properties are retried
    // with its failed ones; the completed one is not.
    for (const status of ['cancelled', 'failed'] as const) {
      const stopped = await storeJob(harness.repository, storedJob(new Date(), status, ['zillow'], [outcome(davis, 'completed')]));
      const retriedStopped = await postGraphql<{ retryJob: { totalProperties: number } }>(url, RETRY, { id: stopped.id }, admin);
      expect(retriedStopped.body.errors).toBeUndefined();
      expect(retriedStopped.body.data?.retryJob).toMatchObject({
        totalProperties: 1,
        properties: { edges: [{ node: { property: { id: example.id, address: example.address } } }] },
      });
    }

    const running = await storeJob(harness.repository, storedJob(new Date(), 'pending', ['zillow']));
    const notFinished = await postGraphql(url, RETRY, { id: running.id }, admin);
    expect(notFinished.body.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'JOB_NOT_FINISHED' });
    expect(notFinished.body.errors?.[0]?.message).toBe(
      `Job "${running.id}" is pending; only a finished job can be retried (wait for it, or cancel it first)`,
    );

    const unknown = randomUUID();
    expect((await postGraphql(url, RETRY, { id: unknown }, admin)).body.errors?.[0]?.extensions).toMatchObject({
      code: 'NOT_FOUND',
      id: unknown,
    });
    expect((await postGraphql(url, RETRY, { id: 'nope' }, admin)).body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

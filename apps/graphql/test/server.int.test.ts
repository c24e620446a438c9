import { randomUUID } from 'node:crypto';
import { ZERO_COUNTERS, ZERO_OUTCOME_COUNTS, toContentHash, toPropertyId, type JobId, type PropertyOutcome } from '@phx/core';
import { CANCELLED_BEFORE_START_MESSAGE } from '@phx/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { dataOf, errorOf } from './support/operation-result.js';
import { DAVIS_ADDRESS, DAVIS_ID, EXAMPLE_ADDRESS } from './support/sample-properties.js';

const JOB_FIELDS = `id status createdAt startedAt completedAt progressUpdatedAt sources isolationMode fetchMode dryRun timeoutSeconds
  totalProperties completedProperties failedProperties totalImages newImages duplicateImages failedImages
  failedPropertiesList errorMessage
  properties(first: 10) { totalCount edges { node { index status property { id address } } } }
  propertyOutcomes { propertyId address status photosFound newImages duplicateImages failedImages sourcesRead
    fetchModes { source mode } skippedSources { source reason } failures { source url code message } }`;

const ENQUEUE = `mutation Enqueue($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { ${JOB_FIELDS} } }`;
const JOB = `query Job($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation Cancel($id: ID!) { cancelJob(id: $id) { id status errorMessage completedAt } }`;
const PHOTOS = `query Photos($propertyId: ID!) { photos(propertyId: $propertyId) {
  propertyId sha256 format widthPx heightPx byteLength fileName location sources photoIds urls firstSeenAt lastSeenAt
  positions { source position caption } caption } }`;

interface JobView {
  readonly id: string;
  readonly status: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly sources: string[];
  readonly isolationMode: string;
  readonly dryRun: boolean;
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly totalImages: number;
  readonly newImages: number;
  readonly errorMessage: string | null;
  readonly failedPropertiesList: string[];
  readonly properties: { id: string; address: string; listingUrls: { source: string; url: string }[] }[];
  readonly propertyOutcomes: Record<string, unknown>[];
}

/** A job as the API sends it: its properties a connection (`Job.properties`). */
type JobWire = Omit<JobView, 'properties'> & {
  readonly properties: {
    totalCount: number;
    edges: { node: { index: number; status: string; property: JobView['properties'][number] } }[];
  };
};

/** The job with its first page of properties as a list, checking the page's positions and its totalCount. */
function flat(job: JobWire): JobView {
  expect(job.properties.edges.map((e) => e.node.index)).toEqual(job.properties.edges.map((_, i) => i));
  expect(job.properties.totalCount).toBe(job.totalProperties);
  return { ...job, properties: job.properties.edges.map((e) => ({ ...e.node.property, listingUrls: [] })) };
}

describe('GraphQL operations in process (real job service on MongoDB)', () => {
  let harness: GraphqlHarness;

  beforeAll(async () => {
    harness = await openGraphqlHarness('operations');
  });
  afterAll(async () => {
    await harness?.close();
  });

  const run = (query: string, variables: Record<string, unknown> = {}) =>
    harness.server.executeOperation({ query, variables }, harness.adminKey.authorization);
  const enqueue = async (input: Record<string, unknown>): Promise<JobView> =>
    flat(dataOf<{ enqueueExtraction: JobWire }>(await run(ENQUEUE, { input })).enqueueExtraction);

  it('lists the catalog properties with their listing URLs', async () => {
    const page = dataOf<{ properties: { edges: { node: JobView['properties'][number] }[] } }>(
      await run('{ properties { edges { node { id address listingUrls { source url } } } } }'),
    );
    const properties = page.properties.edges.map((e) => e.node);
    // Ordered by id: "123-e-example-…" before "4732-w-davis-…".
    expect(properties.map((p) => p.address)).toEqual([EXAMPLE_ADDRESS, DAVIS_ADDRESS]);
    expect(properties[1]?.id).toBe(DAVIS_ID);
    expect(properties[1]?.listingUrls.map((l) => l.source)).toEqual(['zillow', 'redfin']);
    expect(properties[0]?.listingUrls).toHaveLength(1);
  });

  it('enqueues catalog addresses as a pending job with the defaults', async () => {
    const job = await enqueue({ addresses: ['4732 w davis rd glendale az 85306'] });
    expect(job).toMatchObject({
      status: 'PENDING',
      sources: ['zillow', 'redfin'],
      isolationMode: 'VIRTUAL',
      fetchMode: null,
      dryRun: false,
      timeoutSeconds: null,
      totalProperties: 1,
      completedProperties: 0,
      totalImages: 0,
      startedAt: null,
      completedAt: null,
      errorMessage: null,
      failedPropertiesList: [],
      propertyOutcomes: [],
    });
    expect(job.properties[0]).toMatchObject({ id: DAVIS_ID, address: DAVIS_ADDRESS });
    expect(new Date(job.createdAt).toISOString()).toBe(job.createdAt);
    const queued = await harness.database.db.collection('agendaJobs').countDocuments({ 'data.jobId': job.id });
    expect(queued).toBe(1);
  });

  it('enqueues every catalog property with all: true and the given options, its list left to the worker', async () => {
    const job = await enqueue({ all: true, sources: [' Redfin '], isolationMode: 'CONTEXT', fetchMode: 'HTTP', dryRun: true });
    expect(job).toMatchObject({ totalProperties: 0, sources: ['redfin'], isolationMode: 'CONTEXT', fetchMode: 'HTTP', dryRun: true });
    expect(await harness.database.db.collection('extraction_jobs').findOne({ _id: job.id as never })).toMatchObject({ fetchMode: 'http' });
    const read = dataOf<{ job: { fetchMode: string; propertiesListed: boolean; selectionAll: boolean; selectionLabel: string | null } }>(
      await run(`query Job($id: ID!) { job(id: $id) { fetchMode propertiesListed selectionAll selectionLabel } }`, { id: job.id }),
    ).job;
    expect(read).toEqual({ fetchMode: 'HTTP', propertiesListed: false, selectionAll: true, selectionLabel: null });
    expect(job.properties).toEqual([]);
    expect(await harness.database.db.collection('extraction_job_properties').countDocuments({ jobId: job.id })).toBe(0);
  });

  it.each([
    ['no selection', {}],
    ['an empty address list', { addresses: [] }],
    ['all: false', { all: false }],
    ['both addresses and all', { addresses: [DAVIS_ADDRESS], all: true }],
    ['a blank address', { addresses: ['  '] }],
  ])('rejects %s with BAD_USER_INPUT', async (_name, input) => {
    const error = errorOf(await run(ENQUEUE, { input }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/addresses/);
    expect(error.extensions?.['issues']).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^addresses/) })]),
    );
  });

  it('rejects an unknown source with BAD_USER_INPUT naming it', async () => {
    const error = errorOf(await run(ENQUEUE, { input: { all: true, sources: ['zillow', 'myspace'] } }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('"myspace"');
    expect(error.extensions?.['issues']).toEqual([{ path: 'sources.1', message: expect.stringContaining('myspace') }]);
  });

  it('names every bad address and a bad source together, each by its path, enqueueing nothing', async () => {
    // Only the first bad address was named (the others and the source came one fix at a time).
    const before = await harness.database.db.collection('extraction_jobs').countDocuments();
    const input = { addresses: ['1 Straße, Berlin', DAVIS_ADDRESS, 'Москва', '3 Main\u200bSt'], sources: ['myspace'] };
    const error = errorOf(await run(ENQUEUE, { input }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect((error.extensions?.['issues'] as { path: string }[]).map((i) => i.path)).toEqual([
      'addresses.0',
      'addresses.2',
      'addresses.3',
      'sources.0',
    ]);
    expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(before);
  });

  it('rejects an empty sources list with BAD_USER_INPUT saying to leave it out for every source, enqueueing nothing', async () => {
    const before = await harness.database.db.collection('extraction_jobs').countDocuments();
    const error = errorOf(await run(ENQUEUE, { input: { addresses: [DAVIS_ADDRESS], sources: [] } }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions?.['issues']).toEqual([
      {
        path: 'sources',
        message: 'is empty; name at least one source (zillow, redfin), or leave sources out (or null) to read every source',
      },
    ]);
    expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(before);
    const every = await enqueue({ addresses: [DAVIS_ADDRESS], sources: null, dryRun: true });
    expect(every.sources).toEqual(['zillow', 'redfin']);
  });

  it('rejects a fetch mode that is not AUTO, HTTP or BROWSER with BAD_USER_INPUT naming it, enqueueing nothing', async () => {
    const before = await harness.database.db.collection('extraction_jobs').countDocuments();
    const error = errorOf(await run(ENQUEUE, { input: { all: true, fetchMode: 'FAST' } }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('"FAST"');
    expect(error.message).toContain('FetchMode');
    expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(before);
  });

  it("stores a job's own time limit (timeoutSeconds) in ms and shows it in seconds", async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS], dryRun: true, timeoutSeconds: 7_200 });
    expect(job).toMatchObject({ timeoutSeconds: 7_200 });
    expect(await harness.database.db.collection('extraction_jobs').findOne({ _id: job.id as never })).toMatchObject({
      timeoutMs: 7_200_000,
    });
    const read = dataOf<{ job: { timeoutSeconds: number | null } }>(
      await run(`query Job($id: ID!) { job(id: $id) { timeoutSeconds } }`, { id: job.id }),
    );
    expect(read.job.timeoutSeconds).toBe(7_200);
  });

  it.each([0, -5, 30 * 24 * 3_600 + 1])(
    'rejects timeoutSeconds %d with BAD_USER_INPUT naming the range, enqueueing nothing',
    async (timeoutSeconds) => {
      const before = await harness.database.db.collection('extraction_jobs').countDocuments();
      const error = errorOf(await run(ENQUEUE, { input: { addresses: [DAVIS_ADDRESS], timeoutSeconds } }));
      expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(error.extensions?.['issues']).toEqual([
        { path: 'timeoutSeconds', message: `${timeoutSeconds} is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)` },
      ]);
      expect(await harness.database.db.collection('extraction_jobs').countDocuments()).toBe(before);
    },
  );

  it('rejects a timeoutSeconds that is not a whole number with BAD_USER_INPUT', async () => {
    const error = errorOf(await run(ENQUEUE, { input: { addresses: [DAVIS_ADDRESS], timeoutSeconds: 1.5 } }));
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/Int/);
  });

  it('rejects a property id that is not in the catalog with NOT_FOUND naming it; an unknown address joins the catalog', async () => {
    const error = errorOf(await run(ENQUEUE, { input: { propertyIds: ['1-nowhere-ln-mesa-az-85201'] } }));
    expect(error.extensions).toMatchObject({ code: 'NOT_FOUND', id: '1-nowhere-ln-mesa-az-85201' });
    expect(error.message).toContain('1-nowhere-ln-mesa-az-85201');
    const job = await enqueue({ addresses: [DAVIS_ADDRESS, '1 Nowhere Ln, Mesa, AZ 85201'] });
    expect(job.properties.map((p) => p.id)).toEqual([DAVIS_ID, '1-nowhere-ln-mesa-az-85201']);
    const { property } = dataOf<{ property: { address: string } }>(await run('{ property(id: "1-nowhere-ln-mesa-az-85201") { address } }'));
    expect(property.address).toBe('1 Nowhere Ln, Mesa, AZ 85201');
  });

  it('reads a job by id, NOT_FOUND for an unknown id, BAD_USER_INPUT for a malformed one', async () => {
    const created = await enqueue({ addresses: [EXAMPLE_ADDRESS] });
    const job = flat(dataOf<{ job: JobWire }>(await run(JOB, { id: created.id })).job);
    expect(job).toMatchObject({ id: created.id, status: 'PENDING', totalProperties: 1 });

    const unknown = randomUUID();
    const notFound = errorOf(await run(JOB, { id: unknown }));
    expect(notFound.extensions).toMatchObject({ code: 'NOT_FOUND', entity: 'job', id: unknown });
    expect(notFound.message).toContain(unknown);

    const malformed = errorOf(await run(JOB, { id: 'not-a-job' }));
    expect(malformed.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(malformed.message).toContain('"not-a-job"');
  });

  it('cancels a pending job; CONFLICT once finished; NOT_FOUND for an unknown job', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS] });
    const { cancelJob } = dataOf<{ cancelJob: JobView }>(await run(CANCEL, { id: job.id }));
    expect(cancelJob).toMatchObject({ id: job.id, status: 'CANCELLED', errorMessage: CANCELLED_BEFORE_START_MESSAGE });
    expect(cancelJob.completedAt).not.toBeNull();
    const queued = await harness.database.db.collection('agendaJobs').countDocuments({ 'data.jobId': job.id });
    expect(queued).toBe(0);

    const again = errorOf(await run(CANCEL, { id: job.id }));
    expect(again.extensions).toMatchObject({ code: 'CONFLICT', reason: 'JOB_ALREADY_FINISHED' });
    expect(again.message).toContain(job.id);

    const unknown = randomUUID();
    const notFound = errorOf(await run(CANCEL, { id: unknown }));
    expect(notFound.extensions).toMatchObject({ code: 'NOT_FOUND', id: unknown });
  });

  it("pages a job's properties by position with their outcomes, filtered by status, totalCount from the counters", async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS, EXAMPLE_ADDRESS], dryRun: true });
    const now = new Date();
    await harness.repository.startRun(job.id, { runNumber: 1, workerName: 'test-worker', now });
    const failed = {
      ...ZERO_OUTCOME_COUNTS,
      propertyId: toPropertyId(EXAMPLE_ADDRESS),
      address: EXAMPLE_ADDRESS,
      status: 'failed' as const,
      sourcesRead: [],
      fetchModes: [],
      skippedSources: [],
      failures: [{ source: 'zillow' as const, url: null, code: 'BOT_WALL', message: 'walled' }],
    };
    await harness.repository.properties.recordOutcomes(job.id as JobId, [{ index: 1, outcome: failed }], now);
    const progress = { ...ZERO_COUNTERS, totalProperties: 2, failedProperties: 1, failedPropertiesList: [EXAMPLE_ADDRESS] };
    expect(await harness.repository.saveProgress(job.id, 1, progress, now)).toBe(true);
    // A literal page size: a variable one counts at the largest page in the query cost.
    const PAGE = (first: number): string => `query($id: ID!, $status: JobPropertyStatus, $after: String) { job(id: $id) {
      properties(status: $status, first: ${first}, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { index status property { address } outcome { status address } } } } } }`;
    type Page = {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: { cursor: string; node: { index: number; status: string; property: { address: string }; outcome: unknown } }[];
    };
    const page = async ({ first, ...variables }: { first: number } & Record<string, unknown>): Promise<Page> =>
      dataOf<{ job: { properties: Page } }>(await run(PAGE(first), { id: job.id, ...variables })).job.properties;

    const first = await page({ first: 1 });
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    expect(first.edges.map((e) => e.node)).toEqual([{ index: 0, status: 'PENDING', property: { address: DAVIS_ADDRESS }, outcome: null }]);
    const second = await page({ first: 1, after: first.pageInfo.endCursor });
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0]?.cursor });
    expect(second.edges.map((e) => e.node)).toEqual([
      {
        index: 1,
        status: 'FAILED',
        property: { address: EXAMPLE_ADDRESS },
        outcome: { status: 'FAILED', address: EXAMPLE_ADDRESS },
      },
    ]);
    expect((await page({ first: 10, status: 'FAILED' })).edges.map((e) => e.node.index)).toEqual([1]);
    expect(await page({ first: 10, status: 'PENDING' })).toMatchObject({ totalCount: 1, edges: [{ node: { index: 0 } }] });
    expect(await page({ first: 10, status: 'COMPLETED' })).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null },
      edges: [],
    });

    const badCursor = errorOf(await run(PAGE(1), { id: job.id, after: 'not-a-cursor' }));
    expect(badCursor.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(badCursor.message).toContain('after');
    const tooMany = errorOf(await run(PAGE(0), { id: job.id }));
    expect(tooMany.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(tooMany.message).toContain('0 is outside 1..100');
  });

  it('shows the counters and per-property outcomes a worker wrote', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS] });
    const outcome = {
      propertyId: DAVIS_ID,
      address: DAVIS_ADDRESS,
      status: 'failed',
      photosFound: 3,
      newImages: 1,
      duplicateImages: 1,
      failedImages: 1,
      sourcesRead: ['zillow'],
      fetchModes: [
        { source: 'zillow', mode: 'http' },
        { source: 'redfin', mode: 'browser' },
      ],
      skippedSources: [],
      failures: [
        { source: 'zillow', url: 'https://photos.zillowstatic.com/fp/x.jpg', code: 'INVALID_IMAGE', message: 'not an image' },
        { source: 'redfin', url: null, code: 'PHOTO_DATA_MISSING', message: 'no photo data on the page' },
      ],
    } satisfies Partial<PropertyOutcome>;
    const now = new Date();
    await harness.repository.startRun(job.id, { runNumber: 1, workerName: 'test-worker', now });
    await harness.repository.properties.recordOutcomes(
      job.id as JobId,
      [{ index: 0, outcome: { ...ZERO_OUTCOME_COUNTS, ...outcome } }],
      now,
    );
    await harness.repository.endRun(
      job.id,
      1,
      {
        status: 'completed',
        errorMessage: null,
        cancelRequestedAt: null,
        progress: {
          ...ZERO_COUNTERS,
          totalProperties: 1,
          failedProperties: 1,
          totalImages: 2,
          newImages: 1,
          duplicateImages: 1,
          failedImages: 1,
          failedPropertiesList: [DAVIS_ADDRESS],
        },
      },
      now,
    );
    const done = flat(dataOf<{ job: JobWire }>(await run(JOB, { id: job.id })).job);
    expect(done).toMatchObject({
      status: 'COMPLETED',
      failedPropertiesList: [DAVIS_ADDRESS],
      totalImages: 2,
      newImages: 1,
      startedAt: now.toISOString(),
      completedAt: now.toISOString(),
    });
    expect(done.propertyOutcomes).toEqual([
      {
        ...outcome,
        status: 'FAILED',
        skippedSources: [],
        sourcesRead: ['zillow'],
        fetchModes: [
          { source: 'zillow', mode: 'HTTP' },
          { source: 'redfin', mode: 'BROWSER' },
        ],
      },
    ]);
  });

  it('shows the unchanged and removed counters a running worker wrote, before any property finished', async () => {
    const job = await enqueue({ addresses: [DAVIS_ADDRESS] });
    const now = new Date();
    await harness.repository.startRun(job.id, { runNumber: 1, workerName: 'test-worker', now });
    const progress = {
      ...{ ...ZERO_COUNTERS, totalProperties: 1, totalImages: 3, newImages: 1, duplicateImages: 2 },
      ...{ unchangedImages: 4, removedImages: 2, failedPropertiesList: [], propertyOutcomes: [] },
    };
    expect(await harness.repository.saveProgress(job.id, 1, progress, now)).toBe(true);
    const query = 'query Job($id: ID!) { job(id: $id) { status newImages duplicateImages unchangedImages removedImages } }';
    const { job: running } = dataOf<{ job: Record<string, unknown> }>(await run(query, { id: job.id }));
    expect(running).toEqual({ status: 'IN_PROGRESS', newImages: 1, duplicateImages: 2, unchangedImages: 4, removedImages: 2 });
  });

  it('lists the stored photos of a property by id or address', async () => {
    const empty = dataOf<{ photos: unknown[] }>(await run(PHOTOS, { propertyId: DAVIS_ID }));
    expect(empty.photos).toEqual([]);
    const sha256 = toContentHash('a'.repeat(64));
    const seenAt = new Date('2026-01-02T03:04:05.000Z');
    await harness.photos.recordPhoto({
      propertyId: DAVIS_ID,
      sha256,
      format: 'jpeg',
      widthPx: 1024,
      heightPx: 768,
      byteLength: 123_456,
      fileName: `${sha256}.jpg`,
      location: `/data/images/${DAVIS_ID}/${sha256}.jpg`,
      source: 'zillow',
      photoId: 'abc123',
      url: 'https://photos.zillowstatic.com/fp/abc123-uncropped_scaled_within_1536_1152.jpg',
      seenAt,
      jobId: null,
      gallery: { position: 4, caption: 'Kitchen' },
    });
    for (const propertyId of [DAVIS_ID, DAVIS_ADDRESS]) {
      const { photos } = dataOf<{ photos: Record<string, unknown>[] }>(await run(PHOTOS, { propertyId }));
      expect(photos).toEqual([
        {
          propertyId: DAVIS_ID,
          sha256,
          format: 'jpeg',
          widthPx: 1024,
          heightPx: 768,
          byteLength: 123_456,
          fileName: `${sha256}.jpg`,
          location: `/data/images/${DAVIS_ID}/${sha256}.jpg`,
          sources: ['zillow'],
          photoIds: ['abc123'],
          urls: ['https://photos.zillowstatic.com/fp/abc123-uncropped_scaled_within_1536_1152.jpg'],
          firstSeenAt: seenAt.toISOString(),
          lastSeenAt: seenAt.toISOString(),
          positions: [{ source: 'zillow', position: 4, caption: 'Kitchen' }],
          caption: 'Kitchen',
        },
      ]);
    }
  });

  it('rejects an invalid enum value before any resolver runs', async () => {
    const error = errorOf(
      await run('query($status: JobStatus) { jobs(filter: { status: $status }) { edges { cursor } } }', { status: 'DONE' }),
    );
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toContain('DONE');
  });
});

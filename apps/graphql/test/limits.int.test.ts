import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { toPropertyId } from '@phx/core';
import { DAVIS_ADDRESS, EXAMPLE_ADDRESS } from './support/sample-properties.js';

describe('query cost limit (graphql-armor cost model, MAX_QUERY_COST)', () => {
  let harness: GraphqlHarness;
  let url: string;

  beforeAll(async () => {
    harness = await openGraphqlHarness('cost', { config: { maxQueryCost: 20 } });
    url = await harness.server.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('accepts an operation within the cost and refuses a costlier one before it runs (400), over HTTP', async () => {
    // properties(first: 1): (2 + 1.5 × (edges 2 + 1.5 × (node 2 + 1.5 × (id 1 + address 1)))) × 1 = 16.25
    const cheap = await postGraphql(url, '{ properties(first: 1) { edges { node { id address } } } }', {}, harness.readKey.authorization);
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();

    // job: 2 + 1.5 × (id 1 + status 1 + sources 1 + failedPropertiesList 1 + properties(first: 1) (2 + 1.5 × (edges 2 + 1.5 × (node 2 + 1.5 × (index 1))))) = 27.3125
    const costly = await postGraphql(
      url,
      '{ job(id: "00000000-0000-4000-8000-000000000000") { id status sources failedPropertiesList properties(first: 1) { edges { node { index } } } } }',
      {},
      harness.readKey.authorization,
    );
    expect(costly.status).toBe(400);
    expect(costly.body.errors).toEqual([
      expect.objectContaining({
        message: 'Syntax Error: Query Cost limit of 20 exceeded, found 27.3125.',
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });
});

describe('lists count by their page size in the query cost (first: literal, variable or default)', () => {
  let harness: GraphqlHarness;
  let url: string;
  // node: 2 + 1.5 × (id 1 + status 1 + createdAt 1) = 6.5; edge: 2 + 1.5 × 6.5 = 11.75; jobs: (2 + 1.5 × 11.75) × page size = 19.625 × page size
  const JOBS = (args: string): string => `jobs${args} { edges { node { id status createdAt } } }`;
  const post = (query: string, variables: Record<string, unknown> = {}) =>
    postGraphql(url, query, variables, harness.readKey.authorization);
  const refusedWithCost = (cost: number) => ({
    status: 400,
    body: { errors: [expect.objectContaining({ message: `Syntax Error: Query Cost limit of 300 exceeded, found ${cost}.` })] },
  });

  beforeAll(async () => {
    harness = await openGraphqlHarness('pagecost', { config: { maxQueryCost: 300 } });
    url = await harness.server.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('counts jobs(first: 10) ten times its node and jobs(first: 100) a hundred times', async () => {
    expect(await post(`{ ${JOBS('(first: 10)')} }`)).toMatchObject({ status: 200, body: { data: { jobs: { edges: [] } } } });
    expect(await post(`{ ${JOBS('(first: 100)')} }`)).toMatchObject(refusedWithCost(1962.5));
  });

  it('counts a page size given in a variable as the largest page (100), whatever the variable holds', async () => {
    expect(await post(`query($n: Int!) { ${JOBS('(first: $n)')} }`, { n: 1 })).toMatchObject(refusedWithCost(1962.5));
  });

  it('counts a list without first at its default page size (20)', async () => {
    expect(await post(`{ ${JOBS('')} }`)).toMatchObject(refusedWithCost(392.5));
  });

  it('pages properties like jobs, and counts them the same way', async () => {
    // edge: 2 + 1.5 × (2 + 1.5 × (id 1 + address 1)) = 9.5; properties: (2 + 1.5 × 9.5) × page size = 16.25 × page size
    const first = await post('{ properties(first: 1) { edges { cursor node { id address } } pageInfo { hasNextPage endCursor } } }');
    expect(first.status).toBe(200);
    const page = (
      first.body.data as {
        properties: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      }
    ).properties;
    expect(page.edges.map((e) => e.node.id)).toEqual([toPropertyId(EXAMPLE_ADDRESS)]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[0]?.cursor });
    const second = await post(
      'query($after: String) { properties(first: 10, after: $after) { edges { node { address } } pageInfo { hasNextPage } } }',
      {
        after: page.pageInfo.endCursor,
      },
    );
    expect(second.body.data).toEqual({ properties: { edges: [{ node: { address: DAVIS_ADDRESS } }], pageInfo: { hasNextPage: false } } });
    expect(await post('{ properties { edges { node { id address } } } }')).toMatchObject(refusedWithCost(325));
    const badCursor = await post('{ properties(first: 1, after: "nope") { edges { cursor } } }');
    expect(badCursor.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const tooMany = await post('{ properties(first: 0) { edges { cursor } } }');
    expect(tooMany.body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });

  it("counts a job's property pages and its deprecated outcome list by their page sizes (no list escapes the cost)", async () => {
    // propertyOutcomes without first: its default 20 × (2 + 1.5 × (propertyId 1 + status 1)) = 100; job: 2 + 1.5 × (id 1 + 100) = 153.5
    const job = (first: string): string =>
      `{ job(id: "00000000-0000-4000-8000-000000000000") { id propertyOutcomes${first} { propertyId status } } }`;
    expect((await post(job(''))).body.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    // first: 100 → 500 in the list, 2 + 1.5 × (1 + 500) = 753.5 in all: over 300 before anything is read.
    expect(await post(job('(first: 100)'))).toMatchObject(refusedWithCost(753.5));
    const twentyJobs = await post(`{ jobs(first: 20) { edges { node { id propertyOutcomes { propertyId status } } } } }`);
    expect(twentyJobs.status).toBe(400);
    expect(twentyJobs.body.errors?.[0]?.message).toMatch(/Query Cost limit of 300 exceeded/);
    const properties = await post(
      '{ job(id: "00000000-0000-4000-8000-000000000000") { properties(first: 50) { edges { node { index } } } } }',
    );
    expect(properties.status).toBe(400);
  });
});

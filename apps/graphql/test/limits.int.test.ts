import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';

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
    // properties (object 2) + 1.5 × (id 1 + address 1) = 5
    const cheap = await postGraphql(url, '{ properties { id address } }', {}, harness.readKey.authorization);
    expect(cheap.status).toBe(200);
    expect(cheap.body.errors).toBeUndefined();

    // job: 2 + 1.5 × (id 1 + status 1 + properties (2 + 1.5 × (id 1 + address 1 + listingUrls (2 + 1.5 × (source 1 + url 1))))) = 23.75
    const costly = await postGraphql(
      url,
      '{ job(id: "00000000-0000-4000-8000-000000000000") { id status properties { id address listingUrls { source url } } } }',
      {},
      harness.readKey.authorization,
    );
    expect(costly.status).toBe(400);
    expect(costly.body.errors).toEqual([
      expect.objectContaining({
        message: 'Syntax Error: Query Cost limit of 20 exceeded, found 23.75.',
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }),
      }),
    ]);
  });
});

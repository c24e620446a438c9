import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyedWsClient } from './support/ws-client.js';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { DAVIS_ADDRESS } from './support/sample-properties.js';
import { recordSubscription, within } from './support/subscription-recorder.js';

const PROGRESS = 'subscription($jobId: ID!) { jobProgress(jobId: $jobId) { id status } }';

describe('/metrics on the GraphQL server (prom-client)', () => {
  let harness: GraphqlHarness;
  let url: string;
  let metricsUrl: string;

  const scrape = async (): Promise<string> => {
    const response = await fetch(metricsUrl, { headers: { authorization: harness.readKey.authorization } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return response.text();
  };
  /** The value of one sample line, or `undefined` when the series is absent. */
  const sample = (text: string, series: string): number | undefined => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(series.length + 1));
  };

  beforeAll(async () => {
    harness = await openGraphqlHarness('metrics');
    url = await harness.server.start();
    metricsUrl = `${new URL(url).origin}/metrics`;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('needs a key', async () => {
    expect((await fetch(metricsUrl)).status).toBe(401);
  });

  it('counts requests by operation, type, transport and outcome, with latencies, and the open subscriptions', async () => {
    const key = harness.adminKey.authorization;
    await postGraphql(url, '{ properties { edges { node { id } } } }', {}, key);
    await postGraphql(url, 'query Named { properties { pageInfo { hasNextPage } } jobs { pageInfo { hasNextPage } } }', {}, key);
    await postGraphql(url, 'query Named2 { jobs { pageInfo { hasNextPage } } properties { edges { node { address } } } }', {}, key);
    await postGraphql(url, 'query($id: ID!) { job(id: $id) { id } }', { id: 'not-a-uuid' }, key);
    await postGraphql(url, '{ nope }', {}, key);
    const enqueued = await postGraphql<{ enqueueExtraction: { id: string } }>(
      url,
      'mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { id } }',
      { input: { addresses: [DAVIS_ADDRESS] } },
      key,
    );
    const jobId = enqueued.body.data?.enqueueExtraction.id;

    const client = createKeyedWsClient(url, harness.readKey.authorization);
    try {
      const sub = recordSubscription(client, PROGRESS, { jobId });
      await sub.waitForResult(1);
      const open = await scrape();
      expect(sample(open, 'graphql_subscriptions_open')).toBe(1);
      expect(sample(open, 'graphql_requests_total{operation="jobProgress",type="subscription",transport="ws",outcome="ok"}')).toBe(1);

      expect(sample(open, 'graphql_requests_total{operation="properties",type="query",transport="http",outcome="ok"}')).toBe(1);
      expect(sample(open, 'graphql_requests_total{operation="jobs,properties",type="query",transport="http",outcome="ok"}')).toBe(2);
      expect(sample(open, 'graphql_requests_total{operation="job",type="query",transport="http",outcome="error"}')).toBe(1);
      expect(sample(open, 'graphql_requests_total{operation="(invalid)",type="unknown",transport="http",outcome="error"}')).toBe(1);
      expect(sample(open, 'graphql_requests_total{operation="enqueueExtraction",type="mutation",transport="http",outcome="ok"}')).toBe(1);
      expect(sample(open, 'graphql_request_duration_seconds_count{operation="jobs,properties",type="query",transport="http"}')).toBe(2);
      expect(
        sample(open, 'graphql_request_duration_seconds_bucket{le="+Inf",operation="jobs,properties",type="query",transport="http"}'),
      ).toBe(2);
      expect(sample(open, 'process_resident_memory_bytes')).toBeGreaterThan(0);

      sub.unsubscribe();
      let closed = await scrape();
      await within(
        (async () => {
          while (sample(closed, 'graphql_subscriptions_open') !== 0) closed = await scrape();
        })(),
        5_000,
        'subscription gauge back to 0',
      );
      expect(sample(closed, 'graphql_subscriptions_open')).toBe(0);
    } finally {
      await client.dispose();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { newJobId, ZERO_COUNTERS, type JobStatus } from '@phx/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { SAMPLE_PROPERTIES } from './support/sample-properties.js';
import { storeJob } from './support/stored-job.js';

const COUNTS = `query($filter: JobFilter) { jobCounts(filter: $filter) { pending inProgress completed failed cancelled total } }`;
const JOBS = `query($filter: JobFilter) { jobs(filter: $filter, first: 50) { edges { node { id origin scheduleId } } } }`;

type Counts = Record<'pending' | 'inProgress' | 'completed' | 'failed' | 'cancelled' | 'total', number>;
const ZERO: Counts = { pending: 0, inProgress: 0, completed: 0, failed: 0, cancelled: 0, total: 0 };

describe('jobCounts and the origin / scheduleId filters of jobs, over real HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;
  const scheduleA = randomUUID();
  const scheduleB = randomUUID();
  /** Ids by how the job was made. */
  const made = { legacy: [] as string[], interactive: [] as string[], scheduledA: [] as string[], scheduledB: [] as string[] };

  beforeAll(async () => {
    harness = await openGraphqlHarness('jobcounts');
    url = await harness.server.start();
    // Documents written before origins were recorded (no origin field), in every status: they count as interactive.
    const statuses: JobStatus[] = ['pending', 'in_progress', 'completed', 'completed', 'failed', 'cancelled'];
    for (const [i, status] of statuses.entries()) {
      const createdAt = new Date(Date.UTC(2021, 0, i + 1));
      const final = status !== 'pending' && status !== 'in_progress';
      const job = await storeJob(harness.repository, {
        id: newJobId(),
        createdAt,
        startedAt: status === 'pending' ? null : createdAt,
        completedAt: final ? createdAt : null,
        properties: SAMPLE_PROPERTIES.slice(0, 1),
        sources: i % 2 === 0 ? ['zillow'] : ['redfin'],
        isolationMode: 'virtual',
        fetchMode: null,
        dryRun: false,
        timeoutMs: null,
        status,
        errorMessage: null,
        progressUpdatedAt: createdAt,
        ...ZERO_COUNTERS,
        totalProperties: 1,
        failedPropertiesList: [],
      });
      made.legacy.push(job.id);
    }
    const properties = SAMPLE_PROPERTIES.slice(0, 1);
    made.interactive.push((await harness.jobService.enqueueExtraction({ properties, sources: ['zillow'] })).id);
    for (const sources of [['zillow'], ['redfin'], ['zillow', 'redfin']])
      made.scheduledA.push(
        (await harness.jobService.enqueueExtraction({ properties, sources }, { origin: 'scheduled', scheduleId: scheduleA })).id,
      );
    made.scheduledB.push(
      (await harness.jobService.enqueueExtraction({ properties, sources: ['redfin'] }, { origin: 'scheduled', scheduleId: scheduleB })).id,
    );
  });
  afterAll(async () => {
    await harness?.close();
  });

  const counts = async (filter?: Record<string, unknown>): Promise<Counts> => {
    const response = await postGraphql<{ jobCounts: Counts }>(
      url,
      COUNTS,
      filter === undefined ? {} : { filter },
      harness.readKey.authorization,
    );
    expect(response.body.errors).toBeUndefined();
    return response.body.data?.jobCounts as Counts;
  };
  const listed = async (filter: Record<string, unknown>): Promise<string[]> => {
    const response = await postGraphql<{ jobs: { edges: { node: { id: string } }[] } }>(
      url,
      JOBS,
      { filter },
      harness.readKey.authorization,
    );
    expect(response.body.errors).toBeUndefined();
    return (response.body.data?.jobs.edges ?? []).map((e) => e.node.id).sort();
  };

  it('counts every job per status, and the jobs of a filter as jobs lists them', async () => {
    expect(await counts()).toEqual({ ...ZERO, pending: 6, inProgress: 1, completed: 2, failed: 1, cancelled: 1, total: 11 });
    // Only the January 2021 (legacy) jobs; and of those, the ones reading redfin.
    const old = { createdBefore: '2021-02-01T00:00:00.000Z' };
    expect(await counts(old)).toEqual({ ...ZERO, pending: 1, inProgress: 1, completed: 2, failed: 1, cancelled: 1, total: 6 });
    expect(await counts({ ...old, source: 'redfin' })).toEqual({ ...ZERO, inProgress: 1, completed: 1, cancelled: 1, total: 3 });
    expect(await counts({ status: 'COMPLETED' })).toEqual({ ...ZERO, completed: 2, total: 2 });
  });

  it('filters by origin (a job stored without one is interactive) and by schedule, in jobCounts and jobs alike', async () => {
    expect(await counts({ origin: 'SCHEDULED' })).toEqual({ ...ZERO, pending: 4, total: 4 });
    expect(await counts({ origin: 'INTERACTIVE' })).toEqual({
      ...ZERO,
      pending: 2,
      inProgress: 1,
      completed: 2,
      failed: 1,
      cancelled: 1,
      total: 7,
    });
    expect(await counts({ scheduleId: scheduleA })).toEqual({ ...ZERO, pending: 3, total: 3 });
    expect(await counts({ scheduleId: scheduleB.toUpperCase(), source: 'redfin' })).toEqual({ ...ZERO, pending: 1, total: 1 });
    expect(await counts({ scheduleId: randomUUID() })).toEqual(ZERO);
    expect(await listed({ origin: 'SCHEDULED' })).toEqual([...made.scheduledA, ...made.scheduledB].sort());
    expect(await listed({ origin: 'INTERACTIVE' })).toEqual([...made.legacy, ...made.interactive].sort());
    expect(await listed({ scheduleId: scheduleA })).toEqual([...made.scheduledA].sort());
    expect(await listed({ scheduleId: scheduleA, source: 'redfin' })).toEqual(made.scheduledA.slice(1).sort());
  });

  it('refuses a bad schedule id, source or time range with BAD_USER_INPUT naming it', async () => {
    const refused = async (filter: Record<string, unknown>, path: string) => {
      const response = await postGraphql(url, COUNTS, { filter }, harness.readKey.authorization);
      expect(response.body.data).toBeNull();
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toContain(path);
    };
    await refused({ scheduleId: 'nightly' }, 'filter.scheduleId: "nightly" is not a schedule id');
    await refused({ source: 'trulia' }, 'filter.source: unknown source "trulia"');
    await refused({ createdFrom: '2021-02-01T00:00:00.000Z', createdBefore: '2021-01-01T00:00:00.000Z' }, 'filter.createdFrom');
    const jobs = await postGraphql(url, JOBS, { filter: { scheduleId: 'nightly' } }, harness.readKey.authorization);
    expect(jobs.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

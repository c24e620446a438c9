import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postGraphql } from './support/http-graphql.js';
import { startServerWithWorker, type ServerWithWorker } from './support/server-with-worker.js';

const JOB_FIELDS = 'id status timeoutSeconds errorMessage totalProperties completedProperties partialProperties failedProperties';
const ENQUEUE = `mutation($input: EnqueueExtractionInput!) { enqueueExtraction(input: $input) { ${JOB_FIELDS} } }`;
const RETRY = `mutation($id: ID!, $timeoutSeconds: Int) { retryJob(id: $id, timeoutSeconds: $timeoutSeconds) { ${JOB_FIELDS} } }`;
const RETRY_NO_LIMIT = `mutation($id: ID!) { retryJob(id: $id) { ${JOB_FIELDS} } }`;
const JOB = `query($id: ID!) { job(id: $id) { ${JOB_FIELDS} } }`;
const CANCEL = `mutation($id: ID!) { cancelJob(id: $id) { id status } }`;

interface JobView {
  readonly id: string;
  readonly status: string;
  readonly timeoutSeconds: number | null;
  readonly errorMessage: string | null;
  readonly totalProperties: number;
  readonly completedProperties: number;
  readonly partialProperties: number;
  readonly failedProperties: number;
}

describe('retryJob with a time limit of its own: the built worker and GraphQL server as separate processes', () => {
  let processes: ServerWithWorker | undefined;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    processes = await startServerWithWorker('retry-timeout', { PROPERTY_CONCURRENCY: '1' });
    ({ url } = processes.server);
    admin = processes.server.adminKey.authorization;
  }, 240_000);

  afterAll(async () => {
    await processes?.close();
  }, 120_000);

  async function call(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Awaited<ReturnType<typeof postGraphql<Record<string, JobView>>>>> {
    return postGraphql<Record<string, JobView>>(url, query, variables, admin);
  }

  async function finalJob(id: string, timeoutMs: number): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = (await call(JOB, { id })).body.data?.['job'];
      if (job !== undefined && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${id} did not end within ${timeoutMs} ms: ${JSON.stringify(job)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it("gives the retry of a job stopped by its own limit another limit (null or absent: the job's own), checked as enqueueExtraction checks it", async () => {
    // Every sample property, listing photos only, with 1 s: the job's own limit stops it before they are all done.
    const enqueued = await call(ENQUEUE, { input: { all: true, dryRun: true, timeoutSeconds: 1 } });
    expect(enqueued.body.errors).toBeUndefined();
    const stopped = await finalJob(enqueued.body.data!['enqueueExtraction']!.id, 120_000);
    expect(stopped).toMatchObject({ status: 'FAILED', timeoutSeconds: 1 });
    expect(stopped.errorMessage).toMatch(/^stopped by JOB_TIMEOUT: the job's own time limit of 1 s \(timeoutSeconds\) passed/);
    const finished = stopped.completedProperties + stopped.partialProperties + stopped.failedProperties;
    expect(finished).toBeLessThan(stopped.totalProperties);

    // Out of range: refused as enqueueExtraction refuses it, before anything is enqueued.
    for (const timeoutSeconds of [0, 30 * 24 * 3600 + 1]) {
      const refused = await call(RETRY, { id: stopped.id, timeoutSeconds });
      expect(refused.body.errors?.[0]?.extensions?.['code'], JSON.stringify(refused.body)).toBe('BAD_USER_INPUT');
      expect(refused.body.errors?.[0]?.message).toBe(
        `Invalid retryJob arguments: timeoutSeconds: ${timeoutSeconds} is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)`,
      );
    }
    expect(await processes!.server.database.db.collection('extraction_jobs').countDocuments()).toBe(1);

    // Absent or null: the job's own limit, as before.
    for (const [query, variables] of [
      [RETRY_NO_LIMIT, { id: stopped.id }],
      [RETRY, { id: stopped.id, timeoutSeconds: null }],
    ] as const) {
      const same = await call(query, variables);
      expect(same.body.errors).toBeUndefined();
      expect(same.body.data?.['retryJob']).toMatchObject({ timeoutSeconds: 1, totalProperties: stopped.totalProperties - finished });
      await call(CANCEL, { id: same.body.data!['retryJob']!.id });
      await finalJob(same.body.data!['retryJob']!.id, 60_000);
    }

    // Given: the retry runs under the new limit and finishes every unfinished property.
    const longer = await call(RETRY, { id: stopped.id, timeoutSeconds: 600 });
    expect(longer.body.errors).toBeUndefined();
    const retry = longer.body.data!['retryJob']!;
    expect(retry).toMatchObject({ status: 'PENDING', timeoutSeconds: 600, totalProperties: stopped.totalProperties - finished });
    const done = await finalJob(retry.id, 180_000);
    expect(done).toMatchObject({ status: 'COMPLETED', timeoutSeconds: 600, errorMessage: null });
    expect(done.completedProperties + done.partialProperties + done.failedProperties).toBe(retry.totalProperties);
  }, 420_000);
});

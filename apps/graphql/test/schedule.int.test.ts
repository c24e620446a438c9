import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql as postGraphqlWithKey } from './support/http-graphql.js';
import { DAVIS_ADDRESS, DAVIS_ID } from './support/sample-properties.js';

const FIELDS = 'id name cron timeZone paused nextRunAt sources isolationMode fetchMode dryRun timeoutSeconds properties { id address }';
const CREATE = `mutation($input: ScheduleExtractionInput!) { scheduleExtraction(input: $input) { ${FIELDS} } }`;
const LIST = `{ schedules { ${FIELDS} } }`;
const op = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { ${FIELDS} } }`;

interface ScheduleView {
  readonly id: string;
  readonly name: string;
  readonly cron: string;
  readonly timeZone: string;
  readonly paused: boolean;
  readonly nextRunAt: string | null;
  readonly sources: string[];
  readonly isolationMode: string;
  readonly fetchMode: string | null;
  readonly dryRun: boolean;
  readonly timeoutSeconds: number | null;
  readonly properties: { id: string; address: string }[];
}

describe('schedule operations over HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;
  // Schedules are changed with an admin key (read keys may only list them).
  const postGraphql = <T>(endpoint: string, query: string, variables: Record<string, unknown> = {}) =>
    postGraphqlWithKey<T>(endpoint, query, variables, harness.adminKey.authorization);

  beforeAll(async () => {
    // Production mode, as deployed: no stack traces in the errors compared below.
    harness = await openGraphqlHarness('schedules', { config: { isProduction: true } });
    url = await harness.server.start();
  });
  afterAll(async () => {
    await harness.close();
  });

  const tickJobs = () => harness.database.db.collection('agendaJobs').countDocuments({ name: 'run-extraction-schedule' });

  it('creates (America/Phoenix by default), lists, pauses, resumes and removes a schedule', async () => {
    const created = await postGraphql<{ scheduleExtraction: ScheduleView }>(url, CREATE, {
      input: {
        name: 'nightly-davis',
        cron: '0 3 * * *',
        addresses: [DAVIS_ADDRESS],
        sources: ['Zillow'],
        isolationMode: 'CONTEXT',
        fetchMode: 'BROWSER',
        timeoutSeconds: 86_400,
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.errors).toBeUndefined();
    const schedule = created.body.data?.scheduleExtraction;
    expect(schedule).toMatchObject({
      name: 'nightly-davis',
      cron: '0 3 * * *',
      timeZone: 'America/Phoenix',
      paused: false,
      sources: ['zillow'],
      isolationMode: 'CONTEXT',
      fetchMode: 'BROWSER',
      dryRun: false,
      timeoutSeconds: 86_400,
      properties: [{ id: DAVIS_ID, address: DAVIS_ADDRESS }],
    });
    expect(await harness.database.db.collection('extraction_schedules').findOne({ name: 'nightly-davis' })).toMatchObject({
      timeoutMs: 86_400_000,
    });
    const outOfRange = await postGraphql(url, CREATE, {
      input: { name: 'too-long', cron: '0 3 * * *', addresses: [DAVIS_ADDRESS], timeoutSeconds: 0 },
    });
    expect(outOfRange.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      issues: [{ path: 'timeoutSeconds', message: '0 is not a whole number of seconds from 1 to 2592000 (1 s to 30 days)' }],
    });
    const noSources = await postGraphql(url, CREATE, {
      input: { name: 'no-sources', cron: '0 3 * * *', addresses: [DAVIS_ADDRESS], sources: [] },
    });
    expect(noSources.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [
        {
          path: 'sources',
          message: 'is empty; name at least one source (zillow, redfin), or leave sources out (or null) to read every source',
        },
      ],
    });
    // 03:00 in Phoenix is 10:00 UTC all year (no daylight saving time).
    expect(schedule?.nextRunAt).toMatch(/T10:00:00\.000Z$/);
    expect(await tickJobs()).toBe(1);
    const id = schedule?.id ?? '';

    expect((await postGraphql<{ schedules: ScheduleView[] }>(url, LIST)).body.data?.schedules).toEqual([schedule]);
    const paused = await postGraphql<{ pauseSchedule: ScheduleView }>(url, op('pauseSchedule'), { id });
    expect(paused.body.data?.pauseSchedule).toEqual({ ...schedule, paused: true, nextRunAt: null });
    expect(await tickJobs()).toBe(0);
    const resumed = await postGraphql<{ resumeSchedule: ScheduleView }>(url, op('resumeSchedule'), { id });
    expect(resumed.body.data?.resumeSchedule).toEqual(schedule);
    expect(await tickJobs()).toBe(1);
    const removed = await postGraphql<{ removeSchedule: ScheduleView }>(url, op('removeSchedule'), { id });
    expect(removed.body.data?.removeSchedule).toMatchObject({ id, name: 'nightly-davis' });
    expect(await tickJobs()).toBe(0);
    expect((await postGraphql<{ schedules: ScheduleView[] }>(url, LIST)).body.data?.schedules).toEqual([]);

    const gone = await postGraphql(url, op('pauseSchedule'), { id });
    expect(gone.body.errors?.[0]?.extensions).toEqual({ code: 'NOT_FOUND', entity: 'schedule', id });
  });

  it('shows which jobs a schedule made (origin, scheduleId)', async () => {
    const properties = await harness.catalog.select({ addresses: [DAVIS_ADDRESS] });
    const scheduleId = '0b9d4f7e-2c1a-4e55-9a43-3f1a2b7c9d10';
    const scheduled = await harness.jobService.enqueueExtraction({ properties, dryRun: true }, { origin: 'scheduled', scheduleId });
    const interactive = await harness.jobService.enqueueExtraction({ properties });
    const query = 'query($id: ID!) { job(id: $id) { id origin scheduleId } }';
    expect((await postGraphql(url, query, { id: scheduled.id })).body.data).toEqual({
      job: { id: scheduled.id, origin: 'SCHEDULED', scheduleId },
    });
    expect((await postGraphql(url, query, { id: interactive.id })).body.data).toEqual({
      job: { id: interactive.id, origin: 'INTERACTIVE', scheduleId: null },
    });
  });

  it('names a bad cron expression and time zone (BAD_USER_INPUT), a taken name (CONFLICT), an unknown property id (NOT_FOUND)', async () => {
    const bad = await postGraphql(url, CREATE, { input: { name: 'bad', cron: '* * *', timeZone: 'Mars/Base', all: true } });
    expect(bad.body.errors?.[0]?.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      issues: [
        { path: 'timeZone', message: '"Mars/Base" is not an IANA time zone; use e.g. "America/Phoenix"' },
        {
          path: 'cron',
          message: '"* * *" has 3 fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first), e.g. "0 3 * * *"',
        },
      ],
    });
    expect(await tickJobs()).toBe(0);

    const input = { name: 'hourly', cron: '0 * * * *', all: true };
    const hourly = await postGraphql(
      url,
      `mutation($input: ScheduleExtractionInput!) { scheduleExtraction(input: $input) { properties { id } selectionAll selectionLabel } }`,
      { input },
    );
    // all: each run's worker lists the catalog; the schedule holds no property list.
    expect(hourly.body).toEqual({ data: { scheduleExtraction: { properties: [], selectionAll: true, selectionLabel: null } } });
    const taken = await postGraphql(url, CREATE, { input });
    expect(taken.body.errors?.[0]).toMatchObject({
      message: 'A schedule named "hourly" exists already; choose another name or remove it first',
      extensions: { code: 'CONFLICT', reason: 'SCHEDULE_NAME_TAKEN' },
    });

    const unknown = await postGraphql(url, CREATE, { input: { name: 'nowhere', cron: '0 * * * *', propertyIds: ['1-nowhere-ln'] } });
    expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const malformed = await postGraphql(url, op('removeSchedule'), { id: 'nope' });
    expect(malformed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

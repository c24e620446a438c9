import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGraphqlHarness, type GraphqlHarness } from './support/graphql-services-harness.js';
import { postGraphql } from './support/http-graphql.js';
import { DAVIS_ADDRESS, SAMPLE_PROPERTIES } from './support/sample-properties.js';

const CREATE = `mutation($input: ScheduleExtractionInput!) { scheduleExtraction(input: $input) { id } }`;
const RUNS = `query($count: Int, $first: Int) { schedules { id name paused nextRunAt nextRuns(count: $count) recentJobs(first: $first) { id origin scheduleId } } }`;
const DEFAULTS = `{ schedules { name nextRuns recentJobs { id } } }`;

interface ScheduleRuns {
  readonly id: string;
  readonly name: string;
  readonly paused: boolean;
  readonly nextRunAt: string | null;
  readonly nextRuns: string[];
  readonly recentJobs: { id: string; origin: string; scheduleId: string }[];
}

describe('Schedule.nextRuns and Schedule.recentJobs over real HTTP', () => {
  let harness: GraphqlHarness;
  let url: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    harness = await openGraphqlHarness('schedruns');
    url = await harness.server.start();
    const inputs = [
      // 07:30 in Phoenix (UTC-7 all year) is 14:30 UTC; weekdays only.
      { name: 'a-phoenix-weekdays', cron: '30 7 * * 1-5', timeZone: 'America/Phoenix' },
      // 02:30 in New York: 07:30 UTC in winter, 06:30 UTC in summer.
      { name: 'b-new-york-paused', cron: '30 2 * * *', timeZone: 'America/New_York', paused: true },
    ];
    for (const input of inputs) {
      const created = await postGraphql<{ scheduleExtraction: { id: string } }>(
        url,
        CREATE,
        { input: { ...input, addresses: [DAVIS_ADDRESS] } },
        harness.adminKey.authorization,
      );
      expect(created.body.errors).toBeUndefined();
      ids[input.name] = created.body.data?.scheduleExtraction.id ?? '';
    }
  });
  afterAll(async () => {
    await harness?.close();
  });

  const read = async (variables: Record<string, unknown>) => {
    const response = await postGraphql<{ schedules: ScheduleRuns[] }>(url, RUNS, variables, harness.readKey.authorization);
    return response;
  };

  it("lists the next runs in the schedule's zone, ascending, also while paused", async () => {
    const before = Date.now();
    const response = await read({ count: 20 });
    expect(response.body.errors).toBeUndefined();
    const [phoenix, newYork] = response.body.data?.schedules ?? [];
    expect(phoenix?.nextRuns).toHaveLength(20);
    expect(phoenix?.nextRuns[0]).toBe(phoenix?.nextRunAt);
    for (const run of phoenix?.nextRuns ?? []) {
      const at = new Date(run);
      expect(at.getTime()).toBeGreaterThan(before);
      expect(run).toMatch(/T14:30:00\.000Z$/);
      expect([1, 2, 3, 4, 5]).toContain(at.getUTCDay());
    }
    const times = (phoenix?.nextRuns ?? []).map((r) => Date.parse(r));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(20);
    // Paused: no next tick, but the runs it would make once resumed, at 02:30 New York time (07:30 or 06:30 UTC).
    expect(newYork?.paused).toBe(true);
    expect(newYork?.nextRunAt).toBeNull();
    expect(newYork?.nextRuns).toHaveLength(20);
    for (const run of newYork?.nextRuns ?? []) {
      const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hour12: false });
      expect(local.format(new Date(run))).toBe('02:30');
    }
    const defaults = await postGraphql<{ schedules: { nextRuns: string[] }[] }>(url, DEFAULTS, {}, harness.readKey.authorization);
    expect(defaults.body.data?.schedules.map((s) => s.nextRuns.length)).toEqual([5, 5]);
  });

  it("lists the schedule's newest jobs first, only its own", async () => {
    const properties = SAMPLE_PROPERTIES.slice(0, 1);
    const phoenixId = ids['a-phoenix-weekdays'] ?? '';
    const made: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      made.push(
        (await harness.jobService.enqueueExtraction({ properties, sources: ['zillow'] }, { origin: 'scheduled', scheduleId: phoenixId }))
          .id,
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await harness.jobService.enqueueExtraction({ properties, sources: ['zillow'] });
    const response = await read({ first: 2 });
    expect(response.body.errors).toBeUndefined();
    const [phoenix, newYork] = response.body.data?.schedules ?? [];
    expect(phoenix?.recentJobs).toEqual([
      { id: made[2], origin: 'SCHEDULED', scheduleId: phoenixId },
      { id: made[1], origin: 'SCHEDULED', scheduleId: phoenixId },
    ]);
    expect(newYork?.recentJobs).toEqual([]);
    const all = await read({ first: 20 });
    expect(all.body.data?.schedules[0]?.recentJobs.map((j) => j.id)).toEqual([...made].reverse());
  });

  it('refuses count and first outside 1..20 with BAD_USER_INPUT naming the argument', async () => {
    for (const [variables, named] of [
      [{ count: 0 }, 'count: 0 is outside 1..20'],
      [{ count: 21 }, 'count: 21 is outside 1..20'],
      [{ first: 0 }, 'first: 0 is outside 1..20'],
      [{ first: 21 }, 'first: 21 is outside 1..20'],
    ] as const) {
      const response = await read(variables);
      expect(response.body.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(response.body.errors?.[0]?.message).toContain(named);
    }
  });
});

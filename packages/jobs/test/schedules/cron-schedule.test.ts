import { describe, expect, it } from 'vitest';
import { nextTickAfter, tickAtOrBefore } from '../../src/schedules/cron-schedule.js';

const NY = 'America/New_York';
const at = (iso: string): Date => new Date(iso);

describe('tickAtOrBefore: the occurrence a fire belongs to is the one Agenda fired (cron-parser next())', () => {
  it('maps a fire at 02:30 that does not exist (spring forward) to that day, not the day before', () => {
    const fired = nextTickAfter('30 2 * * *', NY, at('2026-03-07T12:00:00.000Z'));
    expect(fired.toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(tickAtOrBefore('30 2 * * *', NY, at('2026-03-08T07:30:00.250Z')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(tickAtOrBefore('30 2 * * *', NY, at('2026-03-08T07:29:59.000Z')).toISOString()).toBe('2026-03-07T07:30:00.000Z');
  });

  it('maps every fire Agenda makes across both DST changes to a distinct occurrence', () => {
    for (const [cron, from] of [
      ['30 2 * * *', '2026-03-05T00:00:00.000Z'],
      ['30 1 * * *', '2026-10-30T00:00:00.000Z'],
      ['0 * * * *', '2026-03-08T05:00:00.000Z'],
      ['15,45 1-3 * * *', '2026-10-31T04:00:00.000Z'],
    ] as const) {
      let fire = at(from);
      const seen = new Set<number>();
      for (let i = 0; i < 12; i += 1) {
        fire = nextTickAfter(cron, NY, fire);
        const late = new Date(fire.getTime() + 900);
        const tick = tickAtOrBefore(cron, NY, late).getTime();
        expect(tick, `${cron} fired at ${fire.toISOString()}`).toBe(fire.getTime());
        seen.add(tick);
      }
      expect(seen.size).toBe(12);
    }
  });

  it('gives the latest occurrence to a fire that comes late (no worker was up)', () => {
    expect(tickAtOrBefore('0 3 * * *', 'America/Phoenix', at('2026-03-10T20:00:00.000Z')).toISOString()).toBe('2026-03-10T10:00:00.000Z');
  });
});

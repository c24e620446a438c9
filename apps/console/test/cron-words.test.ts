import { describe, expect, it } from 'vitest';
import { describeCron } from '../src/lib/cron-words.js';

describe('describeCron', () => {
  it('describes 5-field expressions in words', () => {
    expect(describeCron('0 3 * * *')).toEqual({ ok: true, text: 'At 03:00 AM' });
    expect(describeCron(' */15 * * * 1-5 ')).toEqual({ ok: true, text: 'Every 15 minutes, Monday through Friday' });
  });

  it('reads a 6-field expression with seconds first', () => {
    expect(describeCron('30 0 3 * * *')).toEqual({ ok: true, text: 'At 03:00:30 AM' });
  });

  it('says why an expression cannot be read instead of throwing', () => {
    const empty = describeCron('   ');
    expect(empty.ok).toBe(false);
    const bad = describeCron('every day');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^Not a cron expression: /);
  });
});

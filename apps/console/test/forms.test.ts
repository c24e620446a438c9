import { describe, expect, it } from 'vitest';
import { readJobFilterParams, toJobFilter } from '../src/lib/job-filter.js';
import { splitIds, toScheduleInput } from '../src/lib/schedule-form.js';

describe('job filter', () => {
  it('reads the URL and turns whole UTC days into a creation range with the last day included', () => {
    const params = readJobFilterParams(new URLSearchParams('status=FAILED&source=zillow&from=2026-03-01&to=2026-03-31'));
    expect(toJobFilter(params)).toEqual({
      status: 'FAILED',
      source: 'zillow',
      createdFrom: '2026-03-01T00:00:00.000Z',
      createdBefore: '2026-04-01T00:00:00.000Z',
    });
  });

  it('gives no filter when nothing is set and leaves out malformed days', () => {
    expect(toJobFilter(readJobFilterParams(new URLSearchParams()))).toBeNull();
    expect(toJobFilter(readJobFilterParams(new URLSearchParams('origin=SCHEDULED&from=yesterday')))).toEqual({ origin: 'SCHEDULED' });
  });
});

describe('schedule form', () => {
  const base = {
    name: ' nightly ',
    cron: '0 3 * * *',
    timeZone: '',
    selection: 'all' as const,
    label: '',
    propertyIds: '',
    sources: ['zillow', 'redfin'],
    timeLimitHours: '',
  };

  it('builds the input: trimmed name, the default zone, the ticked sources', () => {
    expect(toScheduleInput(base)).toEqual({
      input: { name: 'nightly', cron: '0 3 * * *', timeZone: 'America/Phoenix', all: true, sources: ['zillow', 'redfin'] },
    });
  });

  it('refuses no ticked source (unticking both must not read both; the API refuses an empty list)', () => {
    expect(toScheduleInput({ ...base, sources: [] })).toEqual({ problems: ['Choose at least one source.'] });
  });

  it('takes property ids split by commas and white space, each once, and the ticked sources', () => {
    expect(toScheduleInput({ ...base, selection: 'ids', propertyIds: 'a-1, b-2\nc-3 a-1', sources: ['zillow'] })).toEqual({
      input: { name: 'nightly', cron: '0 3 * * *', timeZone: 'America/Phoenix', propertyIds: ['a-1', 'b-2', 'c-3'], sources: ['zillow'] },
    });
    expect(splitIds(' , ')).toEqual([]);
  });

  it('names each missing field', () => {
    expect(toScheduleInput({ ...base, name: '', cron: ' ', selection: 'label' })).toEqual({
      problems: ['Name is required.', 'Cron is required.', 'Label is required for a label selection.'],
    });
  });

  it("sets each run's own time limit from hours (none when empty), and names a limit out of range", () => {
    expect(toScheduleInput({ ...base, timeLimitHours: ' 48 ' })).toEqual({
      input: {
        name: 'nightly',
        cron: '0 3 * * *',
        timeZone: 'America/Phoenix',
        all: true,
        sources: ['zillow', 'redfin'],
        timeoutSeconds: 172_800,
      },
    });
    expect(toScheduleInput({ ...base, timeLimitHours: '0.5' })).toMatchObject({ input: { timeoutSeconds: 1_800 } });
    for (const bad of ['0', '-1', 'soon', '721'])
      expect(toScheduleInput({ ...base, timeLimitHours: bad })).toEqual({
        problems: ['Time limit must be a number of hours above 0 and at most 720 (30 days), or empty for none.'],
      });
  });
});

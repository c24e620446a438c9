import { describe, expect, it } from 'vitest';
import { ignoredJobFilterParams, readJobFilterParams, toJobFilter } from '../src/lib/job-filter.js';
import { thrownText } from '../src/lib/error-text.js';

const filterOf = (search: string): ReturnType<typeof toJobFilter> => toJobFilter(readJobFilterParams(new URLSearchParams(search)));
const ignoredOf = (search: string): readonly string[] => ignoredJobFilterParams(readJobFilterParams(new URLSearchParams(search)));

describe('job filter with impossible days', () => {
  it('leaves out a day that matches YYYY-MM-DD but is no calendar day, instead of throwing', () => {
    expect(filterOf('from=2026-99-99')).toBeNull();
    expect(filterOf('to=2026-99-99')).toBeNull();
    expect(filterOf('from=2026-13-01&status=FAILED')).toEqual({ status: 'FAILED' });
    expect(filterOf('to=2026-02-30')).toBeNull();
  });

  it('names each ignored parameter for the page note', () => {
    expect(ignoredOf('from=2026-99-99&to=2026-03-31')).toEqual(['from']);
    expect(ignoredOf('from=2026-13-01&to=2026-99-99')).toEqual(['from', 'to']);
    expect(ignoredOf('from=2026-03-01&to=2026-03-31')).toEqual([]);
  });
});

describe('job filter with unknown values', () => {
  it('leaves out a status, origin or source the API does not know and names it', () => {
    expect(filterOf('status=bogus&origin=SCHEDULED')).toEqual({ origin: 'SCHEDULED' });
    expect(filterOf('origin=nope&source=ebay')).toBeNull();
    expect(ignoredOf('status=bogus&origin=nope&source=ebay&from=2026-01-01')).toEqual(['status', 'origin', 'source']);
    expect(ignoredOf('status=FAILED&origin=INTERACTIVE&source=redfin')).toEqual([]);
  });
});

describe('thrownText', () => {
  it('shows an Error with its name, and any other thrown value as text', () => {
    expect(thrownText(new RangeError('Invalid time value'))).toBe('RangeError: Invalid time value');
    expect(thrownText('boom')).toBe('boom');
    expect(thrownText(undefined)).toBe('undefined');
    expect(thrownText('')).toBe('Unknown error');
  });
});

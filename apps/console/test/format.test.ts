import { describe, expect, it } from 'vitest';
import { enumWords, formatAgo, formatBytes, formatDateTime, formatDimensions, timeLimitWords } from '../src/lib/format.js';

describe('formatBytes', () => {
  it('keeps bytes below 1 KiB and uses IEC units with one decimal above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 * 1024 + 200 * 1024)).toBe('3.2 MiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TiB');
  });
});

describe('formatDateTime', () => {
  it('shows an instant in the zone it is given, with the zone name', () => {
    expect(formatDateTime('2026-01-01T10:00:00.000Z', 'America/Phoenix')).toBe('Jan 1, 2026, 3:00:00 AM MST');
    expect(formatDateTime('2026-07-01T10:00:00.000Z', 'America/New_York')).toBe('Jul 1, 2026, 6:00:00 AM EDT');
  });

  it('shows a dash for no instant and the text itself for a malformed one', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('not a date');
  });

  it('throws for a zone Intl does not know', () => {
    expect(() => formatDateTime('2026-01-01T10:00:00.000Z', 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('formatAgo', () => {
  const now = Date.parse('2026-01-01T12:00:00.000Z');
  it('says how long ago, coarsely', () => {
    expect(formatAgo('2026-01-01T11:59:58.000Z', now)).toBe('just now');
    expect(formatAgo('2026-01-01T11:59:18.000Z', now)).toBe('42 s ago');
    expect(formatAgo('2026-01-01T11:55:00.000Z', now)).toBe('5 min ago');
    expect(formatAgo('2026-01-01T09:00:00.000Z', now)).toBe('3 h ago');
    expect(formatAgo('2025-12-29T12:00:00.000Z', now)).toBe('3 d ago');
  });
});

describe('enumWords and formatDimensions', () => {
  it('turn API values into words', () => {
    expect(enumWords('IN_PROGRESS')).toBe('in progress');
    expect(formatDimensions(1024, 768)).toBe('1024 × 768 px');
  });
});

describe('timeLimitWords', () => {
  it("says a job's own time limit in the largest unit that divides it, and nothing for none", () => {
    expect(timeLimitWords(7_200)).toBe('time limit 2 h');
    expect(timeLimitWords(5_400)).toBe('time limit 90 min');
    expect(timeLimitWords(2_592_000)).toBe('time limit 30 d');
    expect(timeLimitWords(45)).toBe('time limit 45 s');
    expect(timeLimitWords(null)).toBeNull();
  });
});

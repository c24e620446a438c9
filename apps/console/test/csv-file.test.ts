import { describe, expect, it } from 'vitest';
import { CSV_REQUEST_LIMIT_BYTES, readCsvBytes } from '../src/lib/csv-file.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)));

describe('readCsvBytes', () => {
  it('decodes UTF-8, keeping accented letters', () => {
    expect(readCsvBytes(bytes('address\n"14 Café St"\n'))).toEqual({ csv: 'address\n"14 Café St"\n' });
  });

  it('refuses Latin-1 naming the line, the byte and its column, like the CLI', () => {
    expect(readCsvBytes(bytes('address\n"14 Caf', [0xe9], ' St"\n'))).toEqual({ problem: 'line 2: is not UTF-8 (byte 0xe9 at column 8)' });
    expect(readCsvBytes(bytes('address\n"1 Main St, Phoenix"\n"2 Pe', [0xf1], 'a Ave, Phoenix"\n'))).toEqual({
      problem: 'line 3: is not UTF-8 (byte 0xf1 at column 6)',
    });
    expect(readCsvBytes(bytes([0xff], 'address\n'))).toEqual({ problem: 'line 1: is not UTF-8 (byte 0xff at column 1)' });
  });

  it('refuses a file over the request limit, naming the limit and the CLI', () => {
    const big = bytes('address\n', 'x'.repeat(CSV_REQUEST_LIMIT_BYTES));
    const result = readCsvBytes(big);
    expect(result).toHaveProperty('problem');
    const problem = 'problem' in result ? result.problem : '';
    expect(problem).toContain(`${big.length} bytes`);
    expect(problem).toContain('102400 bytes');
    expect(problem).toContain('npm run extract -- properties import <file>');
    expect(CSV_REQUEST_LIMIT_BYTES).toBe(102_400);
  });
});

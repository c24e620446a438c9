import { describe, expect, it } from 'vitest';
import { describeValue } from '../../src/validation/index.js';

describe('describeValue', () => {
  it('names the type with the right article, never the value', () => {
    expect(
      [
        null,
        undefined,
        [],
        {},
        'secret',
        3,
        true,
        new URL('https://x.test/'),
        new ArrayBuffer(1),
        new Uint8Array(1),
        Buffer.alloc(1),
        new Date(0),
      ].map(describeValue),
    ).toEqual([
      'null',
      'nothing (undefined)',
      'an array',
      'an object',
      'a string',
      'a number',
      'a boolean',
      'a URL object',
      'an ArrayBuffer',
      'a Uint8Array',
      'a Buffer',
      'a Date',
    ]);
  });
});

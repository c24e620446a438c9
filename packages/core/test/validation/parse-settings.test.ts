import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError } from '../../src/errors/index.js';
import { numberSetting, parseSettings } from '../../src/validation/parse-settings.js';

const schema = z.object({ PORT: numberSetting(z.number().int().min(0).max(65_535).default(4000)) });
const read = (PORT: string | undefined): unknown => parseSettings(schema, { PORT }, {}, 'environment').PORT;

describe('numberSetting', () => {
  it('reads plain decimal text, and blank or missing as the default', () => {
    expect([read('8080'), read(' 42 '), read(''), read(undefined)]).toEqual([8080, 42, 4000, 4000]);
  });

  it('refuses what Number would read but a person would not write as a number of ms or items (1.5e4, 0x10, 1_000, Infinity)', () => {
    for (const text of ['1.5e4', '0x10', '1_000', 'Infinity', '5s', '0b11']) {
      expect(() => read(text), text).toThrow(InvalidInputError);
    }
  });

  it('quotes text that is not a number and says what to write instead of "received NaN"', () => {
    expect(() => read('5s')).toThrow('PORT: "5s" is not a number; write plain decimal digits (no unit, exponent or digit separator)');
    expect(() => read('abc')).toThrow(/"abc" is not a number/);
  });

  it('names the variable and its range for a value out of range', () => {
    expect(() => read('-1')).toThrow(/PORT/);
  });
});

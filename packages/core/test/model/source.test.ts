import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/index.js';
import { parseSources } from '../../src/model/index.js';

describe('parseSources', () => {
  it('reads names in any case and spacing, each once, in the order given; absent means every source', () => {
    expect(parseSources([' Redfin ', 'zillow', 'REDFIN'])).toEqual(['redfin', 'zillow']);
    expect(parseSources(undefined)).toEqual(['zillow', 'redfin']);
  });

  it('refuses an empty list, saying to leave the list out for every source', () => {
    const error = (() => {
      try {
        return parseSources([]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).issues).toEqual([
      {
        path: 'sources',
        message: 'is empty; name at least one source (zillow, redfin), or leave sources out (or null) to read every source',
      },
    ]);
  });

  it('names every unknown source by its position', () => {
    expect(() => parseSources(['zillow', 'trulia'])).toThrow(/sources\.1: unknown source "trulia"; expected one of zillow, redfin/);
  });
});
